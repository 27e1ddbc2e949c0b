package org.transcoder.media.ladder;

import java.io.Serializable;

/** One step of a ladder: the picture's short side and its capped-CRF rate control. */
public record Rung(int shortSide, int crf, int maxrateKbps, int bufsizeKbps)
        implements Serializable {}
