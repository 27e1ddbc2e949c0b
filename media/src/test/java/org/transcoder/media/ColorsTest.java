package org.transcoder.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.testing.Ffprobe;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.testing.HlsLadder;
import org.transcoder.media.testing.KeptOutput;
import org.transcoder.media.testing.LadderAssertions;
import org.transcoder.media.testing.TestTranscoder;

/**
 * Every rung, the poster and the storyboard show the source's colours: a frame of one known colour,
 * stored with each way of declaring (or not declaring) its matrix that uploads come with, read back
 * to RGB the way a player reads it (the matrix and range the file declares, or, undeclared, what
 * players assume for its size), is that colour. Before, the SD rungs of an undeclared HD source
 * read as BT.601, an RGB source's HD rungs as BT.709, and the JPEGs of every BT.709 source were off
 * (a red of 200, 40, 40 as 182, 21, 38).
 */
class ColorsTest {

    /** The colour of every frame: a saturated red, where BT.601 and BT.709 differ most. */
    private static final int[] RGB = {200, 40, 40};

    /** Off by more than this (of 255, per channel) is another colour. */
    private static final int TOLERANCE = 4;

    /**
     * The same for the JPEGs, whose quantization alone moves a saturated red by up to 5 (their
     * BT.601 sources read 196, 38, 36); a wrong matrix moves it by 18 or more.
     */
    private static final int JPEG_TOLERANCE = 8;

    static Stream<Arguments> sources() {
        return Stream.of(
                // A camera or editor declaring BT.709 at 1080p.
                source("hd_bt709_declared.mp4", "1920x1080", "bt709", "tv", "bt709"),
                // A phone: BT.601 full range declared at 1080p.
                source("hd_bt601_full_declared.mp4", "1920x1080", "bt601", "pc", "smpte170m"),
                // Nothing declared at 720p: players take it as BT.709.
                source("hd_undeclared.mp4", "1280x720", "bt709", "tv", null),
                // Nothing declared at 480 lines: players take it as BT.601.
                source("sd_undeclared.mp4", "854x480", "bt601", "tv", null),
                // RGB H.264 (lossless screen recorders): converted, and declared BT.709.
                Arguments.of(
                        "rgb_h264.mp4",
                        GeneratedMedia.args(
                                "-f lavfi -i color=c=0xC82828:size=1280x720:rate=25:duration=2",
                                "-c:v libx264rgb -pix_fmt rgb24 -g 25")));
    }

    /**
     * A 2 s source of {@link #RGB}, converted to YUV with {@code matrix} and {@code range} and
     * declaring {@code declared} (null: nothing) as its matrix, primaries and transfer.
     */
    private static Arguments source(
            String name, String size, String matrix, String range, String declared) {
        String tags =
                declared == null
                        ? "setparams=colorspace=unknown:color_primaries=unknown:color_trc=unknown"
                        : "setparams=colorspace="
                                + declared
                                + ":color_primaries="
                                + (declared.equals("bt709") ? "bt709" : "bt470bg")
                                + ":color_trc=bt709";
        return Arguments.of(
                name,
                GeneratedMedia.args(
                        "-f lavfi -i color=c=0xC82828:size=" + size + ":rate=25:duration=2",
                        "-vf format=rgb24,scale=out_color_matrix="
                                + matrix
                                + ":out_range="
                                + range
                                + ",format="
                                + (range.equals("pc") ? "yuvj420p" : "yuv420p")
                                + ","
                                + tags
                                + ":range="
                                + range,
                        "-c:v libx264 -g 25"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void everyRungShowsTheSourcesColour(String name, List<String> args, @TempDir Path tmp)
            throws Exception {
        Path source = GeneratedMedia.generate(name, args);
        // The generated source itself reads as the colour.
        assertClose("source " + name, readBack(source));
        Path out = KeptOutput.dir(tmp, name);
        TestTranscoder.in(tmp).transcode(source, out);
        try (HlsLadder ladder = HlsLadder.read(out)) {
            SoftAssertions softly = new SoftAssertions();
            LadderAssertions.check(softly, ladder, LadderAssertions.Source.of(source));
            softly.assertAll();
            assertThat(ladder.rungs()).hasSizeGreaterThan(1);
            for (HlsLadder.Rung r : ladder.rungs()) {
                Path file = r.rendition().file();
                assertClose("rung " + r.name() + " of " + name, readBack(file));
            }
        }
        // The poster and the storyboard too (JPEG: BT.601 full range, whatever the video is).
        for (String image : List.of(OutputLayout.POSTER, OutputLayout.STORYBOARD)) {
            Path file = out.resolve(OutputLayout.THUMBNAILS_DIR).resolve(image);
            assertClose(image + " of " + name, readBack(file), JPEG_TOLERANCE);
        }
    }

    private static void assertClose(String what, int[] rgb) {
        assertClose(what, rgb, TOLERANCE);
    }

    private static void assertClose(String what, int[] rgb, int tolerance) {
        for (int i = 0; i < 3; i++) {
            assertThat(rgb[i])
                    .as(
                            "%s: channel %d of (%d, %d, %d) against (%d, %d, %d)",
                            what, i, rgb[0], rgb[1], rgb[2], RGB[0], RGB[1], RGB[2])
                    .isBetween(RGB[i] - tolerance, RGB[i] + tolerance);
        }
    }

    /**
     * The first frame's middle pixel as a player shows it: converted to RGB with the matrix and
     * range the file declares, or where it declares none, BT.709 from HD up and BT.601 below, and
     * limited range.
     */
    private static int[] readBack(Path file) throws Exception {
        Ffprobe.VideoStream p = Ffprobe.video(file).orElseThrow();
        boolean rgb = LadderAssertions.isRgb(p);
        boolean hd = LadderAssertions.playersAssumeBt709(p);
        String matrix =
                switch (p.colorSpace()) {
                    case "bt709" -> "bt709";
                    case "smpte170m", "bt470bg" -> "bt601";
                    default -> hd ? "bt709" : "bt601";
                };
        String range = p.colorRange().equals("pc") || p.pixFmt().startsWith("yuvj") ? "pc" : "tv";
        String convert =
                rgb
                        ? "format=rgb24"
                        : "scale=in_color_matrix="
                                + matrix
                                + ":in_range="
                                + range
                                + ",format=rgb24";
        Path raw = Files.createTempFile("colors", ".rgb");
        try {
            FfmpegBinaries bin = FfmpegBinaries.get();
            ProcessResult r =
                    NativeProcess.run(
                            List.of(
                                    bin.ffmpeg().toString(),
                                    "-v",
                                    "error",
                                    "-y",
                                    "-i",
                                    file.toString(),
                                    "-frames:v",
                                    "1",
                                    "-vf",
                                    convert
                                            + ",crop=2:2:"
                                            + (p.width() / 2 / 2 * 2)
                                            + ":"
                                            + (p.height() / 2 / 2 * 2),
                                    "-f",
                                    "rawvideo",
                                    raw.toString()),
                            bin.environment(),
                            java.time.Duration.ofMinutes(1));
            assertThat(r.exitCode()).as("ffmpeg: %s", r.stderrTail()).isZero();
            byte[] b = Files.readAllBytes(raw);
            assertThat(b).hasSizeGreaterThanOrEqualTo(3);
            return new int[] {b[0] & 0xff, b[1] & 0xff, b[2] & 0xff};
        } finally {
            Files.deleteIfExists(raw);
        }
    }
}
