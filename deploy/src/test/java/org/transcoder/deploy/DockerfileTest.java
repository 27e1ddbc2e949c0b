package org.transcoder.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile without a Docker engine: every file it COPYs exists after {@code mvn package} and
 * is let through .dockerignore, and the jar holds what the image's build step and the chart's
 * {@code jarURI}/{@code entryClass} rely on. What only {@code docker build} can show (the base
 * image tag, apt, the natives unpacking) is not checked here.
 */
class DockerfileTest {

    private static final Path ROOT = Repo.root();

    /** Where the image unpacked FFmpeg; the chart's JVM options must point the job there. */
    static final String JAVACPP_CACHE_OPTIONS =
            "-Dorg.bytedeco.javacpp.cachedir=/opt/flink/javacpp-cache"
                    + " -Dorg.bytedeco.javacpp.cachedir.nosubdir=true";

    @Test
    void everyCopiedFileExistsAndIsInTheBuildContext() throws IOException {
        List<String> sources = copySources(Files.readAllLines(ROOT.resolve("Dockerfile")));
        assertThat(sources).contains("jobs/target/transcoder-job.jar");
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore"));
        for (String source : sources) {
            assertThat(ROOT.resolve(source))
                    .as("%s (run mvn package first)", source)
                    .isRegularFile();
            // .dockerignore excludes everything, then lets each needed file through.
            assertThat(ignore).as(".dockerignore lets %s through", source).contains("!" + source);
        }
    }

    @Test
    void imageLayoutMatchesTheChart() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile)
                .contains("ARG FLINK_IMAGE=flink:2.2-java17")
                .contains("/opt/flink/usrlib/transcoder-job.jar")
                .contains("/opt/flink/plugins/s3-fs-hadoop/")
                .contains("org.transcoder.jobs.PrepareNatives")
                .contains("/opt/flink/javacpp-cache");
        // FFmpeg's device libraries are stubbed when PrepareNatives unpacks it: no apt layer.
        assertThat(dockerfile).doesNotContain("apt-get");
        // Continuation lines joined, as Docker reads them.
        assertThat(dockerfile.replace("\\\n", " ").replaceAll("\\s+", " "))
                .contains(JAVACPP_CACHE_OPTIONS);
        String chart =
                Files.readString(ROOT.resolve("helm/transcoder/templates/flinkdeployment.yaml"));
        assertThat(chart)
                .contains("jarURI: local:///opt/flink/usrlib/transcoder-job.jar")
                .contains("entryClass: org.transcoder.jobs.TranscodeJobMain");
    }

    @Test
    void jarHoldsTheEntryPointsAndTheGplFfmpegButNoS3Plugin() throws IOException {
        try (ZipFile jar = new ZipFile(ROOT.resolve("jobs/target/transcoder-job.jar").toFile())) {
            assertThat(jar.getEntry("org/transcoder/jobs/TranscodeJobMain.class")).isNotNull();
            assertThat(jar.getEntry("org/transcoder/jobs/PrepareNatives.class")).isNotNull();
            assertThat(jar.stream().map(e -> e.getName()))
                    .anyMatch(n -> n.startsWith("org/bytedeco/ffmpeg/linux-x86_64-gpl/"))
                    // The S3 filesystem must stay a plugin: on the classpath it breaks Guava users.
                    .noneMatch(n -> n.startsWith("org/apache/flink/fs/s3hadoop/"));
        }
    }

    /** Sources of COPY/ADD instructions (not {@code --from} stages), joined continuation lines. */
    static List<String> copySources(List<String> lines) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                instructions.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        List<String> sources = new ArrayList<>();
        for (String instruction : instructions) {
            List<String> words = new ArrayList<>(Arrays.asList(instruction.split("\\s+")));
            String op = words.remove(0).toUpperCase();
            if (!op.equals("COPY") && !op.equals("ADD")) {
                continue;
            }
            if (words.stream().anyMatch(w -> w.startsWith("--from"))) {
                continue;
            }
            words.removeIf(w -> w.startsWith("--"));
            sources.addAll(words.subList(0, words.size() - 1));
        }
        return sources;
    }
}
