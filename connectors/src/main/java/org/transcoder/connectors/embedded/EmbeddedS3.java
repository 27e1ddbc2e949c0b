package org.transcoder.connectors.embedded;

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
 * A real S3 endpoint (s3proxy) inside this JVM on a free loopback port, backed by a local directory
 * (objects visible as plain files) or by memory, with fixed credentials.
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    public static final String ACCESS_KEY = "transcoder";
    public static final String SECRET_KEY = "transcoder-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String endpoint;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, String endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
    }

    /** Objects are stored as files under {@code dataDir} (bucket = sub-directory). */
    public static EmbeddedS3 start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir, e);
        }
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
        return start("filesystem-nio2", props);
    }

    /** Objects live in memory and vanish on close. */
    public static EmbeddedS3 inMemory() {
        return start("transient-nio2", new Properties());
    }

    private static EmbeddedS3 start(String provider, Properties props) {
        BlobStoreContext context =
                ContextBuilder.newBuilder(provider)
                        .credentials("identity", "credential")
                        .overrides(props)
                        .buildView(BlobStoreContext.class);
        String endpoint = "http://127.0.0.1:" + FreePorts.next();
        S3Proxy proxy =
                S3Proxy.builder()
                        .blobStore(context.getBlobStore())
                        .endpoint(URI.create(endpoint))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .ignoreUnknownHeaders(true)
                        .jettyMaxThreads(32)
                        .build();
        try {
            proxy.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!proxy.getState().equals("STARTED")) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("s3proxy state " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            context.close();
            throw new IllegalStateException("cannot start s3proxy on " + endpoint, e);
        }
        LOG.info("Embedded S3 ({}) up on {}", provider, endpoint);
        return new EmbeddedS3(proxy, context, endpoint);
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
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("s3proxy did not stop cleanly", e);
        } finally {
            context.close();
        }
    }
}
