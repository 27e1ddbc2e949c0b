package org.transcoder.connectors.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.Preconditions;

/**
 * Whole objects under one root ({@code file:///dir} or {@code s3://bucket[/prefix]}), written and
 * read through Flink's {@link FileSystem}, so the same code runs on a laptop and on a cluster.
 * Holds only the root URI: cheap to serialize into operators. Writes are whole-object: on S3 an
 * object appears when its upload completes; on a local disk a hidden temp file is renamed into
 * place. Overwriting a key with the same bytes is idempotent, which is what makes retried tasks
 * safe. Failures surface as {@link UncheckedIOException}.
 */
public final class ObjectStorage implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Marks in-flight local temp files: {@code .name.tmp-uuid}; never listed. */
    private static final String TMP_MARK = ".tmp-";

    private final String root;
    private transient FileSystem fs;

    /**
     * @param rootUri e.g. {@code file:///tmp/out} or {@code s3://transcoder}; a bare absolute path
     *     means file://.
     */
    public ObjectStorage(String rootUri) {
        Preconditions.checkArgument(
                rootUri != null && !rootUri.isBlank(), "storage root URI must not be blank");
        String r = rootUri.trim();
        if (r.startsWith("/")) {
            r = "file://" + r;
        }
        while (r.endsWith("/") && !r.endsWith("://")) {
            r = r.substring(0, r.length() - 1);
        }
        URI uri = URI.create(r);
        Preconditions.checkArgument(
                uri.getScheme() != null,
                "storage root must be a URI like file:///dir or s3://bucket, got '%s'",
                rootUri);
        Preconditions.checkArgument(
                !uri.getScheme().equals("file")
                        || (uri.getPath() != null && uri.getPath().startsWith("/")),
                "file storage root must be absolute (file:///dir), got '%s'",
                rootUri);
        this.root = r;
    }

    public static ObjectStorage of(String rootUri) {
        return new ObjectStorage(rootUri);
    }

    public String root() {
        return root;
    }

    public boolean isLocal() {
        return root.startsWith("file:");
    }

    /** The full URI of {@code key}: root + "/" + key. */
    public String uri(String key) {
        return root + "/" + ObjectKeys.check(key);
    }

    public void put(String key, java.nio.file.Path localFile) {
        Preconditions.checkArgument(
                Files.isRegularFile(localFile), "not a regular file: %s", localFile);
        write(key, out -> Files.copy(localFile, out));
    }

    /**
     * Stores {@code localFile} under {@code key} and removes it: on a local root a rename where it
     * lies on the same file system (a staged chunk of a long upload is hundreds of megabytes, and
     * copying it costs the CPU that the first chunk's encode needs), else a copy or an upload.
     */
    public void moveIn(String key, java.nio.file.Path localFile) {
        if (isLocal()) {
            java.nio.file.Path target = java.nio.file.Path.of(URI.create(uri(key)));
            try {
                Files.createDirectories(target.getParent());
                Files.move(
                        localFile,
                        target,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (AtomicMoveNotSupportedException e) {
                // Another file system: copied below.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move " + localFile + " to " + target, e);
            }
        }
        put(key, localFile);
        try {
            Files.deleteIfExists(localFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + localFile, e);
        }
    }

    public void put(String key, InputStream in) {
        write(key, in::transferTo);
    }

    public void putBytes(String key, byte[] bytes) {
        write(key, out -> out.write(bytes));
    }

    public void putString(String key, String utf8) {
        putBytes(key, utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes what {@code writer} writes as one whole object. */
    public void write(String key, ObjectWriter writer) {
        Path target = new Path(uri(key));
        try {
            if (isLocal()) {
                writeLocal(target, writer);
            } else {
                try (FSDataOutputStream out = fs().create(target, FileSystem.WriteMode.OVERWRITE)) {
                    writer.writeTo(out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private void writeLocal(Path target, ObjectWriter writer) throws IOException {
        Path tmp =
                new Path(target.getParent(), "." + target.getName() + TMP_MARK + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs().create(tmp, FileSystem.WriteMode.NO_OVERWRITE)) {
                writer.writeTo(out);
            }
            if (!fs().rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } finally {
            fs().delete(tmp, false);
        }
    }

    /** Copies the object to {@code localTarget} (replaced whole; parent directories created). */
    public void download(String key, java.nio.file.Path localTarget) {
        java.nio.file.Path abs = localTarget.toAbsolutePath();
        java.nio.file.Path tmp =
                abs.resolveSibling("." + abs.getFileName() + TMP_MARK + UUID.randomUUID());
        try {
            Files.createDirectories(abs.getParent());
            try (InputStream in = open(key)) {
                Files.copy(in, tmp);
            }
            Files.move(
                    tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download " + uri(key) + " to " + localTarget, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a stray temp file is harmless
            }
        }
    }

    /** Opens the object for reading; the caller closes the stream. */
    public InputStream open(String key) throws IOException {
        FSDataInputStream in = fs().open(new Path(uri(key)));
        return in;
    }

    public byte[] readBytes(String key) {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + uri(key), e);
        }
    }

    public String readString(String key) {
        return new String(readBytes(key), StandardCharsets.UTF_8);
    }

    public boolean exists(String key) {
        try {
            FileStatus status = fs().getFileStatus(new Path(uri(key)));
            return !status.isDir();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + uri(key), e);
        }
    }

    /** The object's size in bytes; throws if it does not exist. */
    public long size(String key) {
        try {
            return fs().getFileStatus(new Path(uri(key))).getLen();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + uri(key), e);
        }
    }

    /**
     * All object keys under {@code prefix} ("" = everything), recursively, relative to the root,
     * sorted.
     */
    public List<String> list(String prefix) {
        String p = ObjectKeys.checkPrefix(prefix);
        Path start = p.isEmpty() ? new Path(root + "/") : new Path(root + "/" + p);
        String rootPath = stripSlash(new Path(root + "/").toUri().getPath());
        List<String> keys = new ArrayList<>();
        try {
            walk(start, rootPath, keys);
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + start, e);
        }
        keys.sort(null);
        return keys;
    }

    private void walk(Path dir, String rootPath, List<String> keys) throws IOException {
        FileStatus[] children = fs().listStatus(dir);
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            if (child.getPath().toUri().getPath().equals(dir.toUri().getPath())) {
                continue; // S3 directory markers can list as the directory itself
            }
            if (child.isDir()) {
                walk(child.getPath(), rootPath, keys);
            } else if (!child.getPath().getName().contains(TMP_MARK)) {
                String path = child.getPath().toUri().getPath();
                keys.add(path.substring(rootPath.length() + 1));
            }
        }
    }

    /** Deletes every object under {@code prefix} (a key or a "directory"); absent is fine. */
    public void deleteRecursively(String prefix) {
        String p = ObjectKeys.checkPrefix(prefix);
        Preconditions.checkArgument(!p.isEmpty(), "refusing to delete the whole storage root");
        Path path = new Path(root + "/" + p);
        try {
            fs().delete(path, true);
        } catch (FileNotFoundException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private FileSystem fs() throws IOException {
        if (fs == null) {
            fs = FileSystem.get(URI.create(root + "/"));
        }
        return fs;
    }

    @Override
    public String toString() {
        return "ObjectStorage{" + root + "}";
    }

    /** Writes one object's bytes to the stream it is given. */
    @FunctionalInterface
    public interface ObjectWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
