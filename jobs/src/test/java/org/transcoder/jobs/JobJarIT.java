package org.transcoder.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production jar ({@code target/transcoder-job.jar}, what {@code flink run}, the Docker image
 * and the Helm chart ship) holds the job and its connectors only: no local mode, no embedded
 * services, no test code, no Flink runtime, and nothing that a Flink distribution already has or
 * that commonly clashes with it. Runs after {@code package} (Failsafe).
 */
class JobJarIT {

    private static final Path JAR = Path.of("target/transcoder-job.jar");
    private static final Path FLINK_PROVIDED = Path.of("target/flink-provided.classpath");

    private static Set<String> entries;
    private static List<String> classes;

    @BeforeAll
    static void readJar() throws IOException {
        assertThat(JAR).as("run `mvn -pl jobs -am package` first").isRegularFile();
        entries = names(JAR);
        classes =
                entries.stream()
                        .filter(n -> n.endsWith(".class"))
                        .filter(n -> !n.startsWith("META-INF/"))
                        .sorted()
                        .toList();
    }

    @Test
    void holdsTheJobItsConnectorsAndTheFfmpegBuild() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String main = jar.getManifest().getMainAttributes().getValue("Main-Class");
            assertThat(main).isEqualTo(TranscodeJobMain.class.getName());
        }
        assertThat(entries)
                .contains(
                        "org/transcoder/jobs/TranscodeJobMain.class",
                        "org/transcoder/operators/functions/EncodeChunk.class",
                        "org/transcoder/media/encode/FfmpegChunkEncoder.class",
                        "org/transcoder/connectors/metadata/MetadataSink.class",
                        "db/migration/V1__videos_and_renditions.sql",
                        "ladders/default.json",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/kafka/clients/producer/KafkaProducer.class",
                        "org/postgresql/Driver.class",
                        "redis/clients/jedis/Jedis.class",
                        "org/flywaydb/core/Flyway.class",
                        "META-INF/services/java.sql.Driver");
        assertThat(entries)
                .as("the FFmpeg executables for linux-x86_64 (GPL build, libx264)")
                .anyMatch(n -> n.matches("org/bytedeco/ffmpeg/linux-x86_64-gpl/ffmpeg"))
                .anyMatch(n -> n.matches("org/bytedeco/ffmpeg/linux-x86_64-gpl/ffprobe"));
    }

    @Test
    void carriesNoLocalModeEmbeddedServicesOrTestCode() {
        Pattern forbidden =
                Pattern.compile(
                        "org/transcoder/(embedded|local)/.*"
                                + "|org/transcoder/.*/testing/.*"
                                + "|org/transcoder/.*(Test|ITCase|IT)(\\$.*)?\\.class"
                                + "|org/junit/.*|org/assertj/.*|org/opentest4j/.*"
                                // the embedded services' own libraries (the Kafka broker, not
                                // its clients, which have org/apache/kafka/server/telemetry too)
                                + "|org/gaul/.*|io/zonky/.*|redis/embedded/.*|kafka/.*\\.class"
                                + "|org/apache/kafka/(server/config|metadata|raft|controller)/.*");
        assertThat(entries).noneMatch(n -> forbidden.matcher(n).matches());
        assertThat(entries)
                .noneMatch(n -> n.startsWith("META-INF/maven/org.transcoder/transcoder-embedded"))
                .noneMatch(n -> n.startsWith("META-INF/maven/org.transcoder/transcoder-local"));
    }

    @Test
    void carriesNoFlinkRuntimeOnlyTheKafkaConnector() throws IOException {
        Set<String> connector = names(onTestClasspath("flink-connector-kafka-"));
        List<String> flink =
                classes.stream().filter(n -> n.startsWith("org/apache/flink/")).toList();
        assertThat(flink).isNotEmpty();
        assertThat(flink).allMatch(connector::contains, "a class of flink-connector-kafka");
    }

    @Test
    void sharesNoClassWithTheFlinkDistribution() throws IOException {
        // Everything the jobs module declares provided: Flink's runtime, RocksDB backend, client,
        // web UI, connector base, and the logging Flink's lib/ carries.
        String classpath = Files.readString(FLINK_PROVIDED).trim();
        Set<String> provided = new HashSet<>();
        for (String jar : classpath.split(File.pathSeparator)) {
            names(Path.of(jar)).stream().filter(n -> n.endsWith(".class")).forEach(provided::add);
        }
        assertThat(provided).as("the provided classpath was read").hasSizeGreaterThan(10_000);
        assertThat(classes).noneMatch(provided::contains);
    }

    @Test
    void relocatesWhatClashesWithFlinkOrOtherJobs() {
        assertThat(entries)
                .as("Guava, Jackson, the AWS SDK, Hadoop, Scala, logging: unrelocated")
                .noneMatch(
                        n ->
                                n.matches(
                                        "(META-INF/versions/\\d+/)?("
                                                + "com/google/common/|com/fasterxml/jackson/"
                                                + "|software/amazon/awssdk/|com/amazonaws/"
                                                + "|org/apache/hadoop/|scala/"
                                                + "|org/slf4j/|org/apache/logging/|org/apache/log4j/"
                                                + "|org/apache/commons/lang3/).*"));
        assertThat(entries).contains("org/transcoder/shaded/jackson/databind/ObjectMapper.class");
    }

    private static Path onTestClasspath(String jarPrefix) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(p -> p.getFileName().toString().startsWith(jarPrefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError(jarPrefix + "*.jar not on the classpath"));
    }

    private static Set<String> names(Path jar) {
        if (!jar.toString().endsWith(".jar")) {
            return Set.of();
        }
        try (ZipFile z = new ZipFile(jar.toFile())) {
            Set<String> out = new HashSet<>();
            z.stream().map(ZipEntry::getName).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
