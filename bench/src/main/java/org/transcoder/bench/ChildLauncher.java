package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Starts one measured run as a child process, samples its process tree while it runs, and takes its
 * CPU from the harness's own cutime/cstime: once the child is reaped they hold the CPU of the child
 * and of every descendant the tree waited for (the JVM reaps its ffmpeg children), which a sampler
 * would miss for children shorter than a sampling period. Runs never overlap, and the harness
 * starts no other child while one runs, so the difference is the run's alone.
 */
final class ChildLauncher {

    /** Flink and Kryo on Java 17 (the same list the build gives the tests). */
    /** The JIT setting of local mode's JVM (local/pom.xml, exec@local), used for the job runs. */
    static final List<String> LOCAL_MODE_JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1");

    static final List<String> ADD_OPENS =
            List.of(
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED");

    /**
     * @param cpuTicks the whole tree: reaped CPU plus the detached members' last sampled CPU
     * @param foreignTicks CPU that other processes of the machine (not the run, not the harness)
     *     took while the run ran
     */
    record Measured(
            int exitCode,
            long wallMillis,
            long cpuTicks,
            long foreignTicks,
            TreeSampler.Result sampler,
            Path log) {
        void requireSuccess(String what) throws IOException {
            if (exitCode != 0) {
                throw new IOException(what + " failed (exit " + exitCode + "), see " + log);
            }
        }
    }

    private ChildLauncher() {}

    static Measured run(List<String> command, Map<String, String> env, Path log, long sampleMs)
            throws IOException, InterruptedException {
        return run(command, env, log, sampleMs, () -> false);
    }

    /**
     * Runs {@code command} to its end, or until {@code stopWhen} (polled every 50 ms) holds: it is
     * then killed, and its exit status reads 0.
     */
    static Measured run(
            List<String> command,
            Map<String, String> env,
            Path log,
            long sampleMs,
            BooleanSupplier stopWhen)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long before = reapedTicks();
        long harnessBefore = ProcStat.self().ownTicks();
        MachineLoad.Snapshot machineBefore = MachineLoad.now();
        long t0 = System.nanoTime();
        Process p = pb.start();
        TreeSampler sampler = new TreeSampler(p.pid(), t0, sampleMs).start();
        int rc;
        try {
            boolean stopped = false;
            while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
                if (!stopped && stopWhen.getAsBoolean()) {
                    p.destroyForcibly();
                    stopped = true;
                }
            }
            rc = stopped ? 0 : p.exitValue();
        } finally {
            sampler.close();
        }
        long wall = (System.nanoTime() - t0) / 1_000_000;
        long reaped = reapedTicks() - before;
        long machine = MachineLoad.now().busy() - machineBefore.busy();
        long harness = ProcStat.self().ownTicks() - harnessBefore;
        TreeSampler.Result r = sampler.result();
        long run = reaped + r.detachedCpuTicks();
        return new Measured(rc, wall, run, Math.max(0, machine - run - harness), r, log);
    }

    private static long reapedTicks() {
        ProcStat s = ProcStat.self();
        return s.cutime() + s.cstime();
    }
}
