package org.transcoder.operators.functions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
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
import org.transcoder.media.MediaSteps;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.operators.OperatorSettings;

/**
 * Runs blocking work (native processes, storage I/O) off the task thread, so it never holds back
 * other records or checkpoint barriers: Flink's async operator keeps in-flight elements in the
 * checkpoint and re-runs them after a failure or from a savepoint. Elements wait in a priority
 * queue (higher first, then the earliest due, then arrival order) for a bounded pool of threads
 * ({@link WorkerPool}), of the instance's own or shared by the operator's instances in a JVM. Every
 * failure becomes data: a transient one ({@link ReasonCode#isTransient}, or an unexpected
 * exception) is retried with backoff up to {@code maxAttempts} (storage errors for at least {@link
 * OperatorSettings#STORAGE_RETRY_FOR}, so an outage of the store is waited out), then it and every
 * deterministic failure become a failure output with its reason; the job never fails because of one
 * element. Retries happen here, not through Flink's retry strategy, whose race with the timeout can
 * lose an element (FLINK-40456).
 *
 * <p>An attempt that fails because the operator is closing (a stop, a cancel, a lost TaskManager,
 * the JVM shutting down and killing its encoders) is not reported at all: its element is still in
 * the last checkpoint or savepoint and runs again after the restart, so a stop never turns a good
 * video into a FAILED one.
 */
public abstract class RetryingAsyncFunction<IN, OUT> extends RichAsyncFunction<IN, OUT> {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingAsyncFunction.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    protected final OperatorSettings settings;

    /** Where the work reads inputs and writes outputs. */
    protected transient ObjectStorage storage;

    private transient MediaSteps steps;

    private transient WorkerPool.Member workers;

    /** Where elements that {@link #mayWaitToStart} wait, until they are ready to start. */
    private transient ScheduledExecutorService deferred;

    static final long START_POLL_MILLIS = 100;
    private transient volatile boolean closing;
    private transient Counter completed;
    private transient Counter failed;
    private transient Counter retries;
    private transient Histogram latencyMs;

    protected RetryingAsyncFunction(OperatorSettings settings) {
        this.settings = settings;
    }

    /** Does the work of one attempt; throws MediaException with the reason on failure. */
    protected abstract OUT attempt(IN in, Path scratch, int attempt) throws Exception;

    /** The output that ends an element that failed for good. */
    protected abstract OUT failure(IN in, ReasonCode reason, String message, int attempts);

    /** Higher runs first. */
    protected abstract int priority(IN in);

    /** Threads of one parallel instance. */
    protected abstract int threads();

    /**
     * Whether the instances of this operator in one JVM (a TaskManager's slots) share their workers
     * and one queue ({@link WorkerPool}); default no: an instance whose work must run one at a time
     * in order (PublishVideo) or that has a pool of its own.
     */
    protected boolean sharesWorkers() {
        return false;
    }

    /** Metric name of the completed counter, e.g. "chunksEncoded". */
    protected abstract String completedMetricName();

    /**
     * The start of an attempt's scratch directory name (a time stamp follows). It shows up in the
     * native processes' command lines (their inputs and outputs live there), which is how an
     * operator or a test tells whose encode a running ffmpeg is; unique per element and attempt
     * together with the time stamp.
     */
    /** The native steps (FFmpeg), under the job's limits; set in open(). */
    protected MediaSteps steps() {
        return steps;
    }

    protected String scratchName(IN in) {
        return "task-" + SEQUENCE.incrementAndGet();
    }

    @Override
    public void open(OpenContext ctx) throws Exception {
        // Every step runs the bundled ffmpeg/ffprobe (or follows one that did): a TaskManager
        // whose build lacks libx264, aac or mjpeg fails here, loudly, instead of failing every
        // video with INTERNAL_ERROR.
        steps = MediaSteps.ffmpeg(settings.media());
        storage = ObjectStorage.of(settings.outputRoot());
        workers =
                WorkerPool.join(
                        sharesWorkers()
                                ? getRuntimeContext().getJobInfo().getJobId()
                                        + "/"
                                        + getRuntimeContext().getTaskInfo().getTaskName()
                                        + "/"
                                        + getClass().getName()
                                : null,
                        threads(),
                        getClass().getSimpleName() + "-worker");
        deferred =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, getClass().getSimpleName() + "-deferred");
                            t.setDaemon(true);
                            return t;
                        });
        var metrics = getRuntimeContext().getMetricGroup();
        completed = metrics.counter(completedMetricName());
        failed = metrics.counter("tasksFailed");
        retries = metrics.counter("taskRetries");
        latencyMs = metrics.histogram("taskLatencyMs", new DescriptiveStatisticsHistogram(500));
        metrics.gauge("tasksQueued", () -> workers.queued());
        Files.createDirectories(Path.of(settings.localWorkDir()));
    }

    @Override
    public void close() throws Exception {
        closing = true;
        if (deferred != null) {
            deferred.shutdownNow();
        }
        if (workers != null) {
            workers.leave();
        }
    }

    @Override
    public void asyncInvoke(IN in, ResultFuture<OUT> result) {
        if (mayWaitToStart(in)) {
            execute(deferred, () -> awaitStart(in, result, System.nanoTime()));
        } else {
            submit(in, result);
        }
    }

    /**
     * Whether the element may have to wait before it starts (default: no). Such an element waits
     * outside the queue, holding no worker from the elements behind it, and is asked {@link
     * #readyToStart} every {@link #START_POLL_MILLIS} on a thread of its own (one per instance, so
     * that the checks of many waiting elements pace themselves instead of flooding storage).
     */
    protected boolean mayWaitToStart(IN in) {
        return false;
    }

    /** Whether an element that {@link #mayWaitToStart} may start now, {@code waitedMillis} on. */
    protected boolean readyToStart(IN in, long waitedMillis) {
        return true;
    }

    private void awaitStart(IN in, ResultFuture<OUT> result, long arrivedNanos) {
        if (closing) {
            return; // The element is in the last checkpoint and runs after the restart.
        }
        boolean ready;
        try {
            ready = readyToStart(in, (System.nanoTime() - arrivedNanos) / 1_000_000);
        } catch (RuntimeException e) {
            ready = true; // The work itself reports what is wrong.
        }
        if (ready) {
            submit(in, result);
            return;
        }
        try {
            deferred.schedule(
                    () -> awaitStart(in, result, arrivedNanos),
                    START_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing, as above.
        }
    }

    private void submit(IN in, ResultFuture<OUT> result) {
        try {
            workers.execute(
                    priority(in),
                    dueAtMillis(in),
                    () -> {
                        OUT out = runWithRetries(in);
                        if (out != null) {
                            result.complete(Collections.singleton(out));
                        }
                    });
        } catch (RejectedExecutionException e) {
            // Closing: the element is in the last checkpoint and runs after the restart.
        }
    }

    private static void execute(java.util.concurrent.Executor on, Runnable r) {
        try {
            on.execute(r);
        } catch (RejectedExecutionException e) {
            // Closing, as above.
        }
    }

    @Override
    public void timeout(IN in, ResultFuture<OUT> result) {
        result.complete(
                Collections.singleton(
                        failure(
                                in,
                                ReasonCode.ENCODE_TIMEOUT,
                                "Did not finish within the async operator's timeout",
                                0)));
    }

    /** Writes one output object; a storage failure is transient (retried, then STORAGE_ERROR). */
    protected void upload(String key, Path file) throws MediaException {
        store(key, file, false);
    }

    /**
     * Writes one output object from a scratch file nothing reads again, which is moved where the
     * storage is local (no copy of a minute of 1080p segments: ~100 MB through the JVM).
     */
    protected void uploadAndRemove(String key, Path file) throws MediaException {
        store(key, file, true);
    }

    private void store(String key, Path file, boolean move) throws MediaException {
        try {
            if (move) {
                storage.moveIn(key, file);
            } else {
                storage.put(key, file);
            }
        } catch (RuntimeException e) {
            throw new MediaException(
                    ReasonCode.STORAGE_ERROR, "Cannot write " + key + ": " + e.getMessage(), e);
        }
    }

    /** The output, or null when the operator closed under the attempt (nothing to report). */
    private OUT runWithRetries(IN in) {
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Path scratch =
                    Path.of(settings.localWorkDir(), scratchName(in) + "-" + System.nanoTime());
            ReasonCode reason;
            Exception error;
            try {
                Files.createDirectories(scratch);
                OUT out = attempt(in, scratch, attempt);
                completed.inc();
                latencyMs.update((System.nanoTime() - started) / 1_000_000);
                return out;
            } catch (MediaException e) {
                reason = e.reason();
                error = e;
            } catch (Exception | LinkageError | AssertionError e) {
                // LinkageError: natives that failed to load. Left uncaught, it would kill the
                // worker thread and leave the element's future open until the async timeout.
                reason = ReasonCode.INTERNAL_ERROR;
                error = e instanceof Exception ex ? ex : new IllegalStateException(e.toString(), e);
            } finally {
                LocalFiles.deleteQuietly(scratch);
            }
            if (interruptedByShutdown()) {
                LOG.info("{} interrupted by shutdown; it runs again after the restart", in);
                return null;
            }
            boolean retryable = reason.isTransient() || !(error instanceof MediaException);
            // Storage that is down is waited out for a while; anything else has maxAttempts.
            boolean budgetLeft =
                    attempt < settings.maxAttempts()
                            || (reason == ReasonCode.STORAGE_ERROR
                                    && !missingObject(error)
                                    && System.nanoTime() - started
                                            < OperatorSettings.STORAGE_RETRY_FOR.toNanos());
            if (retryable && budgetLeft) {
                retries.inc();
                LOG.warn("{} attempt {} failed ({}), retrying", in, attempt, error.toString());
                if (!backoff(attempt)) {
                    return null;
                }
                continue;
            }
            failed.inc();
            if (error instanceof MediaException) {
                // Its message is logged once, where the FAILED record is built (Failures).
                LOG.warn("{} failed for good after {} attempt(s): {}", in, attempt, reason);
            } else {
                LOG.error("{} failed for good after {} attempt(s)", in, attempt, error);
            }
            String message =
                    error instanceof MediaException ? error.getMessage() : error.toString();
            return failure(in, reason, message, attempt);
        }
    }

    /** A missing object does not appear by waiting: it gets maxAttempts, not the outage window. */
    private static boolean missingObject(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.FileNotFoundException
                    || t instanceof java.nio.file.NoSuchFileException) {
                return true;
            }
        }
        return false;
    }

    private boolean interruptedByShutdown() {
        return closing || Thread.currentThread().isInterrupted() || NativeProcess.shuttingDown();
    }

    /** Sleeps before the next attempt; false when the operator is closing meanwhile. */
    private boolean backoff(int attempt) {
        try {
            Thread.sleep(Math.min(10_000, 500L << (attempt - 1)));
            return !closing;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * When the element's output is wanted, in epoch millis; the queue serves the earliest first
     * within a priority. Default: when it arrived (first come, first served).
     */
    protected long dueAtMillis(IN in) {
        return System.currentTimeMillis();
    }
}
