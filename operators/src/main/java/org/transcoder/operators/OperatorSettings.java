package org.transcoder.operators;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.util.Preconditions;
import org.transcoder.connectors.events.SourceUri;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.chunk.ChunkingPolicy;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * What the operators need to know about their environment, parsed once by the job from its typed
 * configuration: where things live and how the job retries and paces its work, around the media
 * steps' own settings ({@link TranscodeOptions}, the same record the whole-file runner uses).
 *
 * @param outputRoot object storage root for videos/ and staging/ (file:// or s3://)
 * @param sourceRoots where uploads may be read from: {@code file:///dir} and {@code
 *     s3://bucket[/prefix]} ({@link SourceUri.Roots}); nothing else, none when empty
 * @param publicBaseUrl base URL viewers reach outputRoot under (a CDN); outputRoot when blank
 * @param media how videos are transcoded: default ladder, chunking, limits, threads, scratch space,
 *     native step timeout; its {@code slots} are the encodes the job runs at once (encode
 *     parallelism x concurrency)
 * @param videoDeadline a video not done by this plus {@link #DEADLINE_PER_VIDEO_SECOND} per second
 *     of video after it was accepted ends FAILED with DEADLINE_EXCEEDED
 * @param maxAttempts tries of a task that fails for a transient reason (crash, timeout, storage)
 * @param encodeConcurrency encodes running at once in one parallel instance of an encode operator
 *     (the chunk encoders of one TaskManager pool theirs: WorkerPool)
 * @param prepareConcurrency uploads prepared (probed, checked, staged) at once per instance, and
 *     audio and thumbnail tasks run at once per instance
 * @param stagingOrphanAge staging data of an upload accepted longer ago is swept (see {@link
 *     StagingSweeper}); 0 disables the sweep
 */
public record OperatorSettings(
        String outputRoot,
        List<String> sourceRoots,
        String publicBaseUrl,
        TranscodeOptions media,
        Duration videoDeadline,
        int maxAttempts,
        int encodeConcurrency,
        int prepareConcurrency,
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
                TranscodeOptions.defaults()
                        .withThreads(1)
                        .withWorkDir(
                                Path.of(System.getProperty("java.io.tmpdir"), "transcoder-tm")),
                Duration.ofHours(2),
                3,
                1,
                DEFAULT_PREPARE_CONCURRENCY,
                DEFAULT_STAGING_ORPHAN_AGE);
    }

    public OperatorSettings withMedia(TranscodeOptions m) {
        return new OperatorSettings(
                outputRoot,
                sourceRoots,
                publicBaseUrl,
                m,
                videoDeadline,
                maxAttempts,
                encodeConcurrency,
                prepareConcurrency,
                stagingOrphanAge);
    }

    public OperatorSettings withEncoding(int concurrency, int threads) {
        return new OperatorSettings(
                        outputRoot,
                        sourceRoots,
                        publicBaseUrl,
                        media,
                        videoDeadline,
                        maxAttempts,
                        concurrency,
                        prepareConcurrency,
                        stagingOrphanAge)
                .withMedia(media.withThreadsPerEncode(threads));
    }

    public OperatorSettings withValidation(ValidationPolicy policy) {
        return withMedia(media.withValidation(policy));
    }

    /** The roots and buckets uploads may be read from. */
    public SourceUri.Roots allowedSources() {
        return new SourceUri.Roots(sourceRoots);
    }

    // The media settings the operators read most, by their names.

    public ValidationPolicy validation() {
        return media.validation();
    }

    /** A native step running longer is killed and counts as a transient failure. */
    public Duration taskTimeout() {
        return media.stepTimeout();
    }

    /** Local scratch space on each TaskManager. */
    public String localWorkDir() {
        return media.workDir();
    }

    /** The ladder profile of an upload that names none. */
    public String defaultProfile() {
        return media.ladder().name();
    }

    /** How a video of this length is cut into chunks and segments. */
    public ChunkingPolicy chunkingFor(double durationSeconds) {
        return media.chunkingFor(durationSeconds);
    }

    /** Where a viewer fetches an object written under outputRoot. */
    public String publicUrl(String key) {
        String base = publicBaseUrl == null || publicBaseUrl.isBlank() ? outputRoot : publicBaseUrl;
        return base.endsWith("/") ? base + key : base + "/" + key;
    }
}
