package org.transcoder.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the job talks to, started in this JVM for local mode and integration tests: Kafka
 * (with the three topics), S3 (with the bucket), PostgreSQL and Redis. Starts them in parallel;
 * closing stops all of them, child processes included.
 */
public final class EmbeddedServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

    public static final String BUCKET = "transcoder";
    public static final String UPLOADS_TOPIC = "video-uploads";
    public static final String COMPLETIONS_TOPIC = "video-completions";
    public static final String PLAYABLE_TOPIC = "video-playable";
    public static final String FAILURES_TOPIC = "video-failures";
    public static final int UPLOADS_PARTITIONS = 2;

    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final EmbeddedPostgres postgres;
    private final EmbeddedRedis redis;

    private final WorkDirLock lock;

    private EmbeddedServices(
            EmbeddedKafka kafka,
            EmbeddedS3 s3,
            EmbeddedPostgres postgres,
            EmbeddedRedis redis,
            WorkDirLock lock) {
        this.kafka = kafka;
        this.s3 = s3;
        this.postgres = postgres;
        this.redis = redis;
        this.lock = lock;
    }

    /**
     * Starts all four under {@code workDir} with throwaway data (S3 objects land in {@code
     * workDir/s3/<bucket>/}).
     */
    public static EmbeddedServices start(Path workDir) {
        return start(workDir, Persistence.EPHEMERAL);
    }

    /**
     * Starts all four under {@code workDir}. With {@link Persistence#KEEP} each service keeps its
     * data in a fixed sub-directory ({@code kafka/}, {@code postgres/}, {@code redis/}, {@code
     * s3/}) and its port in {@code ports.properties}, a lock file keeps a second run off the same
     * directory, and servers left running by a killed earlier run are stopped first.
     */
    public static EmbeddedServices start(Path workDir, Persistence persistence) {
        long t0 = System.nanoTime();
        boolean keep = persistence == Persistence.KEEP;
        WorkDirLock lock = keep ? WorkDirLock.acquire(workDir) : null;
        PortBook ports = PortBook.open(keep ? workDir.resolve("ports.properties") : null);
        ExecutorService pool =
                Executors.newFixedThreadPool(3, r -> new Thread(r, "embedded-start"));
        CompletableFuture<EmbeddedKafka> kafka =
                async(
                        pool,
                        () ->
                                startKafka(
                                        keep
                                                ? EmbeddedKafka.start(
                                                        workDir.resolve("kafka"),
                                                        Persistence.KEEP,
                                                        ports.port("kafka"),
                                                        ports.port("kafka.controller"))
                                                : EmbeddedKafka.start(workDir.resolve("kafka"))));
        CompletableFuture<EmbeddedS3> s3 =
                async(
                        pool,
                        () -> startS3(EmbeddedS3.start(workDir.resolve("s3"), ports.port("s3"))));
        // Redis and PostgreSQL both write a binary and exec it: started one after the other, so
        // neither forks while the other's executable is still open for writing (ETXTBSY).
        CompletableFuture<EmbeddedRedis> redis =
                async(
                        pool,
                        () ->
                                keep
                                        ? EmbeddedRedis.start(
                                                workDir.resolve("redis"), ports.port("redis"))
                                        : EmbeddedRedis.start());
        CompletableFuture<EmbeddedPostgres> pg =
                redis.thenApplyAsync(
                        r ->
                                keep
                                        ? EmbeddedPostgres.start(
                                                workDir.resolve("postgres"),
                                                Persistence.KEEP,
                                                ports.port("postgres"))
                                        : EmbeddedPostgres.start(workDir.resolve("postgres")),
                        pool);
        try {
            CompletableFuture.allOf(kafka, s3, pg, redis).join();
        } catch (CompletionException e) {
            List<AutoCloseable> started = new ArrayList<>();
            for (CompletableFuture<? extends AutoCloseable> f : List.of(kafka, s3, pg, redis)) {
                if (!f.isCompletedExceptionally()) {
                    started.add(f.join());
                }
            }
            started.forEach(EmbeddedServices::closeQuietly);
            if (lock != null) {
                lock.close();
            }
            throw new IllegalStateException("embedded services did not start", e.getCause());
        } finally {
            pool.shutdown();
        }
        EmbeddedServices services =
                new EmbeddedServices(kafka.join(), s3.join(), pg.join(), redis.join(), lock);
        LOG.info(
                "Embedded services up in {} ms: kafka={} s3={} postgres={} redis={}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                services.kafka.bootstrapServers(),
                services.s3.endpoint(),
                services.postgres.settings().url(),
                services.redis.settings().redisUri());
        return services;
    }

    private static EmbeddedKafka startKafka(EmbeddedKafka kafka) {
        try {
            kafka.createTopic(UPLOADS_TOPIC, UPLOADS_PARTITIONS);
            kafka.createTopic(COMPLETIONS_TOPIC, 1);
            kafka.createTopic(PLAYABLE_TOPIC, 1);
            kafka.createTopic(FAILURES_TOPIC, 1);
            return kafka;
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private static EmbeddedS3 startS3(EmbeddedS3 s3) {
        try {
            s3.createBucket(BUCKET);
            return s3;
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    private static <T> CompletableFuture<T> async(ExecutorService pool, Supplier<T> start) {
        return CompletableFuture.supplyAsync(start, pool);
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedS3 s3() {
        return s3;
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    public EmbeddedRedis redis() {
        return redis;
    }

    /** The object storage root in the embedded S3: {@code s3://transcoder}. */
    public String storageRoot() {
        return "s3://" + BUCKET;
    }

    @Override
    public void close() {
        // Kafka first: a running job's producers stop talking to it; the rest in any order.
        closeQuietly(kafka);
        closeQuietly(s3);
        closeQuietly(postgres);
        closeQuietly(redis);
        if (lock != null) {
            lock.close();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("cannot stop {}", c, e);
        }
    }
}
