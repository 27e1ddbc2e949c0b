package org.transcoder.jobs.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A ClusterIT's working directory, {@code target/cluster-it/<test class>/}: emptied when the test
 * starts and kept afterwards, so that the processes' logs ({@code cluster/jobmanager/flink.log},
 * {@code cluster/tm-N/flink.log}) can be read after a failure.
 */
final class ClusterDirs {

    private ClusterDirs() {}

    static Path fresh(Class<?> test) throws IOException {
        Path dir = Path.of("target", "cluster-it", test.getSimpleName()).toAbsolutePath();
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return Files.createDirectories(dir);
    }
}
