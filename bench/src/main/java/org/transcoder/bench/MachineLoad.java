package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the whole machine spent, from the first line of /proc/stat. The harness subtracts the
 * run's own CPU (and its own) to see how much other processes took during a run: on a shared
 * machine that is the interference every number must be read with.
 */
final class MachineLoad {

    /** Busy and total ticks of all CPUs together (USER_HZ). */
    record Snapshot(long busy, long total) {}

    private MachineLoad() {}

    static Snapshot now() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/stat")).get(0));
        } catch (IOException | RuntimeException e) {
            return new Snapshot(0, 0);
        }
    }

    /** "cpu user nice system idle iowait irq softirq steal guest guest_nice". */
    static Snapshot parse(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!f[0].equals("cpu")) {
            throw new IllegalArgumentException("Not the cpu line of /proc/stat: " + cpuLine);
        }
        long[] v = new long[8];
        for (int i = 0; i < 8 && i + 1 < f.length; i++) {
            v[i] = Long.parseLong(f[i + 1]);
        }
        long idle = v[3] + v[4];
        long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        return new Snapshot(busy, busy + idle);
    }

    /** Busy share of the machine between two snapshots (0..1). */
    static double busyFraction(Snapshot a, Snapshot b) {
        long total = b.total() - a.total();
        return total <= 0 ? 0 : (b.busy() - a.busy()) / (double) total;
    }

    static double loadAverage1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits (up to maxWaitSeconds) until the machine has been nearly idle for 3 s in a row: busy
     * below {@code level} of all CPUs. Returns the seconds waited.
     */
    static double waitQuiet(double level, long maxWaitSeconds) throws InterruptedException {
        if (maxWaitSeconds <= 0) {
            return 0;
        }
        long t0 = System.nanoTime();
        int quiet = 0;
        Snapshot prev = now();
        while (quiet < 3 && (System.nanoTime() - t0) / 1e9 < maxWaitSeconds) {
            Thread.sleep(1000);
            Snapshot cur = now();
            quiet = busyFraction(prev, cur) < level ? quiet + 1 : 0;
            prev = cur;
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
