package org.transcoder.media.encode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.ladder.Rendition;

/**
 * Builds the FFmpeg filter graph of a chunk: trim to the chunk, display orientation, deinterlacing,
 * HDR to SDR tone mapping, then one scaler per rendition from a single decode. The benchmark's CLI
 * baseline uses the same pieces, so both do the same work.
 */
public final class VideoFilters {

    private VideoFilters() {}

    /** Filters that turn decoded source frames into upright, progressive, SDR frames. */
    public static List<String> normalize(EncodeSpec spec) {
        List<String> f = new ArrayList<>();
        switch (spec.rotation()) {
            case 90 -> f.add("transpose=clock");
            case 180 -> f.add("hflip,vflip");
            case 270 -> f.add("transpose=cclock");
            default -> {}
        }
        if (spec.deinterlace()) {
            f.add("bwdif=mode=send_frame:parity=auto:deint=all");
        }
        if (spec.hdrTransfer() != null) {
            f.add(
                    "zscale=tin="
                            + spec.hdrTransfer()
                            + ":min=bt2020nc:pin=bt2020:rin=tv:t=linear:npl=100,format=gbrpf32le,"
                            + "zscale=p=bt709,tonemap=tonemap=hable:desat=0,"
                            + "zscale=t=bt709:m=bt709:r=tv");
        }
        return f;
    }

    /** Whether {@link #normalize} has filters that cost as much as an encode (HDR, deinterlace). */
    public static boolean isHeavy(EncodeSpec spec) {
        return spec.deinterlace() || spec.hdrTransfer() != null;
    }

    /**
     * The complex filter graph for one chunk: frames in [startPts, endPts) of the source timeline,
     * re-timed to start at zero, near-duplicates dropped (FrameTiming), normalized, split into one
     * labelled output per rendition ([v0], [v1], ...).
     */
    public static String chunkGraph(EncodeSpec spec, double trimStart, double trimEnd) {
        List<String> head = new ArrayList<>();
        if (!Double.isNaN(trimStart)) {
            head.add(
                    String.format(
                            Locale.ROOT,
                            "trim=start=%.6f:end=%.6f,setpts=PTS-STARTPTS",
                            trimStart,
                            trimEnd));
        }
        // Near-duplicate frames (closer than 1/64 s to the previous kept one) are dropped before
        // any costly filter: every rung's maximum frame rate is bounded (FrameTiming).
        head.add(FrameTiming.selectFilter());
        head.addAll(normalize(spec));
        return graph("[0:v:0]", spec, head);
    }

    /**
     * A graph from the given input pad through the head filters to one output per rendition of
     * {@code spec}.
     */
    public static String graph(String input, EncodeSpec spec, List<String> head) {
        List<Rendition> renditions = spec.renditions();
        ColorTags colors = spec.colors();
        StringBuilder g = new StringBuilder(input);
        g.append(head.isEmpty() ? "null" : String.join(",", head));
        int n = renditions.size();
        if (n == 1) {
            g.append(",").append(scale(renditions.get(0), colors)).append("[v0]");
            return g.toString();
        }
        g.append(",split=").append(n);
        for (int i = 0; i < n; i++) {
            g.append("[s").append(i).append("]");
        }
        for (int i = 0; i < n; i++) {
            g.append(";[s")
                    .append(i)
                    .append("]")
                    .append(scale(renditions.get(i), colors))
                    .append("[v")
                    .append(i)
                    .append("]");
        }
        return g.toString();
    }

    /**
     * One rung's scaler. With colours ({@link ColorTags}; null in specs from before them): an RGB
     * source becomes YUV with the BT.709 matrix its rungs declare, not swscale's default BT.601
     * (YUV keeps its matrix: the scaler converts only the range), and the declaration is set on the
     * frames, because FFmpeg's encoders take it from the frames (their own -color_trc and
     * -color_primaries were not written).
     */
    private static String scale(Rendition r, ColorTags c) {
        // Limited range: full-range (yuvj) phone video would otherwise stay full range.
        String s = "scale=" + r.width() + ":" + r.height() + ":flags=bicubic:out_range=tv";
        if (c != null && c.convertsToBt709()) {
            s += ":out_color_matrix=bt709";
        }
        s += ",setsar=1,format=yuv420p";
        if (c != null) {
            s +=
                    ",setparams=color_primaries="
                            + c.primaries()
                            + ":color_trc="
                            + c.transfer()
                            + ":colorspace="
                            + c.matrix()
                            + ":range="
                            + ColorTags.RANGE;
        }
        return s;
    }
}
