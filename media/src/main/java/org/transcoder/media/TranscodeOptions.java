package org.transcoder.media;

import java.nio.file.Path;
import org.transcoder.media.chunk.ChunkingPolicy;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * Settings of a whole-file transcode.
 *
 * @param chunking how to cut the video into chunks and segments; null: chosen per video from its
 *     length and the number of threads ({@link ChunkingPolicy#forSlots})
 */
public record TranscodeOptions(
        Ladder ladder,
        ChunkingPolicy chunking,
        ValidationPolicy validation,
        int threads,
        int threadsPerEncode,
        Path workDir) {

    public static TranscodeOptions defaults() {
        return new TranscodeOptions(
                LadderProfiles.defaultLadder(),
                null,
                ValidationPolicy.defaults(),
                Runtime.getRuntime().availableProcessors(),
                EncodeSpec.DEFAULT_THREADS_PER_ENCODE,
                Path.of(System.getProperty("java.io.tmpdir"), "transcoder-work"));
    }

    public TranscodeOptions withThreads(int n) {
        return new TranscodeOptions(ladder, chunking, validation, n, threadsPerEncode, workDir);
    }

    /** x264 threads per rendition encode; 0 lets FFmpeg decide. */
    public TranscodeOptions withThreadsPerEncode(int n) {
        return new TranscodeOptions(ladder, chunking, validation, threads, n, workDir);
    }

    public TranscodeOptions withWorkDir(Path dir) {
        return new TranscodeOptions(ladder, chunking, validation, threads, threadsPerEncode, dir);
    }

    public TranscodeOptions withLadder(Ladder l) {
        return new TranscodeOptions(l, chunking, validation, threads, threadsPerEncode, workDir);
    }

    public TranscodeOptions withChunkSeconds(double target) {
        return new TranscodeOptions(
                ladder,
                ChunkingPolicy.ofTarget(target),
                validation,
                threads,
                threadsPerEncode,
                workDir);
    }

    /** The chunking of a video of this length. */
    public ChunkingPolicy chunkingFor(double durationSeconds) {
        return chunking != null ? chunking : ChunkingPolicy.forSlots(durationSeconds, threads);
    }

    public TranscodeOptions withValidation(ValidationPolicy v) {
        return new TranscodeOptions(ladder, chunking, v, threads, threadsPerEncode, workDir);
    }
}
