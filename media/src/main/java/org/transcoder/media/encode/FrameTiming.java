package org.transcoder.media.encode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The frame timing every rung keeps: the source's own (variable) timing, less the frames that come
 * closer than {@link #MIN_FRAME_INTERVAL} after the previous kept frame (near-duplicates of screen
 * recorders and phones), so that every rung's maximum frame rate is bounded and measurable. Also
 * what the packager declares from it: FRAME-RATE is the measured maximum (Apple HLS authoring
 * 9.15), and a rung has one init segment.
 *
 * <p>The rule is greedy from the first frame, so it only depends on the last kept frame: a chunk
 * that starts on a kept frame, dropping by the same rule, drops exactly the frames the whole video
 * would ({@link org.transcoder.media.chunk.ChunkPlanner} cuts only on kept frames).
 */
public final class FrameTiming {

    /**
     * 1/64 s: tolerates 60 fps content with millisecond-rounded timestamps (16 and 17 ms apart), so
     * no frame of real 60 fps video is dropped.
     */
    public static final double MIN_FRAME_INTERVAL = 1.0 / 64;

    /** The highest frame rate a rung can have. */
    public static final double MAX_FRAME_RATE = 1 / MIN_FRAME_INTERVAL;

    /** Timestamps print to microseconds: a frame this close to the limit counts as on it. */
    public static final double ROUNDING = 1e-6;

    private FrameTiming() {}

    /** Whether a frame {@code interval} seconds after the previous kept frame is kept. */
    public static boolean kept(double interval) {
        return interval >= MIN_FRAME_INTERVAL - ROUNDING;
    }

    /** The frames of {@code sortedPts} (seconds, ascending) that every rung keeps, in order. */
    public static List<Double> keptFrames(List<Double> sortedPts) {
        List<Double> out = new ArrayList<>(sortedPts.size());
        for (double t : sortedPts) {
            if (out.isEmpty() || kept(t - out.get(out.size() - 1))) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * The filter that applies the rule to a chunk's frames (after its trim): the first frame
     * always, then every frame at least 1/64 s after the previous selected one.
     */
    public static String selectFilter() {
        return String.format(
                Locale.ROOT,
                "select='isnan(prev_selected_t)+gte(t-prev_selected_t,%.9f)'",
                MIN_FRAME_INTERVAL - ROUNDING);
    }
}
