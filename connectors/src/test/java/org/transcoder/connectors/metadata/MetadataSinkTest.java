package org.transcoder.connectors.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.embedded.FreePorts;
import org.transcoder.connectors.events.VideoRecord;

class MetadataSinkTest {

    private static final JdbcSettings NOWHERE_DB =
            new JdbcSettings(
                    "jdbc:postgresql://127.0.0.1:"
                            + FreePorts.next()
                            + "/postgres?connectTimeout=2",
                    "postgres",
                    "postgres");
    private static final RedisSettings NOWHERE_REDIS =
            new RedisSettings("redis://127.0.0.1:" + FreePorts.next());

    @Test
    void retriesThenFailsSoFlinkRestartsFromTheCheckpoint() {
        MetadataSink.Writer writer =
                new MetadataSink.Writer(new MetadataStore(NOWHERE_DB, NOWHERE_REDIS), 3, 10);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> writer.write(VideoRecord.processing("v", null, 1), null))
                .isInstanceOf(IOException.class)
                .hasMessage("metadata upsert of v failed 3 times")
                .hasCauseInstanceOf(MetadataException.class);
        assertThat(System.nanoTime() - t0).isGreaterThan(40_000_000L); // 10 ms + 30 ms backoff
        writer.close();
    }

    @Test
    void isSerializableAndChecksArguments() throws Exception {
        MetadataSink sink = new MetadataSink(NOWHERE_DB, NOWHERE_REDIS);
        assertThat(InstantiationUtil.serializeObject(sink)).isNotEmpty();
        assertThatThrownBy(() -> new MetadataSink(NOWHERE_DB, NOWHERE_REDIS, 0, 10))
                .hasMessage("maxAttempts must be >= 1, got 0");
        assertThatThrownBy(() -> new JdbcSettings("jdbc:mysql://x/y", "u", "p"))
                .hasMessage("JDBC url must start with jdbc:postgresql:, got 'jdbc:mysql://x/y'");
        assertThatThrownBy(() -> new RedisSettings("localhost:6379"))
                .hasMessage("Redis URI must look like redis://host:port, got 'localhost:6379'");
    }
}
