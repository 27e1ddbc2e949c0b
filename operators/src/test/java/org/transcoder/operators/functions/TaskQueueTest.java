package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.Publication;
import org.transcoder.operators.model.TaskKind;

/**
 * The order in which the async operators' workers take queued work (RetryingAsyncFunction's queue,
 * with each operator's priority and due time): what a viewer needs first runs first.
 */
class TaskQueueTest {

    private static final OperatorSettings SETTINGS =
            OperatorSettings.defaults("file:///tmp", List.of());

    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch gate = new CountDownLatch(1);
    private ThreadPoolExecutor queue;

    @AfterEach
    void close() {
        gate.countDown();
        if (queue != null) {
            queue.shutdownNow();
        }
    }

    /** A queue of {@code threads} workers, each held busy until {@link #release()}. */
    private void open(int threads) {
        queue = WorkerPool.taskQueue(threads, "test");
        for (int i = 0; i < threads; i++) {
            queue.execute(new WorkerPool.Prioritized(Integer.MAX_VALUE, 0, this::hold));
        }
    }

    private void hold() {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> release(int expected) throws InterruptedException {
        gate.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ran.size() < expected && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        return List.copyOf(ran);
    }

    private static MediaTask task(
            String video, long uploadedAt, int priority, TaskKind kind, int index, double start) {
        MediaTask t = new MediaTask();
        t.setVideoId(video);
        t.setGeneration(uploadedAt);
        t.setPriority(priority);
        t.setKind(kind);
        t.setIndex(index);
        t.setTimelineOrigin(0.5); // chunk starts count from the video's first frame
        t.setStartPts(0.5 + start);
        return t;
    }

    private void submit(MediaTaskFunction function, MediaTask t) {
        queue.execute(
                new WorkerPool.Prioritized(
                        function.priority(t),
                        function.dueAtMillis(t),
                        () -> ran.add(t.getVideoId() + "/" + t.key())));
    }

    @Test
    void chunksRunInTimelineOrderAndANewVideosFirstChunkGoesBeforeOtherVideosLaterChunks()
            throws Exception {
        open(1);
        EncodeChunk encode = new EncodeChunk(SETTINGS);
        // the encode slots of a TaskManager take chunks from this one queue (WorkerPoolTest)
        assertThat(encode.sharesWorkers()).isTrue();
        long t0 = 1_000_000;
        // Video A (uploaded at t0) queued its chunks out of order; video B came 5 s later; video C,
        // later still but of a higher priority, goes before both.
        submit(encode, task("a", t0, 0, TaskKind.CHUNK, 3, 30.0));
        submit(encode, task("a", t0, 0, TaskKind.CHUNK, 1, 2.0));
        submit(encode, task("a", t0, 0, TaskKind.CHUNK, 2, 16.0));
        submit(encode, task("a", t0, 0, TaskKind.CHUNK, 0, 0.0));
        submit(encode, task("b", t0 + 5_000, 0, TaskKind.CHUNK, 1, 2.0));
        submit(encode, task("b", t0 + 5_000, 0, TaskKind.CHUNK, 0, 0.0));
        submit(encode, task("c", t0 + 9_000, 5, TaskKind.CHUNK, 1, 2.0));
        submit(encode, task("c", t0 + 9_000, 5, TaskKind.CHUNK, 0, 0.0));

        assertThat(release(8))
                .containsExactly(
                        "c/CHUNK-0",
                        "c/CHUNK-1",
                        "a/CHUNK-0",
                        "a/CHUNK-1",
                        // B's first chunk is due at its upload, before A's part at 16 s
                        "b/CHUNK-0",
                        "b/CHUNK-1",
                        "a/CHUNK-2",
                        "a/CHUNK-3");
    }

    @Test
    void theStartOfTheAudioRunsBeforeTheWholeTrack() throws Exception {
        open(1);
        EncodeAudio audio = new EncodeAudio(SETTINGS);
        long t0 = 1_000_000;
        // PrepareVideo emits the start first; both are due at the upload.
        submit(audio, task("a", t0, 0, TaskKind.AUDIO_START, 0, 0));
        submit(audio, task("a", t0, 0, TaskKind.AUDIO, 0, 0));
        submit(audio, task("b", t0 + 1_000, 0, TaskKind.AUDIO_START, 0, 0));
        assertThat(release(3)).containsExactly("a/AUDIO_START", "a/AUDIO", "b/AUDIO_START");
    }

    /**
     * PublishVideo runs one publication at a time, in the order they were made: a growing playlist
     * is never overtaken by an older, shorter write of itself.
     */
    @Test
    void publicationsAreCarriedOutOneAtATimeInTheOrderTheyWereMade() throws Exception {
        PublishVideo publish = new PublishVideo(SETTINGS);
        assertThat(publish.threads()).isEqualTo(1);
        assertThat(publish.sharesWorkers()).isFalse(); // a pool of its own per instance
        open(publish.threads());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            Publication p = new Publication();
            p.setPriority(0);
            p.setRecord(VideoRecord.processing("v", null, i));
            String name = "p" + i;
            queue.execute(
                    new WorkerPool.Prioritized(
                            publish.priority(p),
                            publish.dueAtMillis(p),
                            () -> {
                                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                                ran.add(name);
                                running.decrementAndGet();
                            }));
            Thread.sleep(2); // made one after another, as the assembler emits them
        }
        List<String> order = release(20);
        assertThat(order).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(order.get(i)).isEqualTo("p" + i);
        }
        assertThat(mostAtOnce.get()).isEqualTo(1);
    }
}
