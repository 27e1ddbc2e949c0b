package org.transcoder.media.encode;

import java.nio.file.Path;

/**
 * One rendition's output for one chunk: its media segment, the init segment it needs (named by
 * content hash, so identical inits of different chunks are one object), and what the playlists must
 * say about it.
 */
public record EncodedSegment(
        String rendition,
        int chunkIndex,
        Path segmentFile,
        Path initFile,
        String initName,
        double durationSeconds,
        long bytes,
        int frames,
        String codecs) {}
