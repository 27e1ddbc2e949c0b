package org.transcoder.media.encode;

import java.io.Serializable;
import java.util.Set;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * The colour description every rung's H.264 stream declares (its VUI: matrix, primaries, transfer,
 * range), so that each rung says what its pixels hold instead of leaving players to guess. Players
 * guess an undeclared stream by its own size (BT.709 from 720 lines up, BT.601 below), so the 480p
 * rung of an undeclared 720p source, scaled without any matrix change, was shown with BT.601
 * colours (a red of 200,40,40 as 183,21,39: {@code ColorsTest}), and an RGB source's rungs, made
 * YUV with swscale's default BT.601 and undeclared, were read as BT.709 from 720p up. (What a
 * source declared already reached its rungs: FFmpeg carries it on the frames.)
 *
 * <p>The scaler keeps the source's matrix (it converts only the range, to limited): a declared
 * value is passed on; an undeclared one is what players assume for the source, by its size. RGB
 * sources are converted to BT.709 ({@link #convertsToBt709}); tone-mapped HDR is BT.709 throughout.
 *
 * @param matrix FFmpeg's name of the matrix coefficients ({@code -colorspace})
 * @param primaries FFmpeg's name of the colour primaries ({@code -color_primaries})
 * @param transfer FFmpeg's name of the transfer characteristics ({@code -color_trc})
 * @param convertsToBt709 the scaler converts the source (RGB) to the BT.709 matrix
 */
public record ColorTags(String matrix, String primaries, String transfer, boolean convertsToBt709)
        implements Serializable {

    /** Every rung is limited range: the scaler converts full-range sources. */
    public static final String RANGE = "tv";

    /** Values FFmpeg's setparams takes (and H.264 can declare); anything else counts undeclared. */
    private static final Set<String> MATRICES =
            Set.of(
                    "bt709",
                    "fcc",
                    "bt470bg",
                    "smpte170m",
                    "smpte240m",
                    "ycgco",
                    "bt2020nc",
                    "bt2020c");

    private static final Set<String> PRIMARIES =
            Set.of(
                    "bt709",
                    "bt470m",
                    "bt470bg",
                    "smpte170m",
                    "smpte240m",
                    "film",
                    "bt2020",
                    "smpte428",
                    "smpte431",
                    "smpte432",
                    "jedec-p22",
                    "ebu3213");

    private static final Set<String> TRANSFERS =
            Set.of(
                    "bt709",
                    "bt470m",
                    "bt470bg",
                    "gamma22",
                    "gamma28",
                    "smpte170m",
                    "smpte240m",
                    "linear",
                    "log100",
                    "log316",
                    "iec61966-2-4",
                    "bt1361e",
                    "iec61966-2-1",
                    "bt2020-10",
                    "bt2020-12");

    private static final ColorTags BT709 = new ColorTags("bt709", "bt709", "bt709", false);

    /** What the rungs of {@code video} declare (its HDR transfer, if any, is tone-mapped). */
    public static ColorTags forSource(VideoStreamInfo video) {
        if (video.hdr()) {
            return BT709;
        }
        boolean rgb = isRgb(video);
        String guess = guess(video);
        String matrix = rgb ? "bt709" : declaredOr(MATRICES, video.colorSpace(), guess);
        String primaries = declaredOr(PRIMARIES, video.colorPrimaries(), rgb ? "bt709" : guess);
        String transfer =
                declaredOr(
                        TRANSFERS,
                        video.colorTransfer(),
                        rgb || guess.equals("bt709") ? "bt709" : "smpte170m");
        return new ColorTags(matrix, primaries, transfer, rgb);
    }

    /**
     * The filter that turns resized frames of a source with these colours into what a JPEG holds
     * (BT.601, full range; JFIF knows nothing else): the source's matrix named for swscale, which
     * otherwise keeps YUV values as they are between YUV formats, and so showed a BT.709 video's
     * red of (200, 40, 40) in its poster as (182, 21, 38). A step of its own after the resize: in
     * one step with a large downscale swscale was off by 9 (191, 35, 32).
     */
    public String toJpegFilter() {
        String in =
                switch (matrix) {
                    case "bt709" -> "bt709";
                    case "smpte170m", "bt470bg" -> "bt601";
                    case "smpte240m" -> "smpte240m";
                    case "fcc" -> "fcc";
                    case "bt2020nc", "bt2020c" -> "bt2020";
                    default -> "auto";
                };
        return "scale=in_color_matrix=" + in + ":out_color_matrix=bt601:out_range=pc";
    }

    /**
     * What players assume for an undeclared source of this size: BT.709 for HD, BT.601 for SD (the
     * 625-line variant for 576 and 288 lines).
     */
    private static String guess(VideoStreamInfo video) {
        int w = video.width();
        int h = video.height();
        if (Math.max(w, h) > 1024 || Math.min(w, h) >= 720) {
            return "bt709";
        }
        return h == 576 || h == 288 ? "bt470bg" : "smpte170m";
    }

    private static boolean isRgb(VideoStreamInfo video) {
        String f = video.pixelFormat() == null ? "" : video.pixelFormat();
        return "gbr".equals(video.colorSpace())
                || f.startsWith("rgb")
                || f.startsWith("bgr")
                || f.startsWith("gbr")
                || f.startsWith("argb")
                || f.startsWith("abgr")
                || f.equals("pal8");
    }

    private static String declaredOr(Set<String> known, String declared, String fallback) {
        return declared != null && known.contains(declared) ? declared : fallback;
    }
}
