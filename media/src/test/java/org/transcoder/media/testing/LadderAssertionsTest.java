package org.transcoder.media.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;

/**
 * Tests of the kit itself, on a tiny ladder that the bundled ffmpeg CLI's hls muxer writes in the
 * project's layout. It also documents why that muxer's master playlist is not copied: it writes no
 * FRAME-RATE, and its BANDWIDTH leaves the audio rendition out.
 */
class LadderAssertionsTest {

    private static Path source;

    @BeforeAll
    static void source() {
        source =
                GeneratedMedia.generate(
                        "kit_source_5s_320x240_aac.mp4",
                        List.of(
                                "-f",
                                "lavfi",
                                "-i",
                                "testsrc2=size=320x240:rate=25:duration=5",
                                "-f",
                                "lavfi",
                                "-i",
                                "sine=frequency=440:duration=5:sample_rate=48000",
                                "-filter_complex",
                                "[0:v]noise=alls=20:allf=t[v]",
                                "-map",
                                "[v]",
                                "-map",
                                "1:a",
                                "-c:v",
                                "libx264",
                                "-preset",
                                "ultrafast",
                                "-pix_fmt",
                                "yuv420p",
                                "-c:a",
                                "aac",
                                "-ac",
                                "2"));
    }

    @Test
    void ffmpegHlsMuxerMasterLacksFrameRateAndAudioInBandwidth(@TempDir Path out) throws Exception {
        writeLadder(out, 25, 25);

        List<String> problems = LadderAssertions.problems(out, source);

        assertThat(problems)
                .as("the muxer's master playlist has no FRAME-RATE")
                .anyMatch(p -> p.contains("240p") && p.contains("FRAME-RATE present"))
                .anyMatch(p -> p.contains("120p") && p.contains("FRAME-RATE present"));
        // Its BANDWIDTH is the video alone: at 120p the 96k audio is a third of the real peak.
        assertThat(problems)
                .as("the muxer's BANDWIDTH leaves the audio out")
                .anyMatch(p -> p.contains("variant 120p: BANDWIDTH") && p.contains("audio"));
        assertThat(problems)
                .as("everything else of the muxer's output passes: " + problems)
                .allMatch(
                        p ->
                                p.contains("FRAME-RATE")
                                        || p.contains("BANDWIDTH")
                                        || NO_IFRAME_PLAYLIST.matcher(p).find());
    }

    /**
     * The one problem of the muxer's ladder under a measured master: it has no I-frame playlists.
     */
    private static final java.util.regex.Pattern NO_IFRAME_PLAYLIST =
            java.util.regex.Pattern.compile("rung \\d+p: EXT-X-I-FRAME-STREAM-INF");

    @Test
    void aMeasuredMasterLeavesOnlyTheMissingIFramePlaylists(@TempDir Path out) throws Exception {
        writeLadder(out, 25, 25);
        rewriteMaster(out, true);

        // ffmpeg's hls muxer writes no I-frame playlists (Apple 6.1 asks for them): that is all
        // that is wrong, once per rung.
        assertThat(LadderAssertions.problems(out, source))
                .hasSize(2)
                .allMatch(p -> NO_IFRAME_PLAYLIST.matcher(p).find());

        try (HlsLadder ladder = HlsLadder.read(out)) {
            assertThat(ladder.rungs())
                    .extracting(HlsLadder.Rung::name)
                    .containsExactly("240p", "120p");
            assertThat(ladder.top().decodedFrames()).isEqualTo(125);
            assertThat(ladder.top().rendition().segments()).hasSize(3);
            assertThat(ladder.top().firstPackets()).allMatch(Ffprobe.Packet::keyframe);
            assertThat(ladder.audio()).isPresent();
            assertThat(ladder.audio().get().stream().channels()).isEqualTo(2);
        }
    }

    @Test
    void bandwidthWithoutAudioIsCaught(@TempDir Path out) throws Exception {
        writeLadder(out, 25, 25);
        rewriteMaster(out, false);

        assertThat(LadderAssertions.problems(out, source))
                .filteredOn(p -> !NO_IFRAME_PLAYLIST.matcher(p).find())
                .isNotEmpty()
                .allMatch(p -> p.contains("BANDWIDTH"), "only the bandwidth checks fail");
    }

    @Test
    void aMasterDeclaringOtherAudioChannelsIsCaught(@TempDir Path out) throws Exception {
        writeLadder(out, 25, 25);
        rewriteMaster(out, true);
        Path master = out.resolve("master.m3u8");
        String text = Files.readString(master);
        assertThat(text).contains("CHANNELS=\"2\"");
        Files.writeString(master, text.replace("CHANNELS=\"2\"", "CHANNELS=\"6\""));

        assertThat(LadderAssertions.problems(out, source))
                .filteredOn(p -> !NO_IFRAME_PLAYLIST.matcher(p).find())
                .singleElement()
                .asString()
                .contains("EXT-X-MEDIA CHANNELS");
    }

    @Test
    void undeclaredColoursAreCaught(@TempDir Path out) throws Exception {
        // What ffmpeg writes by default: no colour description, which players guess by size.
        writeLadder(out, 25, 25, "");
        rewriteMaster(out, true);

        assertThat(LadderAssertions.problems(out, source))
                .filteredOn(p -> !NO_IFRAME_PLAYLIST.matcher(p).find())
                .anyMatch(p -> p.contains("rung 120p") && p.contains("declared matrix"))
                .anyMatch(p -> p.contains("rung 240p") && p.contains("declared range"))
                .allMatch(p -> p.contains(": declared "), "only the colour checks fail");
    }

    @Test
    void misalignedSegmentsAndMissingKeyframesAreCaught(@TempDir Path out) throws Exception {
        // 120p keyframes every 1.52 s: the muxer cuts its segments elsewhere than 240p's.
        writeLadder(out, 25, 38);
        rewriteMaster(out, true);

        List<String> problems = LadderAssertions.problems(out, source);

        assertThat(problems).anyMatch(p -> p.contains("rung 120p vs 240p"));
        assertThatThrownBy(() -> LadderAssertions.assertPlayableLadder(out, source))
                .hasMessageContaining("rung 120p vs 240p");
    }

    @Test
    void missingThumbnailsAndBrokenPlaylistTagsAreCaught(@TempDir Path out) throws Exception {
        writeLadder(out, 25, 25);
        rewriteMaster(out, true);
        Files.delete(out.resolve("thumbnails/poster.jpg"));
        Path p = out.resolve("240p/index.m3u8");
        Files.writeString(
                p,
                Files.readString(p)
                        .replace("#EXT-X-ENDLIST\n", "")
                        .replace("#EXT-X-TARGETDURATION:2", "#EXT-X-TARGETDURATION:1"));

        List<String> problems = LadderAssertions.problems(out, source);

        assertThat(problems)
                .anyMatch(m -> m.contains("poster.jpg exists"))
                .anyMatch(m -> m.contains("rung 240p playlist: EXT-X-ENDLIST"))
                .anyMatch(
                        m ->
                                m.contains("rung 240p playlist: segment 0")
                                        && m.contains("Apple 7.7"));
    }

    @Test
    void fixturesAreListedAndDescribed() {
        List<String> all = Fixtures.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(18).doesNotContain(Fixtures.MANIFEST);
        assertThat(Fixtures.manifest())
                .extracting(Fixtures.ManifestRow::file)
                .containsExactlyInAnyOrderElementsOf(all);
        assertThat(Fixtures.manifestRow("audio_crunching.mp3"))
                .get()
                .matches(r -> !r.hasVideo() && r.hasAudio());
        assertThat(Fixtures.clip("vp9_bear_odd_161x121.webm")).isRegularFile();
    }

    @Test
    void probeReadsRotationAndAspect() {
        Ffprobe.VideoStream hevc =
                Ffprobe.video(Fixtures.clip("hevc_android_1080p_rot90_metatrack.mp4"))
                        .orElseThrow();
        assertThat(Math.abs(hevc.rotation())).isEqualTo(90);
        assertThat(hevc.portrait()).isTrue();
        assertThat(hevc.displayWidth()).isEqualTo(1080);

        Ffprobe.VideoStream dv =
                Ffprobe.video(Fixtures.clip("dv_ntsc_interlaced_bff_2x_pcm.dv")).orElseThrow();
        assertThat(dv.displayWidth()).isCloseTo(640, org.assertj.core.data.Offset.offset(0.5));
        assertThat(dv.displayHeight()).isEqualTo(480);

        assertThat(Ffprobe.video(Fixtures.clip("audio_crunching.mp3"))).isEmpty();
        assertThat(Ffprobe.videoPacketCount(Fixtures.clip("vp9_bear_odd_161x121.webm")))
                .isPositive();
    }

    /**
     * Two video rungs (320x240 "240p", 160x120 "120p") and one audio rendition, segments of 2 s,
     * renamed into the project's layout, plus thumbnails.
     */
    private static void writeLadder(Path out, int gop240, int gop120) throws IOException {
        writeLadder(out, gop240, gop120, DECLARED);
    }

    /**
     * What each rung of {@link #writeLadder} declares of its colours: the source's (undeclared) SD.
     */
    private static final String DECLARED =
            ",setparams=colorspace=smpte170m:color_primaries=smpte170m:color_trc=smpte170m:range=tv";

    /** The same with {@code colors} after each scaler ("" declares nothing). */
    private static void writeLadder(Path out, int gop240, int gop120, String colors)
            throws IOException {
        ffmpeg(
                out,
                "-i",
                source.toString(),
                "-filter_complex",
                "[0:v]split=2[a][b];[a]scale=320:240"
                        + colors
                        + "[v0];[b]scale=160:120"
                        + colors
                        + "[v1]",
                "-map",
                "[v0]",
                "-map",
                "[v1]",
                "-map",
                "0:a",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-profile:v",
                "high",
                "-pix_fmt",
                "yuv420p",
                "-g:v:0",
                String.valueOf(gop240),
                "-keyint_min:v:0",
                String.valueOf(gop240),
                "-g:v:1",
                String.valueOf(gop120),
                "-keyint_min:v:1",
                String.valueOf(gop120),
                "-sc_threshold",
                "0",
                "-c:a",
                "aac",
                "-ac",
                "2",
                "-b:a",
                "96k",
                "-f",
                "hls",
                "-hls_time",
                "2",
                "-hls_playlist_type",
                "vod",
                "-hls_segment_type",
                "fmp4",
                "-hls_fmp4_init_filename",
                "init.mp4",
                "-hls_segment_filename",
                "%v/seg_%05d.m4s",
                "-master_pl_name",
                "master.m3u8",
                "-var_stream_map",
                "v:0,agroup:aud,name:240p v:1,agroup:aud,name:120p a:0,agroup:aud,name:audio",
                "%v/index.m3u8");
        // The muxer numbers init segments per variant (init_N.mp4); the layout says init.mp4.
        for (String rung : List.of("240p", "120p", "audio")) {
            Path dir = out.resolve(rung);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f :
                        files.filter(f -> f.getFileName().toString().matches("init_\\d+\\.mp4"))
                                .toList()) {
                    Path playlist = dir.resolve("index.m3u8");
                    Files.writeString(
                            playlist,
                            Files.readString(playlist)
                                    .replace(f.getFileName().toString(), "init.mp4"));
                    Files.move(f, dir.resolve("init.mp4"));
                }
            }
        }
        // The muxer lists the audio rendition as a variant of its own: drop it.
        Path master = out.resolve("master.m3u8");
        List<String> lines = new ArrayList<>(Files.readAllLines(master));
        int i = lines.indexOf("audio/index.m3u8");
        lines.remove(i);
        lines.remove(i - 1);
        Files.write(master, lines);

        Path thumbs = Files.createDirectories(out.resolve("thumbnails"));
        ffmpeg(
                out,
                "-i",
                source.toString(),
                "-frames:v",
                "1",
                "-vf",
                "scale=320:240",
                thumbs.resolve("poster.jpg").toString());
        ffmpeg(
                out,
                "-i",
                source.toString(),
                "-vf",
                "fps=1,scale=80:60,tile=5x1",
                "-frames:v",
                "1",
                thumbs.resolve("storyboard.jpg").toString());
        StringBuilder vtt = new StringBuilder("WEBVTT\n\n");
        for (int s = 0; s < 5; s++) {
            vtt.append(
                    String.format(
                            Locale.ROOT,
                            "00:00:0%d.000 --> 00:00:0%d.000%nstoryboard.jpg#xywh=%d,0,80,60%n%n",
                            s,
                            s + 1,
                            s * 80));
        }
        Files.writeString(thumbs.resolve("storyboard.vtt"), vtt.toString());
    }

    /** Writes the master playlist the way the project defines it, from the written segments. */
    private static void rewriteMaster(Path out, boolean audioInBandwidth) throws IOException {
        StringBuilder m =
                new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        m.append(
                "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"audio\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/index.m3u8\"\n");
        LadderAssertions.BitRates audio = rates(out.resolve("audio/index.m3u8"));
        for (String rung : List.of("240p", "120p")) {
            Path dir = out.resolve(rung);
            Path glued = Files.createTempFile("kit-", ".mp4");
            Ffprobe.Rendition r = Ffprobe.concatRendition(dir.resolve("index.m3u8"), glued);
            Ffprobe.VideoStream v = Ffprobe.video(glued).orElseThrow();
            Files.delete(glued);
            LadderAssertions.BitRates video = rates(dir.resolve("index.m3u8"));
            double a = audioInBandwidth ? 1 : 0;
            m.append(
                    String.format(
                            Locale.ROOT,
                            "#EXT-X-STREAM-INF:BANDWIDTH=%d,AVERAGE-BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"%s,mp4a.40.2\",FRAME-RATE=25.000,AUDIO=\"aud\"%n%s/index.m3u8%n",
                            Math.round(video.peak() + a * audio.peak()),
                            Math.round(video.average() + a * audio.average()),
                            v.width(),
                            v.height(),
                            v.mimeCodec(),
                            rung));
            assertThat(r.segments()).isNotEmpty();
        }
        Files.writeString(out.resolve("master.m3u8"), m.toString());
    }

    private static LadderAssertions.BitRates rates(Path playlist) throws IOException {
        Path glued = Files.createTempFile("kit-", ".mp4");
        try {
            return LadderAssertions.BitRates.of(Ffprobe.concatRendition(playlist, glued));
        } finally {
            Files.delete(glued);
        }
    }

    private static void ffmpeg(Path cwd, String... args) throws IOException {
        FfmpegBinaries bin = FfmpegBinaries.get();
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                bin.ffmpeg().toString(),
                                "-hide_banner",
                                "-nostdin",
                                "-v",
                                "error",
                                "-y"));
        cmd.addAll(List.of(args));
        // The hls muxer writes relative names against the working directory: run it in cwd.
        List<String> sh = List.of("/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd.toString());
        List<String> full = new ArrayList<>(sh);
        full.addAll(cmd);
        ProcessResult r = NativeProcess.run(full, bin.environment(), Duration.ofMinutes(2));
        assertThat(r.exitCode()).as("ffmpeg %s: %s", List.of(args), r.stderrTail()).isZero();
    }
}
