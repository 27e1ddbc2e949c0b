package org.transcoder.media.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The real clips committed under {@code media/src/test/resources/fixtures}, with their MANIFEST.
 * Found through the system property {@code transcoder.fixtures} (set by surefire), else by
 * searching upward from the working directory, so that an IDE run finds them too.
 */
public final class Fixtures {

    public static final String PROPERTY = "transcoder.fixtures";
    public static final String MANIFEST = "MANIFEST.tsv";
    private static final Path RELATIVE = Path.of("media", "src", "test", "resources", "fixtures");

    private Fixtures() {}

    /** One row of MANIFEST.tsv. {@code durationSeconds} is empty when the manifest says "?". */
    public record ManifestRow(
            String file,
            String source,
            String licence,
            String description,
            String container,
            Optional<Double> durationSeconds,
            String streams,
            boolean decodeErrors) {

        public boolean hasVideo() {
            return streams.contains("V:");
        }

        public boolean hasAudio() {
            return streams.contains("A:");
        }
    }

    /** The fixtures directory; fails with a clear message when it cannot be found. */
    public static Path dir() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            if (Files.isRegularFile(p.resolve(MANIFEST))) {
                return p.toAbsolutePath();
            }
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(RELATIVE);
            if (Files.isRegularFile(candidate.resolve(MANIFEST))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "Fixtures not found: set -D"
                        + PROPERTY
                        + "=<dir> or run below the project root ("
                        + RELATIVE
                        + "; property was "
                        + prop
                        + ")");
    }

    /** The path of one clip; fails if it does not exist. */
    public static Path clip(String name) {
        Path p = dir().resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("No fixture named " + name + " in " + dir());
        }
        return p;
    }

    /** Every clip's file name (everything in the directory except the MANIFEST), sorted. */
    public static List<String> all() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(MANIFEST) && !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parsed MANIFEST.tsv rows (header skipped). */
    public static List<ManifestRow> manifest() {
        try {
            List<String> lines = Files.readAllLines(dir().resolve(MANIFEST));
            List<ManifestRow> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] c = line.split("\t", -1);
                if (c.length < 8) {
                    throw new IllegalStateException(
                            "MANIFEST row has " + c.length + " columns: " + line);
                }
                Optional<Double> duration =
                        c[5].matches("[0-9.]+")
                                ? Optional.of(Double.parseDouble(c[5]))
                                : Optional.empty();
                rows.add(
                        new ManifestRow(
                                c[0],
                                c[1],
                                c[2],
                                c[3],
                                c[4],
                                duration,
                                c[6],
                                c[7].trim().equals("yes")));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest row of one clip, if the manifest describes it. */
    public static Optional<ManifestRow> manifestRow(String name) {
        return manifest().stream().filter(r -> r.file().equals(name)).findFirst();
    }
}
