package org.transcoder.jobs.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.storage.FlinkFileSystems;
import org.transcoder.embedded.EmbeddedS3;

/**
 * flink-s3-fs-hadoop (S3A) on the embedded s3proxy sees a directory made with {@code mkdirs} as a
 * directory, as on S3. It used to see a 0-byte file (s3proxy's filesystem backend answered the key
 * without its slash), so restoring a savepoint from the embedded S3 failed with EOFException: Flink
 * read the savepoint directory itself as its metadata file. See EmbeddedS3.
 */
class EmbeddedS3DirectoriesTest {

    @TempDir Path dir;

    @Test
    void aSavepointDirectoryReadsBackAsADirectory() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir)) {
            withBucket(s3);
            org.apache.flink.core.fs.Path sp =
                    new org.apache.flink.core.fs.Path("s3://bucket/savepoints/savepoint-1");
            FileSystem fs = sp.getFileSystem();
            fs.mkdirs(sp);
            try (FSDataOutputStream out =
                    fs.create(
                            new org.apache.flink.core.fs.Path(sp, "_metadata"),
                            FileSystem.WriteMode.NO_OVERWRITE)) {
                out.write(new byte[35_000]);
            }
            assertThat(fs.getFileStatus(sp).isDir()).as("savepoint directory").isTrue();
            FileStatus md = fs.getFileStatus(new org.apache.flink.core.fs.Path(sp, "_metadata"));
            assertThat(md.isDir()).isFalse();
            assertThat(md.getLen()).isEqualTo(35_000);
        }
    }

    /** A TaskManager killed mid-upload leaves s3proxy's temporary file; listings still work. */
    @Test
    void anUploadCutOffByAKilledClientDoesNotBreakListings() throws Exception {
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir)) {
            withBucket(s3);
            org.transcoder.connectors.storage.ObjectStorage bucket =
                    org.transcoder.connectors.storage.ObjectStorage.of("s3://bucket");
            bucket.putString("videos/v/thumbnails/storyboard.vtt", "WEBVTT\n");
            // What s3proxy leaves of a PUT whose client died: its temporary file, no metadata.
            Path leftover =
                    dir.resolve(
                            "bucket/videos/v/thumbnails/poster.jpg-" + java.util.UUID.randomUUID());
            java.nio.file.Files.write(leftover, new byte[] {1, 2, 3});
            java.nio.file.Files.setLastModifiedTime(
                    leftover,
                    java.nio.file.attribute.FileTime.fromMillis(
                            System.currentTimeMillis() - 60_000));

            assertThat(bucket.list("videos/v/"))
                    .containsExactly("videos/v/thumbnails/storyboard.vtt");
            assertThat(leftover).doesNotExist();
        }
    }

    /**
     * A bucket on {@code s3} and Flink's S3 filesystem (the plugin, as a cluster loads it) on it.
     */
    private static void withBucket(EmbeddedS3 s3) throws Exception {
        s3.createBucket("bucket");
        Configuration conf = new Configuration();
        s3.settings().applyTo(conf);
        FlinkFileSystems.initialize(
                conf, Path.of(System.getenv().getOrDefault("FLINK_PLUGINS_DIR", "target/plugins")));
    }
}
