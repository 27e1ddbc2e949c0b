package org.transcoder.media.ladder;

import java.io.Serializable;
import java.util.List;

/**
 * A named encoding profile: x264 preset and profile, keyframe interval, audio bit rate and the
 * rungs, highest first. Profiles are data (resources/ladders/*.json), not code.
 */
public record Ladder(
        String name,
        String preset,
        String profile,
        double gopSeconds,
        int audioBitrateKbps,
        List<Rung> rungs)
        implements Serializable {

    public Ladder {
        if (rungs == null || rungs.isEmpty()) {
            throw new IllegalArgumentException("Ladder '" + name + "' has no rungs");
        }
        rungs = rungs.stream().sorted((a, b) -> b.shortSide() - a.shortSide()).toList();
    }
}
