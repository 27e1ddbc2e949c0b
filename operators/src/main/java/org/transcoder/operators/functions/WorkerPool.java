package org.transcoder.operators.functions;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker threads and the priority queue they take work from, for the parallel instances of an async
 * operator ({@link RetryingAsyncFunction}). Each instance {@link #join joins} with its own thread
 * count; instances that join under the same key share one queue and the sum of their threads, so in
 * one JVM (a TaskManager, or a local mini cluster) a queued chunk runs on whichever slot frees
 * first, in the queue's order across all of them, instead of waiting behind its own slot's work
 * while another slot idles ({@code rebalance} deals chunks round-robin, blind to their cost).
 * Without a key an instance has a pool of its own.
 *
 * <p>An instance that {@link Member#leave leaves} (its operator closes) takes its queued work out
 * of the queue and interrupts only its own running work; its elements are in the last checkpoint.
 */
final class WorkerPool {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** Shared pools by key; guards every pool's thread count. */
    private static final Map<String, WorkerPool> SHARED = new HashMap<>();

    private final String key;

    /** Its core size is the pool's thread count (the sum of its members'). */
    private final ThreadPoolExecutor executor;

    private WorkerPool(String key, int threads, String threadName) {
        this.key = key;
        this.executor = taskQueue(threads, threadName);
    }

    private int threads() {
        return executor.getCorePoolSize();
    }

    /**
     * Adds {@code threads} workers to the pool of {@code key} (created on first use), or to a pool
     * of the caller's own where {@code key} is null.
     */
    static Member join(String key, int threads, String threadName) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        synchronized (SHARED) {
            WorkerPool pool = key == null ? null : SHARED.get(key);
            if (pool == null) {
                pool = new WorkerPool(key, threads, threadName);
                if (key != null) {
                    SHARED.put(key, pool);
                }
            } else {
                pool.resize(pool.threads() + threads);
            }
            if (key != null) {
                LOG.info("Worker pool {}: {} threads", key, pool.threads());
            }
            return new Member(pool, threads);
        }
    }

    /** Threads of the pool of {@code key} now (0 when nobody has joined it). */
    static int sharedThreads(String key) {
        synchronized (SHARED) {
            WorkerPool pool = SHARED.get(key);
            return pool == null ? 0 : pool.threads();
        }
    }

    private void resize(int n) {
        if (n > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(n);
            executor.setCorePoolSize(n); // starts workers for what is queued
        } else {
            executor.setCorePoolSize(n);
            executor.setMaximumPoolSize(n); // a busy surplus worker ends after its work
        }
    }

    /** One instance's share of a pool. */
    static final class Member {
        private final WorkerPool pool;
        private final int threads;
        private final Set<Thread> running = new HashSet<>();
        private boolean left;

        private Member(WorkerPool pool, int threads) {
            this.pool = pool;
            this.threads = threads;
        }

        /** Queues {@code body}: higher priority first, then the earliest due, then arrival. */
        void execute(int priority, long dueAt, Runnable body) {
            synchronized (running) {
                if (left) {
                    throw new RejectedExecutionException("left its worker pool");
                }
            }
            pool.executor.execute(new Prioritized(priority, dueAt, this, () -> run(body)));
        }

        private void run(Runnable body) {
            Thread worker = Thread.currentThread();
            synchronized (running) {
                if (left) {
                    return;
                }
                running.add(worker);
            }
            try {
                body.run();
            } finally {
                synchronized (running) {
                    running.remove(worker);
                    // An interrupt from leave() meant this body; the next one may be another's.
                    Thread.interrupted();
                }
            }
        }

        /** This member's work waiting for a worker. */
        int queued() {
            return (int) pool.executor.getQueue().stream().filter(this::owns).count();
        }

        private boolean owns(Runnable r) {
            return r instanceof Prioritized p && p.owner == this;
        }

        /** Drops this member's queued work, interrupts its running work, returns its threads. */
        void leave() {
            synchronized (running) {
                if (left) {
                    return;
                }
                left = true;
                running.forEach(Thread::interrupt);
            }
            pool.executor.getQueue().removeIf(this::owns);
            synchronized (SHARED) {
                if (pool.threads() == threads) {
                    pool.executor.shutdownNow();
                    if (pool.key != null) {
                        SHARED.remove(pool.key);
                    }
                } else {
                    pool.resize(pool.threads() - threads);
                }
            }
        }
    }

    /** The workers and their queue, which serves {@link Prioritized} entries in their order. */
    static ThreadPoolExecutor taskQueue(int threads, String name) {
        return new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.SECONDS,
                new PriorityBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Queue entry: higher priority first, then the earliest due, then first come first served. */
    static final class Prioritized implements Runnable, Comparable<Prioritized> {
        private final int priority;
        private final long dueAt;
        private final long sequence = SEQUENCE.incrementAndGet();
        private final Object owner;
        private final Runnable body;

        Prioritized(int priority, long dueAt, Runnable body) {
            this(priority, dueAt, null, body);
        }

        private Prioritized(int priority, long dueAt, Object owner, Runnable body) {
            this.priority = priority;
            this.dueAt = dueAt;
            this.owner = owner;
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
        }

        @Override
        public int compareTo(Prioritized o) {
            if (priority != o.priority) {
                return Integer.compare(o.priority, priority);
            }
            return dueAt != o.dueAt
                    ? Long.compare(dueAt, o.dueAt)
                    : Long.compare(sequence, o.sequence);
        }
    }
}
