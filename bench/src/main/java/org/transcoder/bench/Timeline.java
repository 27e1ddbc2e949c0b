package org.transcoder.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of one run went, from the sampled process tree: what kinds of ffmpeg children ran,
 * for how long and with how much CPU; how busy the encode slots were between the first chunk encode
 * and the last; the head (operation start to first chunk encode: probe, split, scheduling) and the
 * tail (the end of the encodes when fewer chunk encodes ran than there are slots, and after the
 * last one: packaging, playlists, completion). Times are seconds after the operation start,
 * accurate to about one sampling period.
 */
record Timeline(
        Map<String, KindStats> byKind,
        int chunkEncodes,
        double headSeconds,
        double encodeSpanSeconds,
        double slotBusyFraction,
        double idleSlotSeconds,
        double tailBelowFullSeconds,
        double afterLastEncodeSeconds,
        double chunkWallMedianSeconds,
        double chunkWallMaxSeconds,
        double chunkCpuMedianSeconds) {

    record KindStats(int count, double wallSeconds, double cpuSeconds) {}

    static final String ENCODE = "encode-chunk";

    static Timeline of(List<TreeSampler.Member> members, long opStartMs, long opEndMs, int slots) {
        Map<String, KindStats> byKind = new LinkedHashMap<>();
        List<long[]> encodes = new ArrayList<>();
        List<Double> encodeWalls = new ArrayList<>();
        List<Double> encodeCpus = new ArrayList<>();
        for (TreeSampler.Member m : members) {
            if (m.lastSeenMs() < opStartMs) {
                continue;
            }
            double wall = Math.max(0, m.lastSeenMs() - m.startMs()) / 1000.0;
            double cpu = ProcStat.seconds(m.cpuTicks());
            KindStats k = byKind.getOrDefault(m.kind(), new KindStats(0, 0, 0));
            byKind.put(
                    m.kind(),
                    new KindStats(k.count() + 1, k.wallSeconds() + wall, k.cpuSeconds() + cpu));
            if (ENCODE.equals(m.kind())) {
                encodes.add(new long[] {m.startMs(), m.lastSeenMs()});
                encodeWalls.add(wall);
                encodeCpus.add(cpu);
            }
        }
        if (encodes.isEmpty()) {
            return new Timeline(byKind, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        long first = encodes.stream().mapToLong(e -> e[0]).min().orElse(opStartMs);
        long last = encodes.stream().mapToLong(e -> e[1]).max().orElse(opEndMs);
        long step = 20;
        long busy = 0;
        long idle = 0;
        long lastFull = first;
        for (long t = first; t < last; t += step) {
            int running = 0;
            for (long[] e : encodes) {
                if (e[0] <= t && t < e[1]) {
                    running++;
                }
            }
            busy += Math.min(running, slots) * step;
            idle += Math.max(0, slots - running) * step;
            if (running >= slots) {
                lastFull = t + step;
            }
        }
        double span = (last - first) / 1000.0;
        return new Timeline(
                byKind,
                encodes.size(),
                (first - opStartMs) / 1000.0,
                span,
                span <= 0 ? 0 : busy / 1000.0 / (span * slots),
                idle / 1000.0,
                (last - lastFull) / 1000.0,
                Math.max(0, opEndMs - last) / 1000.0,
                Stats.median(encodeWalls),
                encodeWalls.stream().mapToDouble(d -> d).max().orElse(0),
                Stats.median(encodeCpus));
    }
}
