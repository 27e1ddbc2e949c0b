package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness (issue 4): generates the inputs, runs the ffmpeg CLI baseline, the media
 * module's whole-file path and the full job in local mode, each run in a process of its own,
 * several times, measures wall, CPU, peak RSS, bytes and quality, and writes RESULTS.md and
 * results.json.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Transcoder benchmark: the pipeline against the ffmpeg CLI on this machine.")
public final class BenchMain implements Callable<Integer> {

    static final List<String> ALL_MODES =
            List.of("cli", "media-t2", "media-t1", "job-p1", "job-p2");
    static final List<String> ALL_BATCH_MODES = List.of("cli", "media-t2", "job-p2");

    @Option(names = "--quick", description = "30 s clip, 1 repetition, 6 batch clips")
    boolean quick;

    @Option(
            names = "--reps",
            description = "repetitions of each long-clip run (default 3, quick 1)")
    Integer reps;

    @Option(
            names = "--batch-reps",
            description =
                    "repetitions of each batch run, interleaved like the long clip's (default 1)")
    Integer batchReps;

    @Option(
            names = "--modes",
            split = ",",
            description =
                    "long-clip runs, in order (cli, cli-event, media-tN, job-pN, ...), or none"
                            + " (default: ${DEFAULT-VALUE})",
            defaultValue = "cli,media-t2,media-t1,job-p1,job-p2")
    List<String> modes;

    @Option(
            names = "--batch-modes",
            split = ",",
            description =
                    "batch runs: cli, cli-event, media-tN, job-pN, or none (default:"
                            + " ${DEFAULT-VALUE})",
            defaultValue = "cli,media-t2,job-p2")
    List<String> batchModes;

    @Option(
            names = "--load-modes",
            split = ",",
            description =
                    "load runs (job-pN: --load-count upload events at once into one warm"
                            + " pipeline), or none (default: ${DEFAULT-VALUE})",
            defaultValue = "none")
    List<String> loadModes;

    @Option(
            names = "--load-count",
            defaultValue = "50",
            description = "upload events of a load run (the batch's clips, cycled)")
    int loadCount;

    @Option(
            names = "--load-settle-seconds",
            defaultValue = "10",
            description =
                    "load: keep reading completions and checkpoints this long after the last video")
    int loadSettleSeconds;

    @Option(
            names = "--clip-seconds",
            description =
                    "length of the long clip (default 120, quick 30; 60 for the first-play target;"
                            + " over 120: the 60 s clip stream-copied in a loop, e.g. 600)")
    Integer clipSeconds;

    @Option(names = "--batch-count", description = "short clips in the batch (default 20, quick 6)")
    Integer batchCount;

    @Option(
            names = "--render-only",
            description =
                    "measure nothing: render RESULTS.md again from the report dir's results.json"
                            + " and FINDINGS.md")
    boolean renderOnly;

    @Option(
            names = "--chunk-seconds",
            description =
                    "target chunk length for the media and job runs (default: theirs, automatic)")
    Double chunkSeconds;

    @Option(
            names = "--job-idle-seconds",
            defaultValue = "0",
            description =
                    "job runs: before the measured video, measure the warm idle pipeline's CPU"
                            + " for this long (reported in the run's info)")
    int jobIdleSeconds;

    @Option(
            names = "--job-checkpoint-ms",
            description = "job runs: checkpoint interval (default: local mode's)")
    Long jobCheckpointMillis;

    @Option(names = "--no-quality", description = "skip PSNR/SSIM")
    boolean noQuality;

    @Option(
            names = "--until-first-play",
            description =
                    "end each run of the long clip (CLI and job) once its video is playable: time"
                            + " to first play of a long upload in seconds; wall times mean nothing"
                            + " else")
    boolean untilFirstPlay;

    @Option(
            names = "--keep-outputs",
            description = "keep every run's renditions (default: first rep)")
    boolean keepOutputs;

    @Option(names = "--work", defaultValue = "bench/work", description = "scratch (git-ignored)")
    Path work;

    @Option(
            names = "--report-dir",
            description =
                    "where RESULTS.md/results.json go (default bench/, quick: bench/work/quick)")
    Path reportDir;

    @Option(
            names = "--fixtures",
            defaultValue = "media/src/test/resources/fixtures",
            description = "the real clips the inputs are made from")
    Path fixtures;

    @Option(
            names = "--sample-ms",
            defaultValue = "100",
            description = "process tree sampling period")
    long sampleMs;

    @Option(
            names = "--quiet-wait",
            defaultValue = "300",
            description =
                    "before each run, wait up to this many seconds for the machine to be idle"
                            + " (others' CPU below --quiet-level for 3 s); 0: don't wait")
    long quietWait;

    @Option(
            names = "--quiet-level",
            defaultValue = "0.15",
            description = "busy share of all CPUs that counts as idle")
    double quietLevel;

    @Option(names = "--child-heap", defaultValue = "2g", description = "-Xmx of the run JVMs")
    String childHeap;

    private final List<String> notes = new ArrayList<>();
    private Inputs inputs;
    private String[] argv = new String[0];

    public static void main(String[] args) {
        BenchMain main = new BenchMain();
        main.argv = args;
        System.exit(new CommandLine(main).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int repetitions = reps != null ? reps : quick ? 1 : 3;
        int seconds = clipSeconds != null ? clipSeconds : quick ? 30 : 120;
        int batchN = batchCount != null ? batchCount : quick ? 6 : 20;
        Path reports =
                reportDir != null ? reportDir : quick ? work.resolve("quick") : Path.of("bench");
        if (renderOnly) {
            Results saved =
                    BenchChild.JSON.readValue(
                            reports.resolve("results.json").toFile(), Results.class);
            writeMarkdown(reports, saved, false);
            return 0;
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now());
        Path runRoot = work.resolve("runs").resolve(stamp).toAbsolutePath();
        Files.createDirectories(runRoot);
        log("run dir " + runRoot);

        Map<String, String> machine = Machine.describe();
        inputs = new Inputs(fixtures, work.resolve("inputs").toAbsolutePath());
        List<String> longModes = modes.contains("none") ? List.of() : available(modes);
        Ladder ladder = LadderProfiles.defaultLadder();
        Path clip = null;
        MediaInfo info = null;
        List<Rendition> rungs = List.of();
        Results.Input input = null;
        if (!longModes.isEmpty()) {
            clip = inputs.longClip(seconds);
            info = MediaProbe.probe(clip);
            rungs = CliBaseline.renditions(info, ladder);
            var v = info.video().orElseThrow();
            input =
                    new Results.Input(
                            clip.getFileName().toString(),
                            info.videoDurationSeconds(),
                            v.width(),
                            v.height(),
                            v.avgFrameRate(),
                            Files.size(clip),
                            rungs.stream().map(Rendition::name).toList());
        }

        List<Results.Run> runs = new ArrayList<>();
        Map<String, Path> firstOutputs = new LinkedHashMap<>();
        for (int rep = 1; rep <= repetitions; rep++) {
            for (String mode : longModes) {
                Path dir = runRoot.resolve(mode + "-r" + rep);
                log(String.format(Locale.ROOT, "rep %d/%d: %s", rep, repetitions, mode));
                Results.Run run = runLong(mode, rep, clip, info, ladder, dir);
                runs.add(run);
                log(
                        String.format(
                                Locale.ROOT,
                                "  %s wall %.1f s, cpu %.1f s (op %.1f s), peak RSS %d MiB,"
                                        + " others' CPU meanwhile %.1f s",
                                mode,
                                run.wallSeconds(),
                                run.cpuSeconds(),
                                run.opCpuSeconds(),
                                run.peakRssBytes() >> 20,
                                run.foreignCpuSeconds()));
                if (rep == 1) {
                    firstOutputs.put(mode, Path.of(run.outputDir()));
                } else if (!keepOutputs) {
                    deleteTree(dir.resolve("out"));
                    deleteTree(dir.resolve("work"));
                }
            }
        }
        List<Results.ModeSummary> summary = summarize(longModes, runs, seconds);

        Map<String, Map<String, Quality.Score>> quality = new LinkedHashMap<>();
        if (!noQuality) {
            Map<String, Quality.Score> scored = new java.util.HashMap<>();
            for (var e : firstOutputs.entrySet()) {
                Map<String, Quality.Score> perRung = new LinkedHashMap<>();
                for (Rendition r : rungs) {
                    Path rungDir = e.getValue().resolve(r.name());
                    if (Files.isRegularFile(rungDir.resolve(OutputLayout.PLAYLIST))) {
                        // Byte-identical rungs (media-t1 and -t2 encode the same chunks the same
                        // way) have the same score: measure each distinct rung once.
                        String hash = Quality.contentHash(rungDir);
                        Quality.Score score = scored.get(hash);
                        if (score == null) {
                            log("quality " + e.getKey() + " " + r.name());
                            score = Quality.measure(clip, rungDir, r, runRoot.resolve("quality"));
                            scored.put(hash, score);
                        } else {
                            log(
                                    "quality "
                                            + e.getKey()
                                            + " "
                                            + r.name()
                                            + ": same bytes as one scored");
                        }
                        perRung.put(r.name(), score);
                    }
                }
                quality.put(e.getKey(), perRung);
            }
        }

        List<Results.Batch> batches = new ArrayList<>();
        List<String> bModes = batchModes.contains("none") ? List.of() : available(batchModes);
        if (!bModes.isEmpty()) {
            List<Path> clips = inputs.batch(batchN);
            int bReps = batchReps != null ? batchReps : 1;
            for (int rep = 1; rep <= bReps; rep++) {
                for (String mode : bModes) {
                    log(
                            String.format(
                                    Locale.ROOT,
                                    "batch rep %d/%d: %s (%d clips)",
                                    rep,
                                    bReps,
                                    mode,
                                    clips.size()));
                    Path dir = runRoot.resolve("batch-" + mode + (bReps > 1 ? "-r" + rep : ""));
                    batches.add(runBatch(mode, rep, clips, ladder, dir));
                }
            }
        }

        List<Results.Load> loads = new ArrayList<>();
        List<String> lModes = loadModes.contains("none") ? List.of() : available(loadModes);
        for (String mode : lModes) {
            if (!mode.startsWith("job-")) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "A load run is a job run (job-pN): " + mode);
            }
            log(String.format(Locale.ROOT, "load: %s (%d uploads at once)", mode, loadCount));
            loads.add(
                    runLoad(
                            mode,
                            inputs.batch(Inputs.BATCH.size()),
                            runRoot.resolve("load-" + mode)));
        }

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("repetitions", repetitions);
        settings.put("clipSeconds", seconds);
        settings.put("batchCount", batchN);
        settings.put("modes", longModes);
        settings.put("batchModes", bModes);
        settings.put("batchRepetitions", batchReps != null ? batchReps : 1);
        settings.put("ladder", ladder);
        settings.put("sampleMillis", sampleMs);
        settings.put("chunkSeconds", chunkSeconds == null ? "default (automatic)" : chunkSeconds);
        settings.put("childHeap", childHeap);
        settings.put("quietWaitSeconds", quietWait);
        settings.put("quietLevel", quietLevel);
        if (!lModes.isEmpty()) {
            settings.put("loadModes", lModes);
            settings.put("loadCount", loadCount);
        }
        Results results =
                new Results(
                        ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                        command(),
                        machine,
                        settings,
                        input,
                        runs,
                        summary,
                        quality,
                        batches,
                        notes,
                        loads);
        Files.createDirectories(reports);
        Path saved = reports.resolve("results.json");
        if (longModes.isEmpty()
                && bModes.isEmpty()
                && !loads.isEmpty()
                && Files.isRegularFile(saved)) {
            // A load-only invocation adds its section to the report there (its own date and
            // command go with it), keeping the full run's numbers as they were measured.
            log("load only: adding the load section to " + saved + ", the rest kept");
            results = BenchChild.JSON.readValue(saved.toFile(), Results.class).withLoads(loads);
        }
        BenchChild.JSON.writeValue(reports.resolve("results.json").toFile(), results);
        writeMarkdown(reports, results, quick);
        return 0;
    }

    /** RESULTS.md from the results, with the hand-written findings (FINDINGS.md beside it). */
    private static void writeMarkdown(Path reports, Results results, boolean quick)
            throws IOException {
        Path findings = reports.resolve("FINDINGS.md");
        Files.writeString(
                reports.resolve("RESULTS.md"),
                Report.markdown(
                        results,
                        Files.isRegularFile(findings) && !quick
                                ? Files.readString(findings)
                                : null));
        log("wrote " + reports.resolve("RESULTS.md"));
    }

    private List<String> available(List<String> wanted) {
        List<String> out = new ArrayList<>();
        for (String m : wanted) {
            if (!MODE.matcher(m).matches() || (!m.startsWith("cli") && !m.contains("-"))) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "Unknown mode '"
                                + m
                                + "' (cli, cli-event, media-tN[xM], job-pN[xM], each [@cK])");
            }
            if (m.startsWith("job-") && !JobRunner.available()) {
                String note =
                        "Mode "
                                + m
                                + " skipped: "
                                + JobRunner.LOCAL_PIPELINE
                                + " is not in the build yet.";
                if (!notes.contains(note)) {
                    notes.add(note);
                }
                log(note);
                continue;
            }
            out.add(m);
        }
        return out;
    }

    private Results.Run runLong(
            String mode, int rep, Path clip, MediaInfo info, Ladder ladder, Path dir)
            throws Exception {
        Files.createDirectories(dir);
        Path out = dir.resolve("out");
        double waited = quiet();
        double load = MachineLoad.loadAverage1();
        ChildLauncher.Measured m;
        ChildResult child = null;
        int slots = 1;
        Double firstPlay = null;
        if (mode.startsWith("cli")) {
            List<String> cmd =
                    pin(
                            mode,
                            CliBaseline.command(
                                    FfmpegBinaries.get().ffmpeg(),
                                    clip,
                                    info,
                                    ladder,
                                    out,
                                    CliBaseline.PlaylistType.ofMode(mode)));
            Files.createDirectories(out);
            Files.writeString(dir.resolve("command.txt"), String.join(" ", cmd) + "\n");
            // Time to first play from the process start, watched from here (not the run's CPU).
            try (FirstPlay.Watcher w = FirstPlay.Watcher.watch("long", out)) {
                m =
                        ChildLauncher.run(
                                cmd,
                                FfmpegBinaries.get().environment(),
                                dir.resolve("log.txt"),
                                sampleMs,
                                () -> untilFirstPlay && w.seconds("long").isPresent());
                w.close();
                firstPlay = seconds(w.millis("long").orElse(null));
                if (firstPlay != null && firstPlay < 0) {
                    log("  never playable: " + w.missing("long"));
                }
            }
            m.requireSuccess(mode);
            slots = cpusOf(mode) > 0 ? cpusOf(mode) : 2;
        } else {
            slots = slotsOf(mode);
            BenchChild.Task task =
                    new BenchChild.Task(
                            "long",
                            clip.toString(),
                            out.toString(),
                            info.videoDurationSeconds(),
                            null);
            // The job runs one short clip first: a service is warm when an upload arrives.
            Path warmup = mode.startsWith("job-") ? inputs.batch(1).get(0) : null;
            m = launchJava(mode, List.of(task), dir, warmup, false);
            child =
                    BenchChild.JSON.readValue(
                            dir.resolve("result.json").toFile(), ChildResult.class);
            firstPlay = seconds(child.items().get(0).firstPlayMillis());
        }
        double processWall = m.wallMillis() / 1000.0;
        double cpu = ProcStat.seconds(m.cpuTicks());
        double wall = child == null ? processWall : child.opWallMillis() / 1000.0;
        double opCpu = child == null ? cpu : ProcStat.seconds(child.opCpuTicks());
        long opStart = child == null ? 0 : child.opStartMillis();
        long opEnd = opStart + Math.round(wall * 1000);
        Path video =
                child == null || child.items().get(0).outputDir() == null
                        ? videoDir(out)
                        : videoDir(Path.of(child.items().get(0).outputDir()));
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (Rendition r : CliBaseline.renditions(info, ladder)) {
            bytes.put(r.name(), dirBytes(video.resolve(r.name())));
        }
        Timeline timeline = Timeline.of(m.sampler().members(), opStart, opEnd, slots);
        // Every child process the sampler saw (kind, start, last seen, CPU), for a closer look.
        BenchChild.JSON.writeValue(dir.resolve("processes.json").toFile(), m.sampler().members());
        int chunks =
                child != null && child.items().get(0).chunks() > 0
                        ? child.items().get(0).chunks()
                        : timeline.chunkEncodes();
        return new Results.Run(
                mode,
                rep,
                wall,
                processWall,
                cpu,
                opCpu,
                ProcStat.seconds(m.sampler().detachedCpuTicks()),
                child == null ? 0 : child.startupMillis() / 1000.0,
                m.sampler().peakRssBytes(),
                chunks,
                bytes,
                dirBytes(video.resolve("audio")),
                timeline,
                m.sampler().meanSampleMillis(),
                ProcStat.seconds(m.foreignTicks()),
                waited,
                load,
                video.toString(),
                child == null ? Map.of() : child.info(),
                firstPlay);
    }

    /** Milliseconds to first play as seconds (-1 stays never, null stays not measured). */
    static Double seconds(Long firstPlayMillis) {
        return firstPlayMillis == null
                ? null
                : firstPlayMillis < 0 ? -1.0 : firstPlayMillis / 1000.0;
    }

    private Results.Batch runBatch(String mode, int rep, List<Path> clips, Ladder ladder, Path dir)
            throws Exception {
        Files.createDirectories(dir);
        List<BenchChild.Task> tasks = new ArrayList<>();
        FfmpegBinaries ff = FfmpegBinaries.get();
        for (Path c : clips) {
            String name = c.getFileName().toString().replaceFirst("\\.mp4$", "");
            MediaInfo info = MediaProbe.probe(c);
            Path out = dir.resolve("out").resolve(name);
            List<String> cmd =
                    mode.startsWith("cli")
                            ? CliBaseline.command(
                                    ff.ffmpeg(),
                                    c,
                                    info,
                                    ladder,
                                    out,
                                    CliBaseline.PlaylistType.ofMode(mode))
                            : null;
            tasks.add(
                    new BenchChild.Task(
                            name, c.toString(), out.toString(), info.videoDurationSeconds(), cmd));
        }
        String childMode = mode.startsWith("cli") ? "cli-batch" : mode;
        quiet();
        Path warmup = mode.startsWith("job-") ? clips.get(0) : null;
        ChildLauncher.Measured m = launchJava(childMode, tasks, dir, warmup, true);
        ChildResult child =
                BenchChild.JSON.readValue(dir.resolve("result.json").toFile(), ChildResult.class);
        BenchChild.JSON.writeValue(dir.resolve("processes.json").toFile(), m.sampler().members());
        double wall = child.opWallMillis() / 1000.0;
        List<ChildResult.Item> measured =
                child.items().stream().filter(i -> !i.name().startsWith("latency:")).toList();
        List<Double> lat = measured.stream().map(i -> i.latencyMillis() / 1000.0).toList();
        List<Double> lat2 =
                child.items().stream()
                        .filter(i -> i.seconds() < 2.5)
                        .filter(
                                i ->
                                        mode.startsWith("job-")
                                                ? i.name().startsWith("latency:")
                                                : true)
                        .map(i -> i.latencyMillis() / 1000.0)
                        .toList();
        if (!keepOutputs) {
            deleteTree(dir.resolve("out"));
        }
        return new Results.Batch(
                mode,
                rep,
                measured.size(),
                measured.stream().mapToDouble(ChildResult.Item::seconds).sum(),
                wall,
                measured.size() / (wall / 60.0),
                Stats.median(lat),
                Stats.max(lat),
                Stats.median(lat2),
                ProcStat.seconds(m.cpuTicks()),
                ProcStat.seconds(child.opCpuTicks()),
                m.sampler().peakRssBytes(),
                ProcStat.seconds(m.foreignTicks()),
                child.items(),
                child.info());
    }

    /**
     * The load run: {@code --load-count} upload events at once (the batch's clips, cycled, each
     * under an id of its own) into one warm pipeline, measured by the same child launch and tree
     * sampler as every other run, plus what the job's JVM watched over Flink's REST API.
     */
    private Results.Load runLoad(String mode, List<Path> clips, Path dir) throws Exception {
        Files.createDirectories(dir);
        List<BenchChild.Task> tasks = new ArrayList<>();
        Map<Path, Double> seconds = new java.util.HashMap<>();
        for (int i = 0; i < loadCount; i++) {
            Path c = clips.get(i % clips.size());
            double s =
                    seconds.computeIfAbsent(
                            c,
                            p -> {
                                try {
                                    return MediaProbe.probe(p).videoDurationSeconds();
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            String name = c.getFileName().toString().replaceFirst("\\.mp4$", "");
            String id = String.format(Locale.ROOT, "load%02d-%s", i + 1, name);
            tasks.add(new BenchChild.Task(id, c.toString(), null, s, null));
        }
        double waited = quiet();
        double load = MachineLoad.loadAverage1();
        List<String> extra = List.of("--settle-seconds", Integer.toString(loadSettleSeconds));
        ChildLauncher.Measured m = launchJava(mode, "load", tasks, dir, clips.get(0), false, extra);
        ChildResult child =
                BenchChild.JSON.readValue(dir.resolve("result.json").toFile(), ChildResult.class);
        BenchChild.JSON.writeValue(dir.resolve("processes.json").toFile(), m.sampler().members());
        if (!keepOutputs) {
            deleteTree(dir.resolve("work").resolve("pipeline").resolve("output"));
        }
        List<Double> lat =
                child.items().stream()
                        .filter(i -> i.latencyMillis() >= 0)
                        .map(i -> i.latencyMillis() / 1000.0)
                        .toList();
        // The child's clock starts at its operation; the sampler's at the launch (JVM start).
        List<TreeSampler.Point> rss =
                TreeSampler.perPeriod(m.sampler().series(), 1000).stream()
                        .map(
                                p ->
                                        new TreeSampler.Point(
                                                p.ms() - child.opStartMillis(),
                                                p.rssBytes(),
                                                p.rootRssBytes(),
                                                p.ffmpegRssBytes(),
                                                p.processes(),
                                                p.ffmpeg()))
                        .toList();
        double wall = child.opWallMillis() / 1000.0;
        Map<String, String> info = new LinkedHashMap<>(child.info());
        info.put("sampleMillis", Long.toString(sampleMs));
        return new Results.Load(
                mode,
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                command(),
                tasks.size(),
                (int) tasks.stream().map(BenchChild.Task::source).distinct().count(),
                tasks.stream().mapToDouble(BenchChild.Task::seconds).sum(),
                wall,
                tasks.size() / (wall / 60.0),
                Stats.median(lat),
                Stats.max(lat),
                ProcStat.seconds(m.cpuTicks()),
                ProcStat.seconds(child.opCpuTicks()),
                m.sampler().peakRssBytes(),
                m.sampler().series().stream()
                        .mapToLong(TreeSampler.Point::rootRssBytes)
                        .max()
                        .orElse(0),
                m.sampler().series().stream().mapToInt(TreeSampler.Point::ffmpeg).max().orElse(0),
                rss,
                ProcStat.seconds(m.foreignTicks()),
                load,
                waited,
                info,
                child.load());
    }

    private ChildLauncher.Measured launchJava(
            String mode, List<BenchChild.Task> tasks, Path dir, Path warmup, boolean concurrent)
            throws Exception {
        String childMode =
                mode.startsWith("media-")
                        ? "media"
                        : mode.startsWith("job-")
                                ? "job"
                                : mode.startsWith("cli") ? "cli-batch" : mode;
        return launchJava(mode, childMode, tasks, dir, warmup, concurrent, List.of());
    }

    private ChildLauncher.Measured launchJava(
            String mode,
            String childMode,
            List<BenchChild.Task> tasks,
            Path dir,
            Path warmup,
            boolean concurrent,
            List<String> extraArgs)
            throws Exception {
        Path tasksFile = dir.resolve("tasks.json");
        BenchChild.JSON.writeValue(tasksFile.toFile(), tasks);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + childHeap);
        cmd.addAll(ChildLauncher.ADD_OPENS);
        if (mode.startsWith("job-")) {
            cmd.addAll(ChildLauncher.LOCAL_MODE_JVM_FLAGS);
        }
        if (untilFirstPlay) {
            cmd.add("-D" + JobRunner.UNTIL_FIRST_PLAY_PROPERTY + "=true");
        }
        // Experiments with JVM flags (e.g. the JIT's share): BENCH_CHILD_JVM_OPTS="-XX:..."
        String extra = System.getenv("BENCH_CHILD_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(
                List.of("-cp", System.getProperty("java.class.path"), BenchChild.class.getName()));
        cmd.addAll(List.of("--mode", childMode, "--tasks", tasksFile.toString()));
        cmd.addAll(List.of("--result", dir.resolve("result.json").toString()));
        cmd.addAll(List.of("--work", dir.resolve("work").toString()));
        if (!childMode.equals("cli-batch")) {
            cmd.addAll(List.of("--threads", Integer.toString(slotsOf(mode))));
            cmd.addAll(List.of("--x264-threads", Integer.toString(x264ThreadsOf(mode))));
            if (chunkSeconds != null) {
                cmd.addAll(List.of("--chunk-seconds", Double.toString(chunkSeconds)));
            }
            boolean job = childMode.equals("job") || childMode.equals("load");
            if (jobCheckpointMillis != null && job) {
                cmd.addAll(List.of("--checkpoint-ms", Long.toString(jobCheckpointMillis)));
            }
            if (jobIdleSeconds > 0 && childMode.equals("job")) {
                cmd.addAll(List.of("--idle-seconds", Integer.toString(jobIdleSeconds)));
            }
        }
        if (warmup != null) {
            cmd.addAll(List.of("--warmup", warmup.toString()));
        }
        if (concurrent) {
            cmd.add("--concurrent");
        }
        cmd.addAll(extraArgs);
        ChildLauncher.Measured m =
                ChildLauncher.run(pin(mode, cmd), Map.of(), dir.resolve("log.txt"), sampleMs);
        m.requireSuccess(mode);
        return m;
    }

    private double quiet() throws InterruptedException {
        double waited = MachineLoad.waitQuiet(quietLevel, quietWait);
        if (waited > 5) {
            log(String.format(Locale.ROOT, "  waited %.0f s for the machine to quieten", waited));
        }
        return waited;
    }

    /**
     * Parallel encodes of a mode: media-tN and job-pN run N chunk encodes at once; the CLI is one
     * process using both cores.
     */
    static int slotsOf(String mode) {
        java.util.regex.Matcher m = MODE.matcher(mode);
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 2;
    }

    /**
     * x264 threads per rendition encode of a mode (suffix xM; x0: FFmpeg decides); without a
     * suffix, the product's default.
     */
    static int x264ThreadsOf(String mode) {
        java.util.regex.Matcher m = MODE.matcher(mode);
        return m.matches() && m.group(3) != null
                ? Integer.parseInt(m.group(3))
                : org.transcoder.media.encode.EncodeSpec.DEFAULT_THREADS_PER_ENCODE;
    }

    /**
     * cli | cli-event | media-tN[xM] | job-pN[xM], each optionally @cK: the run's whole process
     * tree pinned to the first K CPUs (taskset), a smaller machine for scaling runs. cli-event: the
     * CLI with EVENT playlists (published while it runs).
     */
    static final java.util.regex.Pattern MODE =
            java.util.regex.Pattern.compile(
                    "(cli(?:-event)?|media|job)(?:-[tp](\\d+)(?:x(\\d+))?)?(?:@c(\\d+))?");

    /** CPUs a mode is pinned to, 0: the whole machine. */
    static int cpusOf(String mode) {
        java.util.regex.Matcher m = MODE.matcher(mode);
        return m.matches() && m.group(4) != null ? Integer.parseInt(m.group(4)) : 0;
    }

    /** taskset prefix pinning a run to its CPUs (children inherit the affinity). */
    static List<String> pin(String mode, List<String> cmd) {
        int cpus = cpusOf(mode);
        if (cpus <= 0) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of("taskset", "-c", "0-" + (cpus - 1)));
        out.addAll(cmd);
        return out;
    }

    /** Where a run's renditions of the one video are (the job nests them under videos/{id}). */
    static Path videoDir(Path out) throws IOException {
        Path videos = out.resolve("videos");
        if (Files.isDirectory(videos)) {
            try (Stream<Path> s = Files.list(videos)) {
                return s.filter(Files::isDirectory).findFirst().orElse(out);
            }
        }
        return out;
    }

    static long dirBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private List<Results.ModeSummary> summarize(
            List<String> modes, List<Results.Run> runs, int seconds) {
        List<Results.ModeSummary> out = new ArrayList<>();
        Results.ModeSummary base = null;
        List<String> ordered = new ArrayList<>(modes);
        if (ordered.remove("cli")) {
            ordered.add(0, "cli");
        }
        for (String mode : ordered) {
            List<Results.Run> rs = runs.stream().filter(r -> r.mode().equals(mode)).toList();
            List<Double> wall = rs.stream().map(Results.Run::wallSeconds).toList();
            List<Double> cpu = rs.stream().map(Results.Run::cpuSeconds).toList();
            List<Double> opCpu = rs.stream().map(Results.Run::opCpuSeconds).toList();
            List<Double> rss = rs.stream().map(r -> r.peakRssBytes() / 1048576.0).toList();
            double wm = Stats.median(wall);
            double cm = Stats.median(cpu);
            double om = Stats.median(opCpu);
            Results.ModeSummary s =
                    new Results.ModeSummary(
                            mode,
                            rs.size(),
                            Stats.min(wall),
                            wm,
                            base == null ? 1.0 : wm / base.wallMedian(),
                            seconds / wm,
                            Stats.min(cpu),
                            cm,
                            base == null ? 1.0 : cm / base.cpuMedian(),
                            om,
                            base == null ? 1.0 : om / base.opCpuMedian(),
                            Stats.median(rss),
                            rs.get(0).rungBytes(),
                            firstPlayMedian(rs));
            if (mode.equals("cli")) {
                base = s;
            }
            out.add(s);
        }
        if (base == null && !modes.isEmpty()) {
            notes.add("No cli run: ratios are against nothing (1.0).");
        }
        return out;
    }

    /**
     * Median time to first play over the runs that could play; -1 when none could; null when no run
     * measured it.
     */
    static Double firstPlayMedian(List<Results.Run> runs) {
        List<Double> measured =
                runs.stream()
                        .map(Results.Run::firstPlaySeconds)
                        .filter(java.util.Objects::nonNull)
                        .toList();
        if (measured.isEmpty()) {
            return null;
        }
        List<Double> played = measured.stream().filter(v -> v >= 0).toList();
        return played.isEmpty() ? -1.0 : Stats.median(played);
    }

    private String command() {
        String c = System.getProperty("bench.command");
        return c != null ? c : "BenchMain " + String.join(" ", Arrays.asList(argv));
    }

    static void log(String msg) {
        System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + msg);
    }
}
