package org.transcoder.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root, set by the module's pom, so tests work from any working directory. */
final class Repo {

    private Repo() {}

    static Path root() {
        String root = System.getProperty("transcoder.root");
        Path path = root == null ? Path.of("..") : Path.of(root);
        path = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(path.resolve("helm/transcoder"))) {
            throw new IllegalStateException("Not the repository root: " + path);
        }
        return path;
    }
}
