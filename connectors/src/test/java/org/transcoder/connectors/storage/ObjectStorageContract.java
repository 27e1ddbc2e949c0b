package org.transcoder.connectors.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every {@link ObjectStorage} root must have, whatever its filesystem. */
abstract class ObjectStorageContract {

    @TempDir Path tmp;

    /** A fresh, empty storage root for each test. */
    abstract ObjectStorage storage();

    @Test
    void putListDownloadDelete() throws Exception {
        ObjectStorage s = storage();
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(payload);
        Path local = Files.write(tmp.resolve("seg.m4s"), payload);

        s.put("videos/v1/720p/seg_00001.m4s", local);
        s.putString("videos/v1/720p/index.m3u8", "#EXTM3U\n");
        s.putBytes(
                "videos/v1/master.m3u8",
                "#EXTM3U\n#EXT-X-VERSION:7\n".getBytes(StandardCharsets.UTF_8));
        s.putString("videos/v2/master.m3u8", "other");

        assertThat(s.list("videos/v1"))
                .containsExactly(
                        "videos/v1/720p/index.m3u8",
                        "videos/v1/720p/seg_00001.m4s",
                        "videos/v1/master.m3u8");
        assertThat(s.list("")).hasSize(4);
        assertThat(s.list("videos/nope")).isEmpty();
        assertThat(s.exists("videos/v1/master.m3u8")).isTrue();
        assertThat(s.exists("videos/v1/missing")).isFalse();
        assertThat(s.size("videos/v1/720p/seg_00001.m4s")).isEqualTo(payload.length);
        assertThat(s.readString("videos/v1/720p/index.m3u8")).isEqualTo("#EXTM3U\n");

        Path back = tmp.resolve("down/deeper/seg.m4s");
        s.download("videos/v1/720p/seg_00001.m4s", back);
        assertThat(Files.readAllBytes(back)).isEqualTo(payload);

        s.deleteRecursively("videos/v1");
        assertThat(s.list("videos/v1")).isEmpty();
        assertThat(s.exists("videos/v1/master.m3u8")).isFalse();
        assertThat(s.list("")).containsExactly("videos/v2/master.m3u8");
        s.deleteRecursively("videos/v1"); // absent is fine
    }

    @Test
    void moveInStoresTheFileAndRemovesIt() throws Exception {
        ObjectStorage s = storage();
        s.putString("staging/v1/chunk.nut", "an earlier attempt's chunk");
        byte[] payload = new byte[1024 * 1024 + 3];
        new Random(2).nextBytes(payload);
        Path local = Files.write(tmp.resolve("chunk.nut"), payload);

        s.moveIn("staging/v1/chunk.nut", local);

        assertThat(local).doesNotExist();
        assertThat(s.size("staging/v1/chunk.nut")).isEqualTo(payload.length);
        Path back = tmp.resolve("back.nut");
        s.download("staging/v1/chunk.nut", back);
        assertThat(Files.readAllBytes(back)).isEqualTo(payload);
        assertThat(s.list("staging")).containsExactly("staging/v1/chunk.nut");
    }

    @Test
    void overwriteIsIdempotent() {
        ObjectStorage s = storage();
        s.putString("a/b.txt", "first version, longer");
        s.putString("a/b.txt", "second");
        s.putString("a/b.txt", "second");
        assertThat(s.readString("a/b.txt")).isEqualTo("second");
        assertThat(s.size("a/b.txt")).isEqualTo(6);
        assertThat(s.list("a")).containsExactly("a/b.txt");
    }

    @Test
    void keysAreValidated() {
        ObjectStorage s = storage();
        assertThatThrownBy(() -> s.putString("../../etc/passwd", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "object key must not contain '..' (path traversal): '../../etc/passwd'");
        assertThatThrownBy(() -> s.putString("/abs", "x")).hasMessageContaining("leading '/'");
        assertThatThrownBy(() -> s.putString("a\\b", "x")).hasMessageContaining("backslash");
        assertThatThrownBy(() -> s.putString("a b", "x")).hasMessageContaining("[A-Za-z0-9._/-]");
        assertThatThrownBy(() -> s.readString("a/../../b")).hasMessageContaining("path traversal");
        assertThatThrownBy(() -> s.deleteRecursively(""))
                .hasMessageContaining("whole storage root");
    }

    @Test
    void readingAMissingObjectFails() {
        ObjectStorage s = storage();
        assertThatThrownBy(() -> s.readString("nope.txt")).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> s.size("nope.txt")).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void uriIsRootSlashKey() {
        ObjectStorage s = storage();
        assertThat(s.uri("videos/v/master.m3u8")).isEqualTo(s.root() + "/videos/v/master.m3u8");
    }
}
