package org.transcoder.media;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import org.transcoder.media.chunk.ChunkingPolicy;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * How videos are transcoded: the one settings record of the media steps, for both runners (the
 * whole-file {@link Transcoder} uses it as it is; the Flink job's operators get it inside their
 * {@code OperatorSettings}, parsed once from the job's configuration).
 *
 * @param ladder the ladder of an upload that names no profile
 * @param chunkSeconds chunk length target; 0: chosen per video from its length and {@code slots}
 * @param slots encodes that run at once (the whole-file runner's threads; the job's encode
 *     parallelism times its concurrency): short videos get as many chunks
 * @param threadsPerEncode x264 threads per rendition encode; 0 lets FFmpeg decide
 * @param workDir local scratch space
 * @param stepTimeout a native step (ffmpeg, ffprobe) running longer is killed
 */
public record TranscodeOptions(
        Ladder ladder,
        double chunkSeconds,
        int slots,
        ValidationPolicy validation,
        int threadsPerEncode,
        String workDir,
        Duration stepTimeout)
        implements Serializable {

    public TranscodeOptions {
        if (chunkSeconds != 0 && chunkSeconds < 1) {
            throw new IllegalArgumentException(
                    "chunkSeconds must be 0 (automatic) or >= 1, got " + chunkSeconds);
        }
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
    }

    public static TranscodeOptions defaults() {
        return new TranscodeOptions(
                LadderProfiles.defaultLadder(),
                0,
                Runtime.getRuntime().availableProcessors(),
                ValidationPolicy.defaults(),
                EncodeSpec.DEFAULT_THREADS_PER_ENCODE,
                Path.of(System.getProperty("java.io.tmpdir"), "transcoder-work").toString(),
                Duration.ofMinutes(10));
    }

    /** The chunking of a video of this length. */
    public ChunkingPolicy chunkingFor(double durationSeconds) {
        return chunkSeconds > 0
                ? ChunkingPolicy.ofTarget(chunkSeconds)
                : ChunkingPolicy.forSlots(durationSeconds, slots);
    }

    public Path workPath() {
        return Path.of(workDir);
    }

    /** Encodes at once (and the chunking that follows from it). */
    public TranscodeOptions withThreads(int n) {
        return new TranscodeOptions(
                ladder, chunkSeconds, n, validation, threadsPerEncode, workDir, stepTimeout);
    }

    /** x264 threads per rendition encode; 0 lets FFmpeg decide. */
    public TranscodeOptions withThreadsPerEncode(int n) {
        return new TranscodeOptions(
                ladder, chunkSeconds, slots, validation, n, workDir, stepTimeout);
    }

    public TranscodeOptions withWorkDir(Path dir) {
        return new TranscodeOptions(
                ladder,
                chunkSeconds,
                slots,
                validation,
                threadsPerEncode,
                dir.toString(),
                stepTimeout);
    }

    public TranscodeOptions withLadder(Ladder l) {
        return new TranscodeOptions(
                l, chunkSeconds, slots, validation, threadsPerEncode, workDir, stepTimeout);
    }

    public TranscodeOptions withChunkSeconds(double target) {
        return new TranscodeOptions(
                ladder, target, slots, validation, threadsPerEncode, workDir, stepTimeout);
    }

    public TranscodeOptions withValidation(ValidationPolicy v) {
        return new TranscodeOptions(
                ladder, chunkSeconds, slots, v, threadsPerEncode, workDir, stepTimeout);
    }

    public TranscodeOptions withStepTimeout(Duration timeout) {
        return new TranscodeOptions(
                ladder, chunkSeconds, slots, validation, threadsPerEncode, workDir, timeout);
    }
}
