package org.transcoder.operators;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.util.Preconditions;
import org.transcoder.connectors.events.SourceUri;
import org.transcoder.media.chunk.ChunkingPolicy;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * What the operators need to know about their environment, parsed once by the job from its typed
 * configuration.
 *
 * @param outputRoot object storage root for videos/ and staging/ (file:// or s3://)
 * @param sourceRoots where uploads may be read from: {@code file:///dir} and {@code
 *     s3://bucket[/prefix]} ({@link SourceUri.Roots}); nothing else, none when empty
 * @param publicBaseUrl base URL viewers reach outputRoot under (a CDN); outputRoot when blank
 * @param localWorkDir local scratch space on each TaskManager
 * @param videoDeadline a video not done by this plus {@link #DEADLINE_PER_VIDEO_SECOND} per second
 *     of video after it was accepted ends FAILED with DEADLINE_EXCEEDED
 * @param maxAttempts tries of a task that fails for a transient reason (crash, timeout, storage)
 * @param taskTimeout a native step running longer is killed and counts as a transient failure
 * @param encodeConcurrency encodes running at once in one parallel instance of an encode operator
 * @param prepareConcurrency uploads prepared (probed, checked, staged) at once per instance, and
 *     audio and thumbnail tasks run at once per instance
 * @param threadsPerEncode x264 threads per rendition (0: FFmpeg decides)
 * @param chunkSeconds chunk length target; 0: chosen per video from its length and encodeSlots
 * @param encodeSlots encodes the job runs at once (encode parallelism x concurrency)
 * @param stagingOrphanAge staging data of an upload accepted longer ago is swept (see {@link
 *     StagingSweeper}); 0 disables the sweep
 */
public record OperatorSettings(
        String outputRoot,
        List<String> sourceRoots,
        String publicBaseUrl,
        String localWorkDir,
        String defaultProfile,
        double chunkSeconds,
        ValidationPolicy validation,
        Duration videoDeadline,
        int maxAttempts,
        Duration taskTimeout,
        int encodeConcurrency,
        int prepareConcurrency,
        int threadsPerEncode,
        int encodeSlots,
        Duration stagingOrphanAge)
        implements Serializable {

    public OperatorSettings {
        Preconditions.checkArgument(
                outputRoot != null && !outputRoot.isBlank(),
                "outputRoot must be set (file:// or s3://)");
        Preconditions.checkArgument(
                maxAttempts >= 1, "maxAttempts must be >= 1, got %s", maxAttempts);
        Preconditions.checkArgument(
                encodeConcurrency >= 1,
                "encodeConcurrency must be >= 1, got %s",
                encodeConcurrency);
        Preconditions.checkArgument(
                prepareConcurrency >= 1,
                "prepareConcurrency must be >= 1, got %s",
                prepareConcurrency);
        Preconditions.checkArgument(
                chunkSeconds == 0 || chunkSeconds >= 1,
                "chunkSeconds must be 0 (automatic) or >= 1, got %s",
                chunkSeconds);
        Preconditions.checkArgument(
                encodeSlots >= 1, "encodeSlots must be >= 1, got %s", encodeSlots);
        sourceRoots = List.copyOf(sourceRoots);
        new SourceUri.Roots(sourceRoots); // a malformed root fails the job at start, not per video
    }

    /**
     * Longer than any video can take (its deadline), so only garbage is swept: a day beyond the
     * default deadline of a 4-hour video.
     */
    public static final Duration DEFAULT_STAGING_ORPHAN_AGE = Duration.ofDays(4);

    /**
     * Uploads prepared at once: preparation is mostly waiting (downloads, ffprobe, stream copies),
     * so a few at once keep one huge upload from holding up the small ones behind it.
     */
    public static final int DEFAULT_PREPARE_CONCURRENCY = 4;

    /**
     * Time a video may take per second of its duration, on top of {@code videoDeadline}: about 20
     * times the encode time of a 1080p ladder on two cores, so only a stuck video reaches it.
     */
    public static final Duration DEADLINE_PER_VIDEO_SECOND = Duration.ofSeconds(20);

    /**
     * A step failing with STORAGE_ERROR is retried (backoff up to 10 s) for at least this long: an
     * object store that is down for a minute delays videos instead of failing them.
     */
    public static final Duration STORAGE_RETRY_FOR = Duration.ofMinutes(2);

    /** How long a video of this duration may take from its acceptance to READY. */
    public Duration deadlineFor(double durationSeconds) {
        return videoDeadline.plusMillis(
                (long) (Math.max(0, durationSeconds) * DEADLINE_PER_VIDEO_SECOND.toMillis()));
    }

    public static OperatorSettings defaults(String outputRoot, List<String> sourceRoots) {
        return new OperatorSettings(
                outputRoot,
                sourceRoots,
                "",
                System.getProperty("java.io.tmpdir") + "/transcoder-tm",
                "default",
                0,
                ValidationPolicy.defaults(),
                Duration.ofHours(2),
                3,
                Duration.ofMinutes(10),
                1,
                DEFAULT_PREPARE_CONCURRENCY,
                EncodeSpec.DEFAULT_THREADS_PER_ENCODE,
                1,
                DEFAULT_STAGING_ORPHAN_AGE);
    }

    public OperatorSettings withEncoding(int concurrency, int threads) {
        return new OperatorSettings(
                outputRoot,
                sourceRoots,
                publicBaseUrl,
                localWorkDir,
                defaultProfile,
                chunkSeconds,
                validation,
                videoDeadline,
                maxAttempts,
                taskTimeout,
                concurrency,
                prepareConcurrency,
                threads,
                encodeSlots,
                stagingOrphanAge);
    }

    /** The roots and buckets uploads may be read from. */
    public SourceUri.Roots allowedSources() {
        return new SourceUri.Roots(sourceRoots);
    }

    public OperatorSettings withValidation(ValidationPolicy policy) {
        return new OperatorSettings(
                outputRoot,
                sourceRoots,
                publicBaseUrl,
                localWorkDir,
                defaultProfile,
                chunkSeconds,
                policy,
                videoDeadline,
                maxAttempts,
                taskTimeout,
                encodeConcurrency,
                prepareConcurrency,
                threadsPerEncode,
                encodeSlots,
                stagingOrphanAge);
    }

    /** How a video of this length is cut into chunks and segments. */
    public ChunkingPolicy chunkingFor(double durationSeconds) {
        return chunkSeconds > 0
                ? ChunkingPolicy.ofTarget(chunkSeconds)
                : ChunkingPolicy.forSlots(durationSeconds, encodeSlots);
    }

    /** Where a viewer fetches an object written under outputRoot. */
    public String publicUrl(String key) {
        String base = publicBaseUrl == null || publicBaseUrl.isBlank() ? outputRoot : publicBaseUrl;
        return base.endsWith("/") ? base + key : base + "/" + key;
    }
}
