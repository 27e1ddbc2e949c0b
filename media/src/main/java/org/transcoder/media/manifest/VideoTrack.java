package org.transcoder.media.manifest;

import java.io.Serializable;
import java.util.List;
import org.transcoder.media.encode.FrameTiming;

/**
 * One rung of the ladder: its segments live under the directory {@code name}.
 *
 * @param frameRate the highest frame rate in the rung, measured from its shortest frame duration
 *     ({@link #maxFrameRate})
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
     * Timescale of every rung's segments: 90 kHz holds 24, 25, 30, 50, 60 and 30000/1001 fps frames
     * exactly; 24000/1001 and 60000/1001 ones are rounded to a tick, as in MPEG-TS.
     */
    public static final int TIMESCALE = 90_000;

    public VideoTrack {
        segments = List.copyOf(segments);
    }

    /**
     * The highest frame rate of a rung whose shortest frame lasts {@code minSampleTicks}, or {@code
     * fallback} when that is unknown (0). A shortest frame within a tick of the video's nominal
     * frame (EncodeSpec#nominalFrameRate, 0 when unknown) is that frame rounded to ticks, not a
     * faster one: at 90 kHz a 24000/1001 fps frame lasts 3753.75 ticks, so its samples alternate
     * 3753 and 3754, and the rung's rate is the nominal 23.976, not 90000/3753 = 23.981.
     */
    public static double maxFrameRate(
            long minSampleTicks, long timescale, double nominal, double fallback) {
        if (!(minSampleTicks > 0 && minSampleTicks < Long.MAX_VALUE)) {
            return fallback;
        }
        // A nominal rate at the cap is the cap (a phone's r_frame_rate of 90000), not a frame.
        if (nominal > 0
                && nominal < FrameTiming.MAX_FRAME_RATE
                && Math.abs(minSampleTicks - timescale / nominal) < 1) {
            return nominal;
        }
        return timescale / (double) minSampleTicks;
    }

    public String directory() {
        return name;
    }
}
