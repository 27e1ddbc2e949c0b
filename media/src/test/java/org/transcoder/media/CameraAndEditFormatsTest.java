package org.transcoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lindstrom.m3u8.model.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.media.testing.DashAssertions;
import org.transcoder.media.testing.Ffprobe;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.testing.HlsLadder;
import org.transcoder.media.testing.KeptOutput;
import org.transcoder.media.testing.LadderAssertions;
import org.transcoder.media.testing.TestTranscoder;

/**
 * Formats that cameras, editors and broadcast send and that the shared real clips do not have,
 * generated with the bundled FFmpeg: each makes a ladder that passes every ladder check, HLS
 * ({@link LadderAssertions}) and DASH ({@link DashAssertions}), with the default ladder's rungs for
 * its displayed size, and the declared values that the format is about are compared with what the
 * media hold (display size, frame rate, where the sound starts).
 */
class CameraAndEditFormatsTest {

    private static final String TONE = "-f lavfi -i sine=frequency=440:sample_rate=%d:duration=%s";

    static Stream<Arguments> formats() {
        return Stream.of(
                format(
                        "pal_sd_anamorphic_16x15.mp4",
                        "720x576",
                        "25",
                        "-vf setsar=16/15 -c:v libx264 -pix_fmt yuv420p -g 50 -c:a aac",
                        // 768x576 displayed: 576 lines, which 480p would cut by a sixth.
                        (ladder, src) -> {
                            assertThat(resolutions(ladder))
                                    .containsExactly("768x576", "640x480", "480x360", "320x240");
                            assertDeclaredFrameRate(ladder, 25);
                        }),
                format(
                        "ntsc_film_23976_bframes.mp4",
                        "1280x720",
                        "24000/1001",
                        "-c:v libx264 -pix_fmt yuv420p -bf 3 -g 48 -c:a aac",
                        (ladder, src) -> assertDeclaredFrameRate(ladder, 24000.0 / 1001)),
                format(
                        "hfr_5994.mp4",
                        "1280x720",
                        "60000/1001",
                        "-c:v libx264 -pix_fmt yuv420p -g 120 -c:a aac",
                        (ladder, src) -> assertDeclaredFrameRate(ladder, 60000.0 / 1001)),
                format(
                        "cropped_1280x700.mp4",
                        "1280x700",
                        "30",
                        "-c:v libx264 -pix_fmt yuv420p -c:a aac",
                        (ladder, src) ->
                                assertThat(resolutions(ladder))
                                        .containsExactly(
                                                "1280x700", "878x480", "658x360", "438x240")),
                format(
                        "between_rungs_358_lines_yuv444p.mp4",
                        "640x358",
                        "30",
                        "-c:v libx264 -pix_fmt yuv444p -c:a aac",
                        (ladder, src) -> {
                            assertThat(resolutions(ladder)).containsExactly("640x358", "430x240");
                            assertThat(ladder.top().stream().pixFmt()).isEqualTo("yuv420p");
                        }),
                format(
                        "prores_422hq_10bit_pcm24.mov",
                        "1280x720",
                        "30000/1001",
                        "-c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le -c:a pcm_s24le",
                        (ladder, src) -> {
                            assertThat(ladder.top().stream().pixFmt()).isEqualTo("yuv420p");
                            assertDeclaredFrameRate(ladder, 30000.0 / 1001);
                        }),
                format(
                        "mjpeg_full_range_pcm.mov",
                        "1280x720",
                        "30",
                        "-c:v mjpeg -pix_fmt yuvj422p -q:v 3 -c:a pcm_s16le",
                        (ladder, src) ->
                                assertThat(ladder.top().stream().pixFmt()).isEqualTo("yuv420p")),
                Arguments.of(
                        "audio_starts_late_1500ms.mp4",
                        generated(
                                "audio_starts_late_1500ms.mp4",
                                "-f lavfi -i testsrc2=size=640x360:rate=30:duration=4",
                                "-itsoffset 1.5",
                                TONE.formatted(48000, "2"),
                                "-map 0:v -map 1:a -c:v libx264 -pix_fmt yuv420p -c:a aac"),
                        (BiConsumer<HlsLadder, Path>)
                                (ladder, src) ->
                                        // Silence until the sound starts, not the sound moved
                                        // up to the start of the picture.
                                        assertThat(soundStarts(ladder))
                                                .isCloseTo(1.5, within(0.05))),
                Arguments.of(
                        "broadcast_ts_clock_wraps.ts",
                        // The 33-bit 90 kHz clock wraps 2 s in: the demuxer puts the first 2 s at
                        // negative times.
                        generated(
                                "broadcast_ts_clock_wraps.ts",
                                "-f lavfi -i testsrc2=size=640x360:rate=30:duration=6",
                                TONE.formatted(48000, "6"),
                                "-c:v libx264 -pix_fmt yuv420p -g 30 -c:a aac -shortest",
                                "-output_ts_offset 95441.7"),
                        (BiConsumer<HlsLadder, Path>)
                                (ladder, src) ->
                                        assertThat(ladder.top().duration())
                                                .isCloseTo(6.0, within(0.05))),
                Arguments.of(
                        GeneratedMedia.TRIMMED_BY_STREAM_COPY,
                        (Supplier<Path>) GeneratedMedia::trimmedByStreamCopy,
                        (BiConsumer<HlsLadder, Path>)
                                (ladder, src) -> {
                                    // The 0.9 s the edit list hides are not in the ladder (the
                                    // frame counts, LadderAssertions), and its first frame is
                                    // the one shown at the trim, not the GOP's keyframe.
                                    assertThat(ladder.top().duration())
                                            .isCloseTo(5.1, within(0.05));
                                    assertThat(firstFramePsnr(ladder, src)).isGreaterThan(35.0);
                                }));
    }

    /** The file {@code name} that ffmpeg makes with {@code args}, made once. */
    private static Supplier<Path> generated(String name, String... args) {
        return () -> GeneratedMedia.generate(name, GeneratedMedia.args(args));
    }

    private static Arguments format(
            String name,
            String size,
            String rate,
            String codecs,
            BiConsumer<HlsLadder, Path> declaredValues) {
        return Arguments.of(
                name,
                generated(
                        name,
                        "-f lavfi -i testsrc2=size=" + size + ":rate=" + rate + ":duration=3",
                        TONE.formatted(48000, "3"),
                        codecs,
                        "-shortest"),
                declaredValues);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void makesALadderTrueToTheSource(
            String name,
            Supplier<Path> generate,
            BiConsumer<HlsLadder, Path> declaredValues,
            @TempDir Path tmp)
            throws Exception {
        Path source = generate.get();
        Path out = KeptOutput.dir(tmp, name);
        TestTranscoder.in(tmp).transcode(source, out);
        try (HlsLadder ladder = HlsLadder.read(out)) {
            SoftAssertions softly = new SoftAssertions();
            LadderAssertions.Source src = LadderAssertions.Source.of(source);
            LadderAssertions.check(softly, ladder, src);
            DashAssertions.check(softly, out);
            LadderAssertions.checkDefaultRungs(softly, ladder, src);
            softly.assertAll();
            declaredValues.accept(ladder, source);
        }
    }

    private static List<String> resolutions(HlsLadder ladder) {
        return ladder.master().variants().stream()
                .map(v -> v.resolution().orElseThrow())
                .map(r -> r.width() + "x" + r.height())
                .toList();
    }

    /**
     * Every variant's FRAME-RATE is the source's rate to three decimals: at 90 kHz a 24000/1001
     * frame lasts 3753.75 ticks, and samples of 3753 ticks are that frame rounded, not a frame at
     * 23.981 fps ({@link org.transcoder.media.manifest.VideoTrack#maxFrameRate}).
     */
    private static void assertDeclaredFrameRate(HlsLadder ladder, double nominal) {
        for (Variant v : ladder.master().variants()) {
            assertThat(v.frameRate().orElseThrow())
                    .as("FRAME-RATE of %s for a %.5f fps source", v.uri(), nominal)
                    .isEqualTo(Math.round(nominal * 1000) / 1000.0);
        }
    }

    /** PSNR (dB) of the top rung's first frame against the source's first shown frame. */
    private static double firstFramePsnr(HlsLadder ladder, Path source) {
        Ffprobe.VideoStream top = ladder.top().stream();
        return firstTag(
                "movie="
                        + ladder.top().rendition().file()
                        + ",trim=end_frame=1[a];movie="
                        + source
                        + ",trim=end_frame=1,scale="
                        + top.width()
                        + ":"
                        + top.height()
                        + "[b];[a][b]psnr",
                "lavfi.psnr.psnr_avg");
    }

    /** Seconds from the audio rendition's start to its first sound (above -50 dBFS). */
    private static double soundStarts(HlsLadder ladder) {
        return firstTag(
                "amovie="
                        + ladder.audio().orElseThrow().rendition().file()
                        + ",silencedetect=n=-50dB:d=0.2",
                "lavfi.silence_end");
    }

    /** The first value of the frame tag {@code tag} that the filter graph {@code graph} sets. */
    private static double firstTag(String graph, String tag) {
        String values =
                Ffprobe.run(
                        List.of(
                                "-v",
                                "error",
                                "-f",
                                "lavfi",
                                "-i",
                                graph,
                                "-show_entries",
                                "frame_tags=" + tag,
                                "-of",
                                "csv=p=0"));
        return values.lines()
                .map(l -> l.replace(",", "").strip())
                .filter(l -> !l.isEmpty())
                .mapToDouble(Double::parseDouble)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + tag + " from " + graph));
    }
}
