package org.transcoder.media.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures, while it is open, the largest peak resident memory (VmHWM in /proc) of any child
 * process of this JVM (every ffmpeg/ffprobe a step starts), sampling every 10 ms. A child that
 * lives less than a sample is missed: those are the cheap ones.
 */
public final class NativeChildren implements AutoCloseable {

    private final AtomicLong peakKb = new AtomicLong();
    private final AtomicLong children = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;

    public NativeChildren() {
        java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        sampler =
                new Thread(
                        () -> {
                            while (running.get()) {
                                ProcessHandle.current()
                                        .descendants()
                                        .forEach(
                                                p -> {
                                                    if (seen.add(p.pid())) {
                                                        children.incrementAndGet();
                                                    }
                                                    peakKb.accumulateAndGet(
                                                            hwmKb(p.pid()), Math::max);
                                                });
                                try {
                                    Thread.sleep(10);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "native-children-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private static long hwmKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // ended between the listing and the read
        }
        return 0;
    }

    /** Largest peak RSS of one child seen so far, in MiB. */
    public long peakMib() {
        return peakKb.get() / 1024;
    }

    /** Child processes seen so far. */
    public long children() {
        return children.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        sampler.join();
    }
}
