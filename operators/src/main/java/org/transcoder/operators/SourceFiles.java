package org.transcoder.operators;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;

/**
 * Turns an upload's source URI into a local file the native tools can read: file:// sources are
 * read in place (only under the configured roots, so an event cannot make the job read
 * /etc/passwd), s3:// sources are downloaded to scratch space. Either way the native tools see a
 * neutral name in scratch space ({@link #NEUTRAL_NAME}): nothing of the uploader's file name or
 * extension (.m3u8, %03d patterns, concat:) reaches FFmpeg, whose demuxer is chosen by content.
 */
public final class SourceFiles {

    /** The name FFmpeg sees for every upload. */
    public static final String NEUTRAL_NAME = "source";

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

    public static LocalSource open(String sourceUri, List<String> allowedRoots, Path scratch)
            throws MediaException {
        URI uri;
        try {
            uri = URI.create(sourceUri);
        } catch (IllegalArgumentException e) {
            throw new MediaException(
                    ReasonCode.INVALID_EVENT, "Source URI is not a URI: " + sourceUri);
        }
        if ("file".equals(uri.getScheme())) {
            Path p;
            try {
                p = Path.of(uri).normalize();
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
                throw new MediaException(
                        ReasonCode.INVALID_EVENT,
                        "Source URI is not a local file path: " + sourceUri);
            }
            boolean allowed =
                    allowedRoots.stream()
                            .filter(r -> r.startsWith("file:"))
                            .map(r -> Path.of(URI.create(r)).normalize())
                            .anyMatch(p::startsWith);
            if (!allowed) {
                throw new MediaException(
                        ReasonCode.INVALID_EVENT,
                        "Source "
                                + sourceUri
                                + " is outside the allowed source roots "
                                + allowedRoots);
            }
            if (!Files.isRegularFile(p)) {
                throw new MediaException(
                        ReasonCode.SOURCE_MISSING, "Source does not exist: " + sourceUri);
            }
            try {
                // A link, not a copy: the upload may be gigabytes; closing removes the link only.
                Files.createDirectories(scratch);
                Path link = scratch.resolve(NEUTRAL_NAME);
                Files.deleteIfExists(link);
                return new LocalSource(Files.createSymbolicLink(link, p), true);
            } catch (IOException e) {
                throw new MediaException(
                        ReasonCode.INTERNAL_ERROR, "Cannot link the source into scratch space", e);
            }
        }
        if ("s3".equals(uri.getScheme())) {
            String bucket = uri.getHost();
            String key = uri.getPath().replaceFirst("^/", "");
            ObjectStorage bucketStorage = ObjectStorage.of("s3://" + bucket);
            try {
                if (!bucketStorage.exists(key)) {
                    throw new MediaException(
                            ReasonCode.SOURCE_MISSING, "Source does not exist: " + sourceUri);
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
        throw new MediaException(
                ReasonCode.INVALID_EVENT, "Unsupported source scheme: " + sourceUri);
    }
}
