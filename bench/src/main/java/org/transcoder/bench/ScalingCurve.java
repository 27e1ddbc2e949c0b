package org.transcoder.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The slot-scaling curve from run directories alone (each run's own {@code result.json} and the
 * sampler's {@code processes.json}), so a curve survives a harness cut short by a time limit and
 * can join runs of several invocations on one machine: {@code bench/device/scaling.sh} on a lent
 * 16-core machine, where one call could not hold every run.
 *
 * <p>Efficiency at N slots on N CPUs is wall(1) / (N × wall(N)). It splits into two factors the
 * table shows apart: how busy the run kept its CPUs (CPU(N) / (N × wall(N)): the pipeline's
 * scheduling, head and tail) and how much CPU the same work took (CPU(1) / CPU(N): the machine's
 * per-core speed under load, and per-chunk overhead).
 */
@Command(
        name = "scaling-curve",
        mixinStandardHelpOptions = true,
        description = "Writes the slot-scaling curve (Markdown) from bench run directories.")
public final class ScalingCurve implements Callable<Integer> {

    @Parameters(description = "run directories (<mode>-r<rep>, as the harness writes them)")
    List<Path> runDirs;

    @Option(names = "--cpus", required = true, description = "CPUs of the machine (unpinned runs)")
    int machineCpus;

    @Option(names = "--out", description = "Markdown file to write (default: standard output)")
    Path out;

    /** One run, as its directory tells it. */
    record Run(
            String mode,
            int slots,
            int cpus,
            double wallSeconds,
            double cpuSeconds,
            double clipSeconds,
            int chunks,
            Timeline timeline) {

        boolean isCli() {
            return mode.startsWith("cli");
        }

        /** Share of the run's CPUs kept busy over its wall time. */
        double busy() {
            return cpuSeconds / (cpus * wallSeconds);
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScalingCurve()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<Run> runs = new ArrayList<>();
        for (Path dir : runDirs) {
            runs.add(read(dir, machineCpus));
        }
        String md = markdown(runs);
        if (out == null) {
            System.out.print(md);
        } else {
            Files.writeString(out, md);
        }
        return 0;
    }

    static Run read(Path dir, int machineCpus) throws IOException {
        String mode = dir.getFileName().toString().replaceFirst("-r\\d+$", "");
        List<TreeSampler.Member> members =
                BenchChild.JSON.readValue(
                        dir.resolve("processes.json").toFile(), new TypeReference<>() {});
        int pinned = BenchMain.cpusOf(mode);
        int cpus = pinned > 0 ? pinned : machineCpus;
        Path result = dir.resolve("result.json");
        if (!Files.isRegularFile(result)) {
            // The CLI run is the ffmpeg process itself: its wall and CPU as the sampler saw it.
            TreeSampler.Member ffmpeg =
                    members.stream()
                            .max(Comparator.comparingLong(TreeSampler.Member::cpuTicks))
                            .orElseThrow(() -> new IOException("No process sampled in " + dir));
            double wall = (ffmpeg.lastSeenMs() - ffmpeg.startMs()) / 1000.0;
            return new Run(
                    mode,
                    cpus,
                    cpus,
                    wall,
                    ProcStat.seconds(ffmpeg.cpuTicks()),
                    Double.NaN,
                    0,
                    Timeline.of(members, ffmpeg.startMs(), ffmpeg.lastSeenMs(), cpus));
        }
        ChildResult child = BenchChild.JSON.readValue(result.toFile(), ChildResult.class);
        int slots = BenchMain.slotsOf(mode);
        long end = child.opStartMillis() + child.opWallMillis();
        return new Run(
                mode,
                slots,
                cpus,
                child.opWallMillis() / 1000.0,
                ProcStat.seconds(child.opCpuTicks()),
                child.items().get(0).seconds(),
                child.items().get(0).chunks(),
                Timeline.of(members, child.opStartMillis(), end, slots));
    }

    /** A value relative to the 1-slot run, or "-" without one. */
    private static String againstOneSlot(Run one, String format, double value) {
        return one == null ? "-" : String.format(Locale.ROOT, format, value);
    }

    static String markdown(List<Run> runs) {
        List<Run> media =
                runs.stream()
                        .filter(r -> !r.isCli())
                        .sorted(Comparator.comparingInt(Run::slots))
                        .toList();
        Run one = media.stream().filter(r -> r.slots() == 1).findFirst().orElse(null);
        StringBuilder md = new StringBuilder();
        md.append(
                "| slots | CPUs | wall (s) | speed-up | efficiency | CPU (s) | CPU × 1 slot |"
                        + " CPUs busy | CPU-s per clip-s | chunks | chunk CPU median (s) |"
                        + " head (s) | idle slot-s | after last encode (s) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run r : media) {
            double speedup = one == null ? Double.NaN : one.wallSeconds() / r.wallSeconds();
            double cpuVsOne = one == null ? Double.NaN : r.cpuSeconds() / one.cpuSeconds();
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %d | %.1f | %s | %s | %.1f | %s | %.0f %% | %.2f | %d | %.1f |"
                                    + " %.1f | %.1f | %.1f |\n",
                            r.slots(),
                            r.cpus(),
                            r.wallSeconds(),
                            againstOneSlot(one, "%.2f×", speedup),
                            againstOneSlot(one, "%.0f %%", 100 * speedup / r.slots()),
                            r.cpuSeconds(),
                            againstOneSlot(one, "%.2f", cpuVsOne),
                            100 * r.busy(),
                            r.cpuSeconds() / r.clipSeconds(),
                            r.chunks(),
                            r.timeline().chunkCpuMedianSeconds(),
                            r.timeline().headSeconds(),
                            r.timeline().idleSlotSeconds(),
                            r.timeline().afterLastEncodeSeconds()));
        }
        for (Run cli : runs.stream().filter(Run::isCli).toList()) {
            md.append(
                    String.format(
                            Locale.ROOT,
                            "\nffmpeg CLI (`%s`, one process, %d CPUs): wall %.1f s, CPU %.1f s, CPUs"
                                    + " busy %.0f %%.",
                            cli.mode(),
                            cli.cpus(),
                            cli.wallSeconds(),
                            cli.cpuSeconds(),
                            100 * cli.busy()));
            media.stream()
                    .filter(r -> r.cpus() == cli.cpus())
                    .forEach(
                            r ->
                                    md.append(
                                            String.format(
                                                    Locale.ROOT,
                                                    " The media path at %d slots on the same CPUs:"
                                                            + " %.2f× its wall, %.2f× its CPU.",
                                                    r.slots(),
                                                    r.wallSeconds() / cli.wallSeconds(),
                                                    r.cpuSeconds() / cli.cpuSeconds())));
            md.append('\n');
        }
        return md.toString();
    }
}
