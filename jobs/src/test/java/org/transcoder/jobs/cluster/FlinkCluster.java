package org.transcoder.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.transcoder.embedded.FreePorts;

/**
 * A real Flink session cluster on this machine, for tests: one JobManager JVM and N TaskManager
 * JVMs, each a separate child process started exactly as Flink's scripts start them ({@code
 * StandaloneSessionClusterEntrypoint} / {@code TaskManagerRunner} with {@code --configDir}, the JVM
 * memory flags and dynamic properties computed by Flink's own memory utilities), and jobs submitted
 * as a jar through the REST API, as the web UI and {@code flink run} against a session cluster do.
 *
 * <p>What makes it a real cluster rather than a MiniCluster:
 *
 * <ul>
 *   <li>The processes' classpath is a Flink distribution's lib/: the jars the jobs module declares
 *       provided ({@link #flinkClasspath}), <b>without</b> the project's own classes or the
 *       libraries the job bundles: the user code comes only from the submitted shaded job jar
 *       ({@code jobs/target/transcoder-job.jar}), loaded by Flink's user-code class loader, so a
 *       class missing from the jar or a serialization bug shows up here as it would in production.
 *   <li>Every process has its own working directory under {@code dir/<name>/} (its {@code conf/}
 *       with {@code config.yaml} and {@code log4j.properties}, {@code flink.log}, {@code
 *       stdout.log}, {@code tmp/}), its own ports, and each TaskManager its own {@code
 *       taskmanager.resource-id} ({@code tm-0}, {@code tm-1}, ...). TaskManagers share no disk: put
 *       checkpoints, savepoints and job data on S3 (the embedded s3proxy), see below.
 *   <li>Killing a TaskManager is a SIGKILL of its JVM ({@link #killTaskManager}): no shutdown hook
 *       runs, the JobManager learns of it from lost connections and heartbeats (1 s interval, 5 s
 *       timeout here), and the job restarts from its last checkpoint on the remaining slots.
 * </ul>
 *
 * <p>Use:
 *
 * <pre>{@code
 * try (EmbeddedServices services = EmbeddedServices.start(dir.resolve("services"));
 *      FlinkCluster cluster = FlinkCluster.builder(dir.resolve("cluster"))
 *              .taskManagers(2).slotsPerTaskManager(2)
 *              .configure(services.s3().settings()::applyTo)      // s3.* keys for the S3 plugin
 *              .checkpointsUnder(services.storageRoot() + "/flink") // checkpoints + savepoints on S3
 *              .start()) {
 *     String job = cluster.submit("--kafka.bootstrap-servers", ..., "--storage.output-root", ...);
 *     cluster.awaitRunning(job, Duration.ofMinutes(2));
 *     cluster.killTaskManager(0);            // SIGKILL
 *     cluster.startTaskManager();            // tm-2
 *     long restarts = cluster.restarts(job);
 *     String savepoint = cluster.stopWithSavepoint(job, Duration.ofMinutes(2));
 *     String upgraded = cluster.submitFromSavepoint(savepoint, args...);
 * }
 * }</pre>
 *
 * <p>Defaults (change any with {@link Builder#configure}): RocksDB state, a checkpoint every
 * second, exponential-delay restarts (1 s initial backoff, 10 s max), slots spread evenly over
 * TaskManagers, parallelism 1 for operators that do not set their own, a 1 GiB JobManager and 1.6
 * GiB TaskManagers (processes), the C1 compiler and SerialGC only (this is a 2-core test machine).
 * The S3 plugin comes from {@code FLINK_PLUGINS_DIR} (surefire/failsafe set it to {@code
 * jobs/target/plugins}, where the build copies flink-s3-fs-hadoop). {@link #close} SIGKILLs every
 * process it started and their descendants (ffmpeg children included) and waits until they are
 * gone; a JVM shutdown hook does the same if the test JVM is stopped before {@code close} runs.
 * When a test fails, read {@code dir/jobmanager/flink.log} and {@code dir/tm-N/flink.log}.
 *
 * <p>Savepoints live on the embedded S3 too, as in production. Restoring one used to fail with
 * EOFException at the first readInt of its metadata: s3proxy's filesystem backend answered the
 * savepoint directory's key (without its slash) as a 0-byte object, so S3A took the directory for
 * an empty file and Flink read that as the metadata; EmbeddedS3 now answers 404 there, as S3 does.
 * Measured on the 2-core machine: cluster up in 14-23 s, a job running 12-20 s after submission
 * (the JobManager runs the jar's main, Flyway included).
 */
public final class FlinkCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    /** One JVM of the cluster. */
    public record Node(String name, Path dir, Process process) {
        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }
    }

    private final Path dir;
    private final Configuration base;
    private final int slotsPerTaskManager;
    private final Path jobJar;
    private final Path pluginsDir;
    private final Map<String, String> environment;
    private final List<String> classpath;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Node> taskManagers = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::killAll, "flink-cluster-reaper");
    private final int restPort;
    private Node jobManager;
    private String jarId;

    private FlinkCluster(Builder b) {
        this.dir = b.dir.toAbsolutePath();
        this.base = b.conf;
        this.slotsPerTaskManager = b.slots;
        this.jobJar = b.jobJar;
        this.pluginsDir = b.pluginsDir;
        this.environment = Map.copyOf(b.environment);
        this.classpath = flinkClasspath();
        this.restPort = FreePorts.next();
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Cluster settings; {@link #start} starts the JobManager and the TaskManagers. */
    public static final class Builder {
        private final Path dir;
        private final Configuration conf = new Configuration();
        private int taskManagers = 1;
        private int slots = 2;
        private Path jobJar = defaultJobJar();
        private Path pluginsDir = defaultPluginsDir();
        private final Map<String, String> environment = new java.util.TreeMap<>();

        private Builder(Path dir) {
            this.dir = dir;
            conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
            // As flink-conf/config.yaml: a checkpoint failed by a storage outage is retried, not
            // a restart of the job.
            conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 10);
            conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, Duration.ofMinutes(2));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                    Duration.ofSeconds(1));
            conf.set(
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                    Duration.ofSeconds(10));
            conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
            conf.set(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT, Duration.ofSeconds(5));
            conf.set(
                    TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE,
                    TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
            conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
            conf.set(JobManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("1024m"));
            conf.set(TaskManagerOptions.TOTAL_PROCESS_MEMORY, MemorySize.parse("1600m"));
            conf.set(TaskManagerOptions.MANAGED_MEMORY_FRACTION, 0.2f);
        }

        public Builder taskManagers(int n) {
            this.taskManagers = n;
            return this;
        }

        public Builder slotsPerTaskManager(int n) {
            this.slots = n;
            return this;
        }

        /** Any Flink option for every process (S3 settings, checkpointing, restarts...). */
        public Builder configure(Consumer<Configuration> change) {
            change.accept(conf);
            return this;
        }

        /** Checkpoints under {@code root/checkpoints}, savepoints under {@code root/savepoints}. */
        public Builder checkpointsUnder(String root) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, root + "/checkpoints");
            conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, root + "/savepoints");
            return this;
        }

        /** An environment variable of every JobManager and TaskManager process. */
        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder jobJar(Path jar) {
            this.jobJar = jar;
            return this;
        }

        public FlinkCluster start() throws Exception {
            FlinkCluster c = new FlinkCluster(this);
            try {
                c.startAll(taskManagers);
                return c;
            } catch (Exception | Error e) {
                c.close();
                throw e;
            }
        }
    }

    private void startAll(int tms) throws Exception {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Files.createDirectories(dir);
        Configuration jm = new Configuration(base);
        Path jmDir = dir.resolve("jobmanager");
        jm.set(JobManagerOptions.ADDRESS, "localhost");
        jm.set(JobManagerOptions.PORT, FreePorts.next());
        jm.set(JobManagerOptions.BIND_HOST, "localhost");
        jm.set(RestOptions.ADDRESS, "localhost");
        jm.set(RestOptions.BIND_ADDRESS, "localhost");
        jm.set(RestOptions.PORT, restPort);
        jm.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        jm.set(WebOptions.UPLOAD_DIR, jmDir.resolve("uploads").toString());
        jm.set(BlobServerOptions.STORAGE_DIRECTORY, jmDir.resolve("blobs").toString());
        jm.set(CoreOptions.TMP_DIRS, jmDir.resolve("tmp").toString());
        jm.set(ClusterOptions.PROCESS_WORKING_DIR_BASE, jmDir.resolve("work").toString());
        base.set(JobManagerOptions.ADDRESS, "localhost");
        base.set(JobManagerOptions.PORT, jm.get(JobManagerOptions.PORT));
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(jm);
        List<String> jvm = split(JobManagerProcessUtils.generateJvmParametersStr(spec, jm));
        List<String> dyn = split(JobManagerProcessUtils.generateDynamicConfigsStr(spec));
        jobManager =
                launch(
                        "jobmanager",
                        jm,
                        jvm,
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        dyn);
        awaitRest();
        for (int i = 0; i < tms; i++) {
            startTaskManager();
        }
        awaitTaskManagers(tms, START_TIMEOUT);
    }

    /** Starts one more TaskManager ({@code tm-<index>}); returns its index. */
    public synchronized int startTaskManager() throws IOException {
        int index = taskManagers.size();
        String name = "tm-" + index;
        Path tmDir = dir.resolve(name);
        Configuration tm = new Configuration(base);
        tm.set(TaskManagerOptions.TASK_MANAGER_RESOURCE_ID, name);
        tm.set(TaskManagerOptions.HOST, "localhost");
        tm.set(TaskManagerOptions.BIND_HOST, "localhost");
        tm.set(TaskManagerOptions.RPC_PORT, "0");
        tm.set(NettyShuffleEnvironmentOptions.DATA_PORT, 0);
        tm.set(TaskManagerOptions.NUM_TASK_SLOTS, slotsPerTaskManager);
        tm.set(CoreOptions.TMP_DIRS, tmDir.resolve("tmp").toString());
        tm.set(ClusterOptions.PROCESS_WORKING_DIR_BASE, tmDir.resolve("work").toString());
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(tm);
        List<String> jvm = split(ProcessMemoryUtils.generateJvmParametersStr(spec));
        List<String> dyn = split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec));
        taskManagers.add(
                launch(
                        name,
                        tm,
                        jvm,
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        dyn));
        return index;
    }

    /**
     * SIGKILLs TaskManager {@code index}'s JVM, as a crash or an OOM kill would: no shutdown hook
     * runs, and its native children get only what the kernel gives them (see NativeProcess's
     * parent-death signal). Returns the descendants it had just before the kill, so that a test can
     * check that they died with it; {@link #close} kills any that did not.
     */
    public synchronized List<ProcessHandle> killTaskManager(int index) throws InterruptedException {
        Node tm = taskManagers.get(index);
        List<ProcessHandle> children = tm.process().descendants().toList();
        tm.process().destroyForcibly();
        tm.process().waitFor();
        return children;
    }

    public synchronized Node taskManager(int index) {
        return taskManagers.get(index);
    }

    public synchronized List<Node> taskManagers() {
        return List.copyOf(taskManagers);
    }

    public Node jobManager() {
        return jobManager;
    }

    /** Native (non-JVM) descendants of TaskManager {@code index} whose command line contains s. */
    public List<ProcessHandle> nativeDescendants(int index, String argument) {
        Node tm = taskManager(index);
        return tm.process()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains(argument))
                .toList();
    }

    /** The command line of a live process ("" once it is gone). */
    public static String commandLine(ProcessHandle p) {
        ProcessHandle.Info info = p.info();
        return info.command().orElse("")
                + " "
                + String.join(" ", info.arguments().orElse(new String[0]));
    }

    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    // ---------------------------------------------------------------------------------------
    // Jobs, through Flink's own CLI

    /** What a {@code flink} command printed, and how it ended. */
    public record CliResult(int exitCode, String output) {
        /** The id in "Job has been submitted with JobID ..." (flink run). */
        public String jobId() {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("submitted with JobID ([0-9a-f]{32})")
                            .matcher(output);
            if (exitCode != 0 || !m.find()) {
                throw new IllegalStateException("flink run failed (" + exitCode + "):\n" + output);
            }
            return m.group(1);
        }
    }

    /**
     * Runs {@code bin/flink} with these arguments, as the script does: Flink's {@code CliFrontend}
     * in a JVM of its own with the distribution's lib/ only, {@code FLINK_CONF_DIR} pointing at a
     * client {@code conf/config.yaml} (this cluster's options plus its REST address, as an edited
     * flink-conf/config.yaml would have), {@code FLINK_PLUGINS_DIR} at the plugins. The working
     * directory is the repository root, so paths as the README writes them (jobs/target/...)
     * resolve. {@code env} adds environment variables (a password the job reads from one).
     */
    public CliResult flink(Map<String, String> env, List<String> args, Duration timeout)
            throws Exception {
        Path clientDir = dir.resolve("client");
        Path confDir = clientDir.resolve("conf");
        Files.createDirectories(confDir);
        Configuration client = new Configuration(base);
        client.set(RestOptions.ADDRESS, "localhost");
        client.set(RestOptions.PORT, restPort);
        Files.writeString(confDir.resolve("config.yaml"), yaml(client));
        Files.writeString(confDir.resolve("log4j-cli.properties"), LOG4J);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_OPTIONS);
        cmd.add("-Dlog.file=" + clientDir.resolve("flink-client.log"));
        cmd.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j-cli.properties").toUri());
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classpath));
        cmd.add("org.apache.flink.client.cli.CliFrontend");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(moduleDir().getParent().toFile());
        pb.environment().putAll(env);
        pb.environment().put("FLINK_CONF_DIR", confDir.toString());
        pb.environment().put("FLINK_PLUGINS_DIR", pluginsDir.toString());
        pb.redirectErrorStream(true);
        Path out = clientDir.resolve("stdout-" + System.nanoTime() + ".log");
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException(
                    "flink "
                            + args
                            + " still running after "
                            + timeout
                            + ":\n"
                            + Files.readString(out));
        }
        return new CliResult(p.exitValue(), Files.readString(out));
    }

    // ---------------------------------------------------------------------------------------
    // Jobs, through the REST API

    /** Uploads the job jar (once) and runs its main with these arguments; returns the job id. */
    public String submit(String... programArgs) throws Exception {
        return run(null, List.of(programArgs));
    }

    /** As {@link #submit}, restoring from a savepoint (state of every operator must map). */
    public String submitFromSavepoint(String savepointPath, String... programArgs)
            throws Exception {
        return run(savepointPath, List.of(programArgs));
    }

    private String run(String savepoint, List<String> args) throws Exception {
        String jar = uploadJar();
        ObjectNode body = JSON.createObjectNode();
        body.putPOJO("programArgsList", args);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
        }
        JsonNode r = post("/jars/" + jar + "/run", body);
        return r.path("jobid").asText();
    }

    private synchronized String uploadJar() throws Exception {
        if (jarId != null) {
            return jarId;
        }
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalStateException(
                    "No job jar at " + jobJar + ": run `mvn -pl jobs -am package` first");
        }
        String boundary = "----flink-cluster-" + System.nanoTime();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jobJar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest req =
                HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofByteArray(head),
                                        HttpRequest.BodyPublishers.ofFile(jobJar),
                                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                        .timeout(Duration.ofMinutes(2))
                        .build();
        JsonNode r = send(req);
        String file = r.path("filename").asText();
        jarId = file.substring(file.lastIndexOf('/') + 1);
        return jarId;
    }

    /** The job's state: RUNNING, RESTARTING, FINISHED, FAILED, ... */
    public String jobState(String jobId) throws Exception {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job and all its tasks run (after a submit or a restart). */
    public void awaitRunning(String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            JsonNode job = get("/jobs/" + jobId);
            last = job.path("state").asText();
            if (last.equals("FAILED") || last.equals("CANCELED") || last.equals("FINISHED")) {
                throw new IllegalStateException("Job " + jobId + " is " + last + exceptions(jobId));
            }
            boolean all = last.equals("RUNNING");
            for (JsonNode v : job.path("vertices")) {
                all &= v.path("status").asText().equals("RUNNING");
            }
            if (all) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "Job " + jobId + " not running within " + timeout + " (" + last + ")");
    }

    /**
     * How often the job restarted: the job's {@code numRestarts} metric on the JobManager, or, if
     * the metric is not (yet) fetched, the number of failures in the job's exception history.
     */
    public long restarts(String jobId) throws Exception {
        JsonNode m = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        long metric = m.isArray() && !m.isEmpty() ? m.get(0).path("value").asLong() : 0;
        JsonNode history =
                get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
        return Math.max(metric, history.size());
    }

    /** The job's exception history, as text (for assertion messages). */
    public String exceptions(String jobId) {
        try {
            return "\n" + get("/jobs/" + jobId + "/exceptions").toPrettyString();
        } catch (Exception e) {
            return " (exceptions unavailable: " + e + ")";
        }
    }

    /**
     * One line on where the jobs of the cluster stand, for the message of a test that waited in
     * vain: each job's state and checkpoints (completed, failed, in progress and since when, age of
     * the newest completed), and per process the threads caught in S3 or socket I/O. Thread dumps
     * of every process are written to {@code diagnosis-<n>/} in the cluster's directory.
     */
    public String diagnosis() {
        StringBuilder d = new StringBuilder();
        long now = System.currentTimeMillis();
        try {
            for (JsonNode j : get("/jobs").path("jobs")) {
                String id = j.path("id").asText();
                JsonNode c = get("/jobs/" + id + "/checkpoints");
                JsonNode counts = c.path("counts");
                d.append(" job ").append(id, 0, 8).append(' ').append(j.path("status").asText());
                d.append(", checkpoints ")
                        .append(counts.path("completed").asLong())
                        .append(" completed, ")
                        .append(counts.path("failed").asLong())
                        .append(" failed, ")
                        .append(counts.path("in_progress").asLong())
                        .append(" in progress");
                long latest =
                        c.path("latest").path("completed").path("latest_ack_timestamp").asLong();
                if (latest > 0) {
                    d.append(", newest completed ").append((now - latest) / 1000).append(" s ago");
                }
                for (JsonNode h : c.path("history")) {
                    if (h.path("status").asText().equals("IN_PROGRESS")) {
                        d.append(", #")
                                .append(h.path("id").asLong())
                                .append(" pending ")
                                .append((now - h.path("trigger_timestamp").asLong()) / 1000)
                                .append(" s (")
                                .append(h.path("num_acknowledged_subtasks").asLong())
                                .append('/')
                                .append(h.path("num_subtasks").asLong())
                                .append(" acked)");
                    }
                }
                d.append(';');
            }
        } catch (Exception e) {
            d.append(" REST unavailable: ").append(e).append(';');
        }
        Path dumps = dir.resolve("diagnosis-" + now);
        List<Node> nodes = new ArrayList<>();
        nodes.add(jobManager);
        nodes.addAll(taskManagers);
        for (Node n : nodes) {
            if (!n.isAlive()) {
                continue;
            }
            try {
                Files.createDirectories(dumps);
                Path file = dumps.resolve(n.name() + ".threads");
                Process p =
                        new ProcessBuilder(
                                        Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                                .toString(),
                                        Long.toString(n.pid()),
                                        "Thread.print")
                                .redirectErrorStream(true)
                                .redirectOutput(file.toFile())
                                .start();
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                d.append(' ').append(n.name()).append(": ").append(stuckIo(Files.readString(file)));
            } catch (Exception e) {
                d.append(' ').append(n.name()).append(": no thread dump (").append(e).append(')');
            }
        }
        return d.append(" [dumps in ").append(dumps).append(']').toString();
    }

    /** Threads of a thread dump whose stack is in S3 or socket I/O, by name, counted. */
    private static String stuckIo(String threadDump) {
        Map<String, Integer> found = new java.util.TreeMap<>();
        for (String thread : threadDump.split("\n\n")) {
            if (thread.contains("org.apache.hadoop.fs.s3a")
                    || thread.contains("SocketInputStream.read")
                    || thread.contains("NioSocketImpl.read")) {
                String name = thread.strip().split("\n")[0];
                name = name.replaceAll("^\"([^\"]*)\".*", "$1").replaceAll("[-#]?\\d+", "");
                found.merge(name, 1, Integer::sum);
            }
        }
        return found.isEmpty() ? "no thread in S3/socket I/O" : "in S3/socket I/O " + found;
    }

    /**
     * Sum over the subtasks of the vertex whose name contains {@code vertex} of the metric whose id
     * ends with {@code metric} (operator metrics are named {@code <operator>.<metric>}), e.g.
     * {@code metricSum(job, "Encode chunk", "chunksEncoded")}. Empty while the metric is not
     * reported yet. Metrics come from the TaskManagers every few seconds ({@code
     * metrics.fetcher.update-interval}, 10 s by default) and are gone with the job.
     */
    public Optional<Long> metricSum(String jobId, String vertex, String metric) throws Exception {
        return metric(jobId, vertex, metric, "sum").map(Double::longValue);
    }

    /** As {@link #metricSum}, the largest value over the subtasks (busyTimeMsPerSecond...). */
    public Optional<Double> metricMax(String jobId, String vertex, String metric) throws Exception {
        return metric(jobId, vertex, metric, "max");
    }

    private Optional<Double> metric(String jobId, String vertex, String metric, String agg)
            throws Exception {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (!v.path("name").asText().contains(vertex)) {
                continue;
            }
            String base = "/jobs/" + jobId + "/vertices/" + v.path("id").asText();
            for (JsonNode m : get(base + "/subtasks/metrics")) {
                String id = m.path("id").asText();
                if (id.equals(metric) || id.endsWith("." + metric)) {
                    JsonNode a = get(base + "/subtasks/metrics?agg=" + agg + "&get=" + id);
                    return Optional.of(a.get(0).path(agg).asDouble());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@code flink stop --savepointPath}: takes a savepoint, then stops the job (no drain: timers
     * and in-flight async work stay in the savepoint). Returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, Duration timeout) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (s.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode op = s.path("operation");
                if (op.has("failure-cause")) {
                    throw new IllegalStateException(
                            "stop-with-savepoint failed: " + op.path("failure-cause"));
                }
                return op.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("stop-with-savepoint did not complete in " + timeout);
    }

    /** Waits for a terminal job state (FINISHED after a stop-with-savepoint). */
    public String awaitTerminal(String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String s = jobState(jobId);
        while (!List.of("FINISHED", "FAILED", "CANCELED").contains(s)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Job " + jobId + " still " + s);
            }
            Thread.sleep(200);
            s = jobState(jobId);
        }
        return s;
    }

    public void cancel(String jobId) throws Exception {
        send(
                HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    /** Any GET of the REST API, e.g. {@code get("/taskmanagers")}. */
    public JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(restUrl() + path)).GET().build());
    }

    private JsonNode post(String path, JsonNode body) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(restUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .timeout(Duration.ofMinutes(2))
                        .build());
    }

    private JsonNode send(HttpRequest req) throws Exception {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(
                    req.method() + " " + req.uri() + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private void awaitRest() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException(
                        "JobManager exited: see " + jobManager.dir().resolve("flink.log"));
            }
            try {
                get("/overview");
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("JobManager REST not up", notYet);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Waits until {@code n} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (get("/taskmanagers").path("taskmanagers").size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        n + " TaskManagers not registered: " + get("/taskmanagers"));
            }
            Thread.sleep(250);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Processes

    private Node launch(
            String name, Configuration conf, List<String> jvm, String main, List<String> dyn)
            throws IOException {
        Path nodeDir = dir.resolve(name);
        Path confDir = nodeDir.resolve("conf");
        Files.createDirectories(confDir);
        Files.createDirectories(nodeDir.resolve("tmp"));
        Files.createDirectories(nodeDir.resolve("work"));
        Files.writeString(confDir.resolve("config.yaml"), yaml(conf));
        Files.writeString(confDir.resolve("log4j.properties"), LOG4J);
        List<String> args = new ArrayList<>();
        for (String opt : jvm) {
            if (!opt.startsWith("-Xms")) { // heap grows on demand: three people share this machine
                args.add(opt);
            }
        }
        args.addAll(JVM_OPTIONS);
        args.add("-Djava.io.tmpdir=" + nodeDir.resolve("tmp"));
        args.add("-Dlog.file=" + nodeDir.resolve("flink.log"));
        args.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        args.add("-cp");
        args.add(String.join(File.pathSeparator, classpath));
        args.add(main);
        args.add("--configDir");
        args.add(confDir.toString());
        args.addAll(dyn);
        // An argument file: the classpath is long, and the exact command stays there to rerun.
        Path argFile = nodeDir.resolve("java.args");
        Files.write(argFile, args.stream().map(FlinkCluster::quote).toList());
        ProcessBuilder pb =
                new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "@" + argFile);
        pb.directory(nodeDir.toFile());
        pb.environment().putAll(environment);
        pb.environment().put("FLINK_PLUGINS_DIR", pluginsDir.toString());
        pb.environment().put("FLINK_CONF_DIR", confDir.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(nodeDir.resolve("stdout.log").toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new Node(name, nodeDir, pb.start());
    }

    @Override
    public synchronized void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDown) {
            // the hook runs or ran
        }
    }

    /** SIGKILLs every process started here and all their descendants, and waits for them. */
    private void killAll() {
        List<ProcessHandle> all = new ArrayList<>();
        List<Node> nodes = new ArrayList<>(taskManagers);
        if (jobManager != null) {
            nodes.add(jobManager);
        }
        for (Node n : nodes) {
            all.addAll(n.process().descendants().toList());
            all.add(n.process().toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the caller's own checks, if it cares
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    /**
     * A Flink distribution's lib/: exactly what the jobs module declares {@code provided} (Flink's
     * runtime, client, web UI, RocksDB backend, connector base, Log4j), as the build wrote it to
     * {@code target/flink-provided.classpath}. Nothing of the project and none of the libraries the
     * job jar bundles (the Kafka connector and clients, PostgreSQL, Jedis, Flyway, Jackson, FFmpeg)
     * is on it, so a class missing from the jar fails here as it would on a real cluster.
     */
    static List<String> flinkClasspath() {
        Path file = moduleDir().resolve("target").resolve("flink-provided.classpath");
        try {
            return Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
                    .filter(e -> !e.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                    "No " + file + ": run `mvn -pl jobs -am package` first", e);
        }
    }

    private static Path defaultJobJar() {
        return moduleDir().resolve("target").resolve("transcoder-job.jar");
    }

    private static Path defaultPluginsDir() {
        String env = System.getenv("FLINK_PLUGINS_DIR");
        return env != null && !env.isBlank()
                ? Path.of(env)
                : moduleDir().resolve("target").resolve("plugins");
    }

    /** jobs/ (the working directory under Maven; found from the project root in an IDE). */
    private static Path moduleDir() {
        Path cwd = Path.of("").toAbsolutePath();
        return Files.isDirectory(cwd.resolve("jobs")) ? cwd.resolve("jobs") : cwd;
    }

    private static String yaml(Configuration conf) {
        StringBuilder b = new StringBuilder("# written by FlinkCluster\n");
        new TreeMap<>(conf.toMap())
                .forEach(
                        (k, v) ->
                                b.append(k)
                                        .append(": '")
                                        .append(v.replace("'", "''"))
                                        .append("'\n"));
        return b.toString();
    }

    private static List<String> split(String flags) {
        return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static String quote(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static final List<String> JVM_OPTIONS =
            List.of(
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:-UsePerfData",
                    "-Daws.java.v1.disableDeprecationAnnouncement=true",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED");

    /** INFO to the node's flink.log (Flink's own layout), the chatty libraries at WARN. */
    private static final String LOG4J =
            String.join(
                    "\n",
                    "monitorInterval = 0",
                    "rootLogger.level = INFO",
                    "rootLogger.appenderRef.file.ref = file",
                    "appender.file.type = File",
                    "appender.file.name = file",
                    "appender.file.fileName = ${sys:log.file}",
                    "appender.file.layout.type = PatternLayout",
                    "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                    "logger.kafka.name = org.apache.kafka",
                    "logger.kafka.level = WARN",
                    "logger.hadoop.name = org.apache.hadoop",
                    "logger.hadoop.level = WARN",
                    "logger.aws.name = com.amazonaws",
                    "logger.aws.level = WARN",
                    "logger.pekko.name = org.apache.pekko",
                    "logger.pekko.level = WARN",
                    "logger.netty.name = org.apache.flink.shaded.netty4",
                    "logger.netty.level = WARN",
                    "");
}
