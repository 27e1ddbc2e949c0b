package org.transcoder.connectors.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** {@link ObjectStorage} on {@code file://}. */
class ObjectStorageTest extends ObjectStorageContract {

    private Path root() {
        return tmp.resolve("root");
    }

    @Override
    ObjectStorage storage() {
        return new ObjectStorage(root().toUri().toString());
    }

    @Test
    void leavesNoTempFilesBehind() throws Exception {
        ObjectStorage s = storage();
        s.putString("x/y.txt", "1");
        s.putString("x/y.txt", "2");
        try (Stream<Path> files = Files.walk(root())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactly("y.txt");
        }
    }

    @Test
    void rootForms() {
        assertThat(new ObjectStorage("file:///tmp/out/").root()).isEqualTo("file:///tmp/out");
        assertThat(new ObjectStorage("/tmp/out").root()).isEqualTo("file:///tmp/out");
        assertThat(new ObjectStorage("s3://bucket/").uri("k")).isEqualTo("s3://bucket/k");
        assertThatThrownBy(() -> new ObjectStorage("relative/dir"))
                .hasMessageContaining("must be a URI");
    }

    @Test
    void isSerializableAndUsableAfterwards() throws Exception {
        ObjectStorage s = storage();
        s.putString("k.txt", "v");
        ObjectStorage copy =
                InstantiationUtil.deserializeObject(
                        InstantiationUtil.serializeObject(s), getClass().getClassLoader());
        assertThat(copy.readString("k.txt")).isEqualTo("v");
    }
}
