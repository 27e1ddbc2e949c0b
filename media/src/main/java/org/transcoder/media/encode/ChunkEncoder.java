package org.transcoder.media.encode;

import java.nio.file.Path;
import java.util.List;
import org.transcoder.media.MediaException;
import org.transcoder.media.chunk.ChunkSpec;

/**
 * Encodes one staged chunk into every rendition from a single decode. Operators depend on this
 * seam, not on FFmpeg, so harness tests can run without native code.
 */
public interface ChunkEncoder {

    /**
     * @param stagedChunk the chunk's source packets (original timestamps) as written by the
     *     splitter
     * @param timelineOrigin presentation time of the video's first frame; segment times count from
     *     it
     * @param outDir where {rendition}/seg_NNNNN.m4s and {rendition}/init_HASH.mp4 are written
     */
    List<EncodedSegment> encode(
            Path stagedChunk, ChunkSpec chunk, double timelineOrigin, EncodeSpec spec, Path outDir)
            throws MediaException;
}
