package org.transcoder.media.ladder;

import java.io.Serializable;

/** One output of the ladder for one source: its name, exact size and rate control. */
public record Rendition(
        String name, int width, int height, int crf, int maxrateKbps, int bufsizeKbps)
        implements Serializable {}
