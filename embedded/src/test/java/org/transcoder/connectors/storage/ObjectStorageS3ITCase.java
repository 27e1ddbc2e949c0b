package org.transcoder.connectors.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.embedded.EmbeddedS3;

/**
 * {@link ObjectStorage} on {@code s3://} against a real S3 endpoint (s3proxy), through the real
 * flink-s3-fs-hadoop plugin loaded from target/plugins (the build copies it there).
 */
class ObjectStorageS3ITCase extends ObjectStorageContract {

    private static EmbeddedS3 s3;

    @BeforeAll
    static void startS3(@TempDir Path dir) {
        s3 = EmbeddedS3.start(dir);
        s3.createBucket("it-bucket");
        Configuration conf = new Configuration();
        s3.settings().applyTo(conf);
        FlinkFileSystems.initialize(conf, Path.of("target/plugins"));
    }

    @AfterAll
    static void stopS3() {
        FileSystem.initialize(new Configuration(), null);
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    ObjectStorage storage() {
        return new ObjectStorage("s3://it-bucket/t-" + UUID.randomUUID());
    }

    @Test
    void theS3FilesystemComesFromThePlugin() throws Exception {
        ObjectStorage s = storage();
        s.putString("probe.txt", "hi");
        FileSystem fs = FileSystem.get(java.net.URI.create(s.uri("probe.txt")));
        // Plugin filesystems come wrapped so that calls run in the plugin's class loader...
        assertThat(fs.getClass().getName()).contains("ClassLoaderFixingFileSystem");
        // ...and the S3 classes are not on the test class path at all (see DESIGN pitfalls).
        assertThatThrownBy(() -> Class.forName("org.apache.flink.fs.s3hadoop.S3FileSystemFactory"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void bucketRootWorks() {
        ObjectStorage s = new ObjectStorage("s3://it-bucket");
        s.putString("root-" + UUID.randomUUID() + "/k.txt", "v");
        assertThat(s.list("")).anyMatch(k -> k.endsWith("/k.txt"));
    }
}
