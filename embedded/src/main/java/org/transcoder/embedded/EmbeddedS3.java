package org.transcoder.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.storage.S3Settings;

/**
 * A real S3 endpoint (s3proxy) inside this JVM on a loopback port, backed by a local directory
 * (objects visible as plain files) or by memory, with fixed credentials.
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    public static final String ACCESS_KEY = "transcoder";
    public static final String SECRET_KEY = "transcoder-secret";

    private final BlobStoreContext context;
    private final String endpoint;
    private final String provider;
    private final Path dataDir;
    private S3Proxy proxy;

    private EmbeddedS3(BlobStoreContext context, String endpoint, String provider, Path dataDir) {
        this.context = context;
        this.endpoint = endpoint;
        this.provider = provider;
        this.dataDir = dataDir;
    }

    /** Objects are stored as files under {@code dataDir} (bucket = sub-directory). */
    public static EmbeddedS3 start(Path dataDir) {
        return start(dataDir, FreePorts.next());
    }

    /**
     * Objects are stored as files under {@code dataDir}, so they outlive this process: a later
     * start on the same directory serves them again.
     */
    public static EmbeddedS3 start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
        return start("filesystem-nio2", props, port, dataDir.toAbsolutePath());
    }

    /** Objects live in memory and vanish on close. */
    public static EmbeddedS3 inMemory() {
        return start("transient-nio2", new Properties(), FreePorts.next(), null);
    }

    private static EmbeddedS3 start(String provider, Properties props, int port, Path dataDir) {
        BlobStoreContext context =
                ContextBuilder.newBuilder(provider)
                        .credentials("identity", "credential")
                        .overrides(props)
                        .buildView(BlobStoreContext.class);
        EmbeddedS3 s3 = new EmbeddedS3(context, "http://127.0.0.1:" + port, provider, dataDir);
        try {
            s3.restart();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        return s3;
    }

    /**
     * Serves again after {@link #stop()}, on the same port with the same objects (for tests of an
     * outage); a no-op while it serves.
     */
    public synchronized void restart() {
        if (proxy != null) {
            return;
        }
        S3Proxy p =
                S3Proxy.builder()
                        .blobStore(
                                dataDir == null
                                        ? context.getBlobStore()
                                        : new DirectoriesAreNoObjects(
                                                context.getBlobStore(), dataDir))
                        .endpoint(URI.create(endpoint))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .ignoreUnknownHeaders(true)
                        .jettyMaxThreads(32)
                        .build();
        try {
            p.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!p.getState().equals("STARTED")) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("s3proxy state " + p.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            try {
                p.stop();
            } catch (Exception ignored) {
                // it did not start
            }
            throw new IllegalStateException("cannot start s3proxy on " + endpoint, e);
        }
        proxy = p;
        LOG.info("Embedded S3 ({}) up on {}", provider, endpoint);
    }

    /** Stops serving (connections are refused) and keeps the objects. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("s3proxy did not stop cleanly", e);
        } finally {
            proxy = null;
        }
    }

    /** e.g. http://127.0.0.1:40123 */
    public String endpoint() {
        return endpoint;
    }

    /** Creates the bucket if it does not exist. */
    public void createBucket(String name) {
        BlobStore store = context.getBlobStore();
        if (!store.containerExists(name)) {
            store.createContainerInLocation(null, name);
        }
    }

    /** Endpoint and credentials for the Flink S3 filesystem (path-style: no DNS for buckets). */
    public S3Settings settings() {
        return new S3Settings(endpoint, ACCESS_KEY, SECRET_KEY, true);
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            context.close();
        }
    }

    /**
     * s3proxy's filesystem backend keeps a directory marker ({@code key/}, what S3A's {@code
     * mkdirs} writes) as a directory on disk, and then answers a HEAD or GET of {@code key}
     * <em>without</em> the slash with that directory, as a 0-byte object. Real S3 answers 404
     * there. S3A probes {@code key} first, so it took every directory made with {@code mkdirs} for
     * an empty file: Flink resolved a savepoint directory as a 0-byte metadata file and failed its
     * restore with EOFException at the first readInt (the {@code _metadata} inside was complete).
     * This view answers a key without the slash that names a directory as missing, as S3 does;
     * {@code key/} and every real object are served unchanged.
     */
    private static final class DirectoriesAreNoObjects
            extends org.jclouds.blobstore.util.ForwardingBlobStore {
        private final Path root;

        DirectoriesAreNoObjects(BlobStore delegate, Path root) {
            super(delegate);
            this.root = root;
        }

        private boolean directoryWithoutSlash(String container, String name) {
            if (name == null || name.isEmpty() || name.endsWith("/")) {
                return false;
            }
            Path p = root.resolve(container).resolve(name).normalize();
            return p.startsWith(root) && Files.isDirectory(p);
        }

        @Override
        public org.jclouds.blobstore.domain.BlobMetadata blobMetadata(
                String container, String name) {
            return directoryWithoutSlash(container, name)
                    ? null
                    : super.blobMetadata(container, name);
        }

        @Override
        public org.jclouds.blobstore.domain.Blob getBlob(String container, String name) {
            return directoryWithoutSlash(container, name) ? null : super.getBlob(container, name);
        }

        @Override
        public org.jclouds.blobstore.domain.Blob getBlob(
                String container, String name, org.jclouds.blobstore.options.GetOptions options) {
            return directoryWithoutSlash(container, name)
                    ? null
                    : super.getBlob(container, name, options);
        }

        @Override
        public boolean blobExists(String container, String name) {
            return !directoryWithoutSlash(container, name) && super.blobExists(container, name);
        }

        /**
         * s3proxy's filesystem backend writes an upload to a temporary file beside its key ({@code
         * key-<uuid>}) and renames it when complete. A client killed mid-upload (a TaskManager
         * SIGKILLed while it wrote a poster) leaves that file behind without its metadata, and from
         * then on every listing of its directory fails (500). Real S3 simply discards an unfinished
         * PUT. So a listing that trips over such a file waits for it to complete or go and, once it
         * is older than any live upload could be, deletes it and lists again.
         */
        @Override
        public org.jclouds.blobstore.domain.PageSet<
                        ? extends org.jclouds.blobstore.domain.StorageMetadata>
                list(String container, org.jclouds.blobstore.options.ListContainerOptions options) {
            for (int attempt = 0; ; attempt++) {
                try {
                    return super.list(container, options);
                } catch (RuntimeException e) {
                    Path leftover = unfinishedUpload(e);
                    if (leftover == null || attempt >= 100) {
                        throw e;
                    }
                    try {
                        long age =
                                System.currentTimeMillis()
                                        - Files.getLastModifiedTime(leftover).toMillis();
                        if (age > ABANDONED_UPLOAD_MILLIS) {
                            LOG.warn("Deleting an abandoned upload's temporary file {}", leftover);
                            Files.deleteIfExists(leftover);
                        } else {
                            Thread.sleep(200);
                        }
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // completed or removed meanwhile: list again
                    } catch (java.io.IOException io) {
                        throw e;
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        /** The temporary file of an upload that a listing failed on, or null. */
        private Path unfinishedUpload(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.nio.file.FileSystemException fs && fs.getFile() != null) {
                    Path p = Path.of(fs.getFile()).normalize();
                    boolean temporary =
                            UPLOAD_TEMP_NAME.matcher(p.getFileName().toString()).matches();
                    return temporary && p.startsWith(root) ? p : null;
                }
            }
            return null;
        }
    }

    /** s3proxy's temporary upload file: the key's name, a dash and a random UUID. */
    private static final java.util.regex.Pattern UPLOAD_TEMP_NAME =
            java.util.regex.Pattern.compile(
                    ".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Longer than any upload of this project takes (segments and chunks of a few MB). */
    private static final long ABANDONED_UPLOAD_MILLIS = 10_000;
}
