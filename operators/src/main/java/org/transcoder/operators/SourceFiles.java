package org.transcoder.operators;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.transcoder.connectors.events.SourceUri;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;

/**
 * Turns an upload's source URI into a local file the native tools can read: file:// sources are
 * read in place, s3:// sources are downloaded to scratch space. Only sources under the configured
 * roots and buckets ({@link SourceUri.Roots}) are touched at all; ParseUploads has refused every
 * other event already, and the check is repeated here, before any I/O, for tasks that were in
 * flight when the roots changed. A file:// source is then resolved (symlinks followed) and must
 * still lie under the real path of its root. Either way the native tools see a neutral name in
 * scratch space ({@link #NEUTRAL_NAME}): nothing of the uploader's file name or extension (.m3u8,
 * %03d patterns, concat:) reaches FFmpeg, whose demuxer is chosen by content.
 */
public final class SourceFiles {

    /** The name FFmpeg sees for every upload. */
    public static final String NEUTRAL_NAME = "source";

    /**
     * The one text for a source that does not exist, cannot be read, or leads out of its root
     * through a symlink: an event must not learn which (whether a path exists on the server).
     */
    static final String NOT_READABLE = "Source not found or not readable";

    private SourceFiles() {}

    /** A readable local copy (or the original), and whether it must be deleted after use. */
    public record LocalSource(Path path, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                path.toFile().delete();
            }
        }
    }

    public static LocalSource open(String sourceUri, SourceUri.Roots roots, Path scratch)
            throws MediaException {
        Optional<String> problem = roots.problem(sourceUri);
        if (problem.isPresent()) {
            throw new MediaException(ReasonCode.INVALID_EVENT, problem.get());
        }
        URI uri = URI.create(sourceUri);
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            Path real = realFileUnderRoot(Path.of(uri), roots.asList());
            try {
                // A link, not a copy: the upload may be gigabytes; closing removes the link only.
                Files.createDirectories(scratch);
                Path link = scratch.resolve(NEUTRAL_NAME);
                Files.deleteIfExists(link);
                return new LocalSource(Files.createSymbolicLink(link, real), true);
            } catch (IOException e) {
                throw new MediaException(
                        ReasonCode.INTERNAL_ERROR, "Cannot link the source into scratch space", e);
            }
        }
        String bucket = uri.getHost();
        String key = uri.getPath().replaceFirst("^/", "");
        ObjectStorage bucketStorage = ObjectStorage.of("s3://" + bucket);
        try {
            if (!bucketStorage.exists(key)) {
                throw new MediaException(ReasonCode.SOURCE_MISSING, NOT_READABLE);
            }
            Files.createDirectories(scratch);
            Path local = scratch.resolve(NEUTRAL_NAME);
            bucketStorage.download(key, local);
            return new LocalSource(local, true);
        } catch (IOException | RuntimeException e) {
            throw new MediaException(
                    ReasonCode.STORAGE_ERROR,
                    "Cannot download " + sourceUri + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * The file's real path (symlinks resolved), if it is a readable regular file under the real
     * path of one of the file:// roots; else SOURCE_MISSING with {@link #NOT_READABLE}, whatever
     * the cause.
     */
    private static Path realFileUnderRoot(Path file, List<String> roots) throws MediaException {
        try {
            Path real = file.toRealPath();
            for (String root : roots) {
                if (!root.regionMatches(true, 0, "file:", 0, 5)) {
                    continue;
                }
                Path realRoot = Path.of(URI.create(root)).toRealPath();
                if (real.startsWith(realRoot) && !real.equals(realRoot)) {
                    if (Files.isRegularFile(real)) {
                        // Opening proves it readable (isReadable is always true for root).
                        try (FileChannel ignored = FileChannel.open(real)) {
                            return real;
                        }
                    }
                }
            }
        } catch (IOException | SecurityException e) {
            // Missing, unreadable, a dangling link, a root that does not exist: all alike.
        }
        throw new MediaException(ReasonCode.SOURCE_MISSING, NOT_READABLE);
    }
}
