package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The encode slots of one TaskManager share their workers (WorkerPool): a slot's queued chunk runs
 * on the other slot's free worker, in one order across both, and a slot that closes takes back only
 * its own work.
 */
class WorkerPoolTest {

    private static final String KEY = "job/Encode chunk/test-" + System.nanoTime();

    private final List<WorkerPool.Member> members = new ArrayList<>();
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void leaveAll() {
        release.countDown();
        members.forEach(WorkerPool.Member::leave);
    }

    private WorkerPool.Member join(String key) {
        WorkerPool.Member m = WorkerPool.join(key, 1, "test-worker");
        members.add(m);
        return m;
    }

    /** Work that records its name, then holds its worker until {@link #release} opens. */
    private Runnable held(String name, Semaphore started, AtomicInteger interrupted) {
        return () -> {
            ran.add(name);
            started.release();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
        };
    }

    @Test
    void oneSlotsQueuedWorkRunsOnAnotherSlotsFreeWorker() throws Exception {
        WorkerPool.Member a = join(KEY);
        join(KEY);
        assertThat(WorkerPool.sharedThreads(KEY)).isEqualTo(2);
        Semaphore started = new Semaphore(0);
        AtomicInteger interrupted = new AtomicInteger();
        // rebalance dealt all three to slot a; slot b has nothing of its own
        for (int i = 0; i < 3; i++) {
            a.execute(0, i, held("a" + i, started, interrupted));
        }
        assertThat(started.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactlyInAnyOrder("a0", "a1");
        assertThat(a.queued()).isEqualTo(1);
        release.countDown();
        assertThat(started.tryAcquire(1, 10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).contains("a2");
    }

    @Test
    void workRunsInOneOrderAcrossTheSlots() throws Exception {
        WorkerPool.Member a = join(KEY);
        WorkerPool.Member b = join(KEY);
        Semaphore started = new Semaphore(0);
        AtomicInteger interrupted = new AtomicInteger();
        // both workers busy, then the two slots queue work of different due times
        a.execute(Integer.MAX_VALUE, 0, held("busy-a", started, interrupted));
        b.execute(Integer.MAX_VALUE, 0, held("busy-b", started, interrupted));
        assertThat(started.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch done = new CountDownLatch(4);
        a.execute(0, 30, () -> record("a@30", done));
        b.execute(0, 10, () -> record("b@10", done));
        a.execute(5, 99, () -> record("a-high", done));
        b.execute(0, 20, () -> record("b@20", done));
        release.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        List<String> order = new ArrayList<>(ran.subList(2, 6));
        // two workers take them two at a time: the order holds pair by pair
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("a-high", "b@10");
        assertThat(order.subList(2, 4)).containsExactlyInAnyOrder("b@20", "a@30");
    }

    private void record(String name, CountDownLatch done) {
        ran.add(name);
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        done.countDown();
    }

    @Test
    void aSlotThatClosesTakesBackOnlyItsOwnWork() throws Exception {
        WorkerPool.Member a = join(KEY);
        WorkerPool.Member b = join(KEY);
        Semaphore started = new Semaphore(0);
        AtomicInteger aInterrupted = new AtomicInteger();
        AtomicInteger bInterrupted = new AtomicInteger();
        a.execute(0, 0, held("a-running", started, aInterrupted));
        b.execute(0, 1, held("b-running", started, bInterrupted));
        assertThat(started.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        a.execute(0, 2, held("a-queued", started, aInterrupted));
        b.execute(0, 3, held("b-queued", started, bInterrupted));

        a.leave();

        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (aInterrupted.get() == 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(aInterrupted.get()).isEqualTo(1);
        assertThat(WorkerPool.sharedThreads(KEY)).isEqualTo(1);
        // b's queued work still runs once b's worker frees; a's queued work never does
        release.countDown();
        assertThat(started.tryAcquire(1, 10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200);
        assertThat(ran).containsExactlyInAnyOrder("a-running", "b-running", "b-queued");
        assertThat(bInterrupted.get()).isZero();

        b.leave();
        assertThat(WorkerPool.sharedThreads(KEY)).isZero();
    }

    @Test
    void withoutAKeyEachInstanceHasItsOwnWorkers() throws Exception {
        WorkerPool.Member a = join(null);
        join(null);
        Semaphore started = new Semaphore(0);
        AtomicInteger interrupted = new AtomicInteger();
        a.execute(0, 0, held("a0", started, interrupted));
        a.execute(0, 1, held("a1", started, interrupted));
        assertThat(started.tryAcquire(1, 10, TimeUnit.SECONDS)).isTrue();
        // the other instance's idle worker does not take a's second task
        assertThat(started.tryAcquire(1, 300, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(ran).containsExactly("a0");
    }
}
