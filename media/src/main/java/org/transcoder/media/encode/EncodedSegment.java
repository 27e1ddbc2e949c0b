package org.transcoder.media.encode;

import java.nio.file.Path;

/**
 * One media segment of one rendition, from one chunk (a chunk makes one or more per rendition;
 * {@code index} numbers them across the whole video): the init segment it needs (named by content
 * hash, so identical inits of different chunks are one object), and what the playlists must say
 * about it.
 */
public record EncodedSegment(
        String rendition,
        int chunkIndex,
        int index,
        Path segmentFile,
        Path initFile,
        String initName,
        double durationSeconds,
        long bytes,
        int frames,
        String codecs) {}
