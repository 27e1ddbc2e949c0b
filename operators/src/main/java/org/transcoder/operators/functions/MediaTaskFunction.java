package org.transcoder.operators.functions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.LocalFiles;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.operators.Json;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.TaskResult;

/**
 * Runs media tasks off the task thread, so a long encode never holds back checkpoint barriers:
 * Flink's async operator keeps in-flight tasks in the checkpoint and re-runs them after a failure.
 * Tasks wait in a priority queue (higher-priority videos first, then arrival order) for a bounded
 * set of encoder threads. Transient failures (native crash, timeout, storage) are retried here with
 * backoff — not with Flink's retry strategy, whose race with the timeout can lose an element
 * (FLINK-40456) — and a task that keeps failing becomes a failed result with its reason; the job
 * never fails because of one video.
 */
public abstract class MediaTaskFunction extends RichAsyncFunction<MediaTask, TaskResult> {

    private static final Logger LOG = LoggerFactory.getLogger(MediaTaskFunction.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    protected final OperatorSettings settings;

    /** Where tasks read staged inputs and write their outputs. */
    protected transient ObjectStorage storage;

    private transient ThreadPoolExecutor executor;
    private transient Counter completed;
    private transient Counter failed;
    private transient Counter retries;
    private transient Histogram latencyMs;

    protected MediaTaskFunction(OperatorSettings settings) {
        this.settings = settings;
    }

    /** Does the work of one attempt; throws MediaException with the reason on failure. */
    protected abstract TaskResult run(MediaTask task, Path scratch, int attempt) throws Exception;

    /** Metric names: e.g. "chunksEncoded" for the completed counter. */
    protected abstract String completedMetricName();

    @Override
    public void open(OpenContext ctx) throws Exception {
        storage = ObjectStorage.of(settings.outputRoot());
        int threads = settings.encodeConcurrency();
        executor =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        0,
                        TimeUnit.SECONDS,
                        new PriorityBlockingQueue<>(),
                        r -> {
                            Thread t = new Thread(r, getClass().getSimpleName() + "-worker");
                            t.setDaemon(true);
                            return t;
                        });
        var metrics = getRuntimeContext().getMetricGroup();
        completed = metrics.counter(completedMetricName());
        failed = metrics.counter("tasksFailed");
        retries = metrics.counter("taskRetries");
        latencyMs = metrics.histogram("taskLatencyMs", new DescriptiveStatisticsHistogram(500));
        metrics.gauge("tasksQueued", () -> executor.getQueue().size());
        Files.createDirectories(Path.of(settings.localWorkDir()));
    }

    @Override
    public void close() throws Exception {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public void asyncInvoke(MediaTask task, ResultFuture<TaskResult> result) {
        executor.execute(
                new PrioritizedTask(
                        task, () -> result.complete(Collections.singleton(runWithRetries(task)))));
    }

    @Override
    public void timeout(MediaTask task, ResultFuture<TaskResult> result) {
        result.complete(
                Collections.singleton(
                        TaskResult.failure(
                                task,
                                ReasonCode.ENCODE_TIMEOUT.name(),
                                "Task did not finish within the async operator's timeout",
                                0)));
    }

    /** Writes one output object; a storage failure is transient (retried, then STORAGE_ERROR). */
    protected void upload(String key, Path file) throws MediaException {
        try {
            storage.put(key, file);
        } catch (RuntimeException e) {
            throw new MediaException(
                    ReasonCode.STORAGE_ERROR, "Cannot write " + key + ": " + e.getMessage(), e);
        }
    }

    /** The probe PrepareVideo sent along with the task, else (older tasks) a fresh one. */
    protected static MediaInfo sourceInfo(MediaTask task, Path source) throws MediaException {
        return task.getSourceInfoJson() != null
                ? Json.read(task.getSourceInfoJson(), MediaInfo.class)
                : MediaProbe.probe(source);
    }

    private TaskResult runWithRetries(MediaTask task) {
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Path scratch =
                    Path.of(
                            settings.localWorkDir(),
                            task.getVideoId() + "-" + task.key() + "-" + System.nanoTime());
            try {
                Files.createDirectories(scratch);
                TaskResult r = run(task, scratch, attempt);
                r.setAttempts(attempt);
                completed.inc();
                latencyMs.update((System.nanoTime() - started) / 1_000_000);
                return r;
            } catch (MediaException e) {
                if (e.reason().isTransient() && attempt < settings.maxAttempts()) {
                    retries.inc();
                    LOG.warn("{} attempt {} failed ({}), retrying", task, attempt, e.toString());
                    backoff(attempt);
                    continue;
                }
                failed.inc();
                LOG.warn("{} failed for good after {} attempt(s): {}", task, attempt, e.toString());
                return TaskResult.failure(task, e.reason().name(), e.getMessage(), attempt);
            } catch (Exception e) {
                if (attempt < settings.maxAttempts()) {
                    retries.inc();
                    LOG.warn("{} attempt {} failed unexpectedly, retrying", task, attempt, e);
                    backoff(attempt);
                    continue;
                }
                failed.inc();
                LOG.error("{} failed for good after {} attempt(s)", task, attempt, e);
                return TaskResult.failure(
                        task, ReasonCode.INTERNAL_ERROR.name(), String.valueOf(e), attempt);
            } finally {
                LocalFiles.deleteQuietly(scratch);
            }
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(10_000, 500L << (attempt - 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queue entry: higher priority first, then first come first served. */
    private static final class PrioritizedTask implements Runnable, Comparable<PrioritizedTask> {
        private final int priority;
        private final long sequence = SEQUENCE.incrementAndGet();
        private final Runnable body;

        PrioritizedTask(MediaTask task, Runnable body) {
            this.priority = task.getPriority();
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
        }

        @Override
        public int compareTo(PrioritizedTask o) {
            return priority != o.priority
                    ? Integer.compare(o.priority, priority)
                    : Long.compare(sequence, o.sequence);
        }
    }
}
