package org.transcoder.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Scratch space on local disk: staging, encoder work dirs, task scratch. */
public final class LocalFiles {

    private LocalFiles() {}

    /**
     * Deletes a directory tree, best effort: scratch space that cannot be removed now is swept with
     * the machine's temp dir, and must never fail the task that used it.
     */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort, see above
        }
    }
}
