package org.transcoder.media.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.media.MediaException;
import org.transcoder.media.testing.Ffprobe;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * The sample table read from moov says, packet for packet, what ffprobe's listing of the whole file
 * says; where it cannot (fragments, a cut-off file) it says nothing, and the probe's result is the
 * same either way.
 */
class Mp4SampleTableTest {

    /** Every MP4/MOV among the shared clips: phones (VFR, rotation, HEVC, a metadata track). */
    static List<String> mp4Fixtures() {
        return Fixtures.all().stream()
                .filter(n -> n.endsWith(".mp4") || n.endsWith(".mov"))
                .filter(n -> !n.startsWith("audio_only") && !n.startsWith("truncated"))
                .toList();
    }

    @ParameterizedTest
    @MethodSource("mp4Fixtures")
    void theTableListsWhatFfprobeListsForEveryPhoneClip(String name) throws MediaException {
        assertTableIsTheListing(Fixtures.clip(name));
    }

    /** Generated: B-frames behind an edit list, an empty edit before it, MOV, moov at the end. */
    @Test
    void theTableListsWhatFfprobeListsForGeneratedLayouts() throws MediaException {
        for (Path clip :
                List.of(
                        clip("bframes_faststart.mp4", "-bf 3 -movflags +faststart"),
                        clip("bframes_moov_last.mp4", "-bf 2"),
                        clip("no_bframes.mp4", "-bf 0"),
                        clip("empty_edit_offset.mp4", "-bf 2 -output_ts_offset 1.5"),
                        clip("timescale_90k.mov", "-bf 2 -video_track_timescale 90000"),
                        GeneratedMedia.vfrNearDuplicates(),
                        GeneratedMedia.extremeVfr())) {
            assertTableIsTheListing(clip);
        }
    }

    @Test
    void aFragmentedFileHasNoTableAndIsListedByFfprobe() throws MediaException {
        Path fragmented = clip("fragmented.mp4", "-bf 2 -movflags frag_keyframe+empty_moov");
        assertThat(Mp4SampleTable.read(fragmented, 0, Long.MAX_VALUE)).isEmpty();
        assertSameProbeWithAndWithoutTheTable(fragmented);
    }

    /** The table would list the frames past the cut: ffprobe lists the file, as before. */
    @Test
    void aCutOffFileHasNoTableAndIsListedByFfprobe() throws MediaException, IOException {
        Path whole = clip("bframes_faststart.mp4", "-bf 3 -movflags +faststart");
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.createTempFile("cut-off", ".mp4");
        try {
            Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
            assertThat(Mp4SampleTable.read(cut, 0, Long.MAX_VALUE)).isEmpty();
            MediaInfo info = assertSameProbeWithAndWithoutTheTable(cut);
            assertThat(info.warnings()).contains("partial file");
            assertThat(
                            Mp4SampleTable.read(
                                    Fixtures.clip("truncated_phone_first1MB.mp4"),
                                    0,
                                    Long.MAX_VALUE))
                    .isEmpty();
        } finally {
            Files.deleteIfExists(cut);
        }
    }

    @Test
    void anAudioTrackOrAMissingTrackHasNoTable() {
        Path phone = Fixtures.clip("h264_android_phone_rot180_vfr.mp4");
        assertThat(Mp4SampleTable.read(phone, 1, Long.MAX_VALUE)).isEmpty(); // its audio
        assertThat(Mp4SampleTable.read(phone, 7, Long.MAX_VALUE)).isEmpty();
        assertThat(
                        Mp4SampleTable.read(
                                Fixtures.clip("vp8_bbb_720p_vorbis.webm"), 0, Long.MAX_VALUE))
                .isEmpty();
    }

    /**
     * An edit that starts 3 s into the media: FFmpeg's demuxer drops the frames before the keyframe
     * at 2 s, which the table still holds, so the first packets disagree and the probe lists the
     * file with ffprobe (the very result of the whole listing). Without the head check the probe
     * would plan two seconds of frames that no later step reads.
     */
    @Test
    void aTableThatDisagreesWithTheFirstPacketsIsNotUsed() throws MediaException, IOException {
        byte[] bytes = Files.readAllBytes(clip("no_bframes.mp4", "-bf 0"));
        int elst = indexOf(bytes, "elst");
        java.nio.ByteBuffer.wrap(bytes).putInt(elst + 16, 3 * 15360); // media_time of entry 1
        Path late = Files.createTempFile("late-edit", ".mp4");
        try {
            Files.write(late, bytes);
            Packets table = Mp4SampleTable.read(late, 0, 1_000_000).orElseThrow();
            assertThat(table.times()[0]).isNotEqualTo(Ffprobe.videoPackets(late).get(0).ptsTime());
            MediaInfo info = assertSameProbeWithAndWithoutTheTable(late);
            assertThat(info.framePts()).hasSizeLessThan(table.count());
        } finally {
            Files.deleteIfExists(late);
        }
    }

    /**
     * Layouts past the plain one, each made from a plain file by changing one field: a sample group
     * box (FFmpeg may take keyframes from it), two sample descriptions, two edits, an edit at twice
     * the speed. None is read; the probe lists them with ffprobe.
     */
    @Test
    void layoutsPastThePlainOneHaveNoTable() throws MediaException, IOException {
        Path plainClip = clip("bframes_faststart.mp4", "-bf 3 -movflags +faststart");
        Path editedClip = clip("empty_edit_offset.mp4", "-bf 2 -output_ts_offset 1.5");
        assertThat(Mp4SampleTable.read(plainClip, 0, 1_000_000)).isPresent();
        assertThat(Mp4SampleTable.read(editedClip, 0, 1_000_000)).isPresent();
        byte[] plain = Files.readAllBytes(plainClip);
        byte[] edited = Files.readAllBytes(editedClip);
        byte[] sbgp = "sbgp".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        List<Path> unusual =
                List.of(
                        written(plain, b -> b.put(indexOf(plain, "stss"), sbgp)),
                        written(plain, b -> b.putInt(indexOf(plain, "stsd") + 8, 2)),
                        // the empty edit (media time -1) made a second edit of the media
                        written(edited, b -> b.putInt(indexOf(edited, "elst") + 16, 0)),
                        written(edited, b -> b.putInt(indexOf(edited, "elst") + 32, 0x20000)));
        try {
            for (Path file : unusual) {
                assertThat(Mp4SampleTable.read(file, 0, 1_000_000)).as(file.toString()).isEmpty();
            }
            assertSameProbeWithAndWithoutTheTable(unusual.get(2));
        } finally {
            for (Path file : unusual) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A temporary copy of {@code bytes} with {@code change} applied. */
    private static Path written(
            byte[] bytes, java.util.function.Consumer<java.nio.ByteBuffer> change)
            throws IOException {
        byte[] copy = bytes.clone();
        change.accept(java.nio.ByteBuffer.wrap(copy));
        Path file = Files.createTempFile("layout", ".mp4");
        Files.write(file, copy);
        return file;
    }

    /** Past the frame limit the table says nothing, and the listing stops there: TOO_LONG. */
    @Test
    void theFrameLimitHoldsWhenTheTableCouldSayTheRest() {
        Path clip = clip("bframes_faststart.mp4", "-bf 3 -movflags +faststart");
        assertThat(Mp4SampleTable.read(clip, 0, 750)).isPresent();
        assertThat(Mp4SampleTable.read(clip, 0, 749)).isEmpty();
        ValidationPolicy policy = ValidationPolicy.defaults().withMaxFrames(500);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> MediaProbe.probe(clip, policy, header -> {}, 10))
                .isInstanceOf(MediaException.class)
                .hasMessageContaining("more than 500 frames");
    }

    /**
     * A hostile moov: counts that claim billions of samples, a box larger than its parent, a
     * million empty boxes. Nothing is allocated for what is not there, nothing throws: no table,
     * and ffprobe lists the file.
     */
    @Test
    void aHostileTableIsNotRead() throws IOException {
        byte[] plain =
                Files.readAllBytes(clip("bframes_faststart.mp4", "-bf 3 -movflags +faststart"));
        int stsz = indexOf(plain, "stsz");
        int stts = indexOf(plain, "stts");
        int stbl = indexOf(plain, "stbl");
        Path hostile = Files.createTempFile("hostile", ".mp4");
        try {
            // stsz: every sample 1 byte, 2^31 - 1 of them (no table needed to claim so many)
            byte[] bytes = plain.clone();
            java.nio.ByteBuffer.wrap(bytes).putInt(stsz + 8, 1).putInt(stsz + 12, 0x7fffffff);
            Files.write(hostile, bytes);
            assertThat(Mp4SampleTable.read(hostile, 0, 1_000_000)).isEmpty();
            // stts: an entry count far past the box
            bytes = plain.clone();
            java.nio.ByteBuffer.wrap(bytes).putInt(stts + 8, 0x7fffffff);
            Files.write(hostile, bytes);
            assertThat(Mp4SampleTable.read(hostile, 0, 1_000_000)).isEmpty();
            // stbl: larger than its parent
            bytes = plain.clone();
            java.nio.ByteBuffer.wrap(bytes).putInt(stbl - 4, 0x7ffffff0);
            Files.write(hostile, bytes);
            assertThat(Mp4SampleTable.read(hostile, 0, 1_000_000)).isEmpty();
            // a million empty boxes at the top, then the real file: not walked (without the cap
            // the walk would reach the moov behind them and read the table)
            byte[] empties = new byte[8 * 1_000_000];
            java.nio.ByteBuffer e = java.nio.ByteBuffer.wrap(empties);
            for (int i = 0; i < 1_000_000; i++) {
                e.putInt(8).put("free".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            Files.write(hostile, empties);
            Files.write(hostile, plain, java.nio.file.StandardOpenOption.APPEND);
            assertThat(Mp4SampleTable.read(hostile, 0, 1_000_000)).isEmpty();
        } finally {
            Files.deleteIfExists(hostile);
        }
    }

    private static int indexOf(byte[] bytes, String type) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + 4 <= bytes.length; i++) {
            for (int k = 0; k < 4; k++) {
                if (bytes[i + k] != t[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(type + " not found");
    }

    /** Times as ffprobe prints them: six decimals of the double's exact value, read back. */
    @Test
    void timesArePrintedAsFfprobePrintsThem() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int[] timescales = {15360, 90000, 30000, 1000, 600, 48000, 44100, 12800};
        for (int i = 0; i < 100_000; i++) {
            int timescale = timescales[i % timescales.length];
            long ticks = random.nextLong(-timescale, 36_000L * timescale);
            double seconds = ticks * (1.0 / timescale);
            String printed =
                    new java.math.BigDecimal(seconds)
                            .setScale(6, java.math.RoundingMode.HALF_EVEN)
                            .toPlainString();
            assertThat(Mp4SampleTable.printed(seconds))
                    .as("%d/%d", ticks, timescale)
                    .isEqualTo(Double.parseDouble(printed));
        }
    }

    private static void assertTableIsTheListing(Path clip) throws MediaException {
        int stream = Ffprobe.video(clip).orElseThrow().index();
        Optional<Packets> table = Mp4SampleTable.read(clip, stream, 1_000_000);
        assertThat(table).as("%s: a plain sample table", clip.getFileName()).isPresent();
        List<Ffprobe.Packet> packets = Ffprobe.videoPackets(clip);
        Packets samples = table.get();
        assertThat(samples.count()).as("%s: packets", clip.getFileName()).isEqualTo(packets.size());
        for (int i = 0; i < packets.size(); i++) {
            Ffprobe.Packet p = packets.get(i);
            String at = clip.getFileName() + " packet " + i;
            assertThat(samples.times()[i]).as(at + " time").isEqualTo(p.ptsTime());
            assertThat(samples.durations()[i]).as(at + " duration").isEqualTo(p.durationTime());
            assertThat(samples.keys()[i]).as(at + " keyframe").isEqualTo(p.keyframe());
        }
        assertSameProbeWithAndWithoutTheTable(clip);
    }

    /** The probe with 3 packets listed before the table, and with every packet listed. */
    private static MediaInfo assertSameProbeWithAndWithoutTheTable(Path clip)
            throws MediaException {
        ValidationPolicy policy = ValidationPolicy.defaults();
        MediaInfo listed = MediaProbe.probe(clip, policy, header -> {}, Integer.MAX_VALUE);
        MediaInfo tabled = MediaProbe.probe(clip, policy, header -> {}, 3);
        assertThat(tabled)
                .as(clip.getFileName().toString())
                .usingRecursiveComparison()
                .ignoringFields("warnings")
                .isEqualTo(listed);
        // The same messages; FFmpeg names each context by its address, different per run.
        assertThat(tabled.warnings().replaceAll("0x[0-9a-f]+", "@"))
                .isEqualTo(listed.warnings().replaceAll("0x[0-9a-f]+", "@"));
        return tabled;
    }

    /** 25 s of 30 fps (750 frames) at 320x180, H.264 and AAC, with these muxing options. */
    private static Path clip(String name, String options) {
        return GeneratedMedia.generate(
                "table_" + name,
                GeneratedMedia.args(
                        "-f lavfi -i testsrc2=size=320x180:rate=30:duration=25",
                        "-f lavfi -i sine=frequency=440:duration=25:sample_rate=48000",
                        "-filter_complex [0:v]noise=alls=6:allf=t[v] -map [v] -map 1:a",
                        "-c:v libx264 -preset superfast -pix_fmt yuv420p -crf 28 -g 60",
                        options,
                        "-c:a aac -ac 2 -b:a 64k"));
    }
}
