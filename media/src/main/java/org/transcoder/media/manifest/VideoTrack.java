package org.transcoder.media.manifest;

import java.io.Serializable;
import java.util.List;

/**
 * One rung of the ladder: its segments live under the directory {@code name}.
 *
 * @param frameRate the highest frame rate in the rung, measured from its shortest frame duration
 * @param videoRange SDR, PQ or HLG (HLS VIDEO-RANGE), from the rung's transfer characteristics
 */
public record VideoTrack(
        String name,
        int width,
        int height,
        String codecs,
        double frameRate,
        String videoRange,
        List<Segment> segments)
        implements Serializable {

    public static final String SDR = "SDR";

    /**
     * Timescale of every rung's segments: 90 kHz holds 24, 25, 30, 50, 60 and 30000/1001 fps
     * frames exactly, not 24000/1001 or 60000/1001 ones (README, known limitations).
     */
    public static final int TIMESCALE = 90_000;

    public VideoTrack {
        segments = List.copyOf(segments);
    }

    /**
     * The highest frame rate of a rung whose shortest frame lasts {@code minSampleTicks}, or {@code
     * fallback} when that is unknown (0).
     */
    public static double maxFrameRate(long minSampleTicks, long timescale, double fallback) {
        return minSampleTicks > 0 && minSampleTicks < Long.MAX_VALUE
                ? timescale / (double) minSampleTicks
                : fallback;
    }

    public String directory() {
        return name;
    }
}
