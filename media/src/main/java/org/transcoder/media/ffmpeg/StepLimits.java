package org.transcoder.media.ffmpeg;

import java.io.Serializable;
import java.time.Duration;

/**
 * What one native step may spend: wall-clock time (a hang, or a slow machine: retried) and CPU time
 * (the work a hostile input can make one step do: not retried).
 *
 * @param cpu CPU-time limit of the child (user + system, all its threads); null: none
 */
public record StepLimits(Duration wall, Duration cpu) implements Serializable {

    public StepLimits {
        if (wall == null || wall.isNegative() || wall.isZero()) {
            throw new IllegalArgumentException("A step needs a positive wall-clock limit");
        }
    }

    public static StepLimits wallOnly(Duration wall) {
        return new StepLimits(wall, null);
    }
}
