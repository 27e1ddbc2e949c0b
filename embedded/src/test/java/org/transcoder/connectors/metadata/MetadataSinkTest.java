package org.transcoder.connectors.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.embedded.FreePorts;

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
    void ridesOutAnOutageForRetryForThenFailsSoFlinkRestartsFromTheCheckpoint() {
        SimpleCounter retries = new SimpleCounter();
        MetadataSink.Writer writer =
                new MetadataSink.Writer(
                        new MetadataStore(NOWHERE_DB, NOWHERE_REDIS),
                        Duration.ofMillis(500),
                        10,
                        retries,
                        new SimpleCounter());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> writer.write(VideoRecord.processing("v", null, 1), null))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("metadata upsert of v failed ")
                .hasMessageEndingWith(" times in 0 s")
                .hasCauseInstanceOf(MetadataException.class);
        assertThat(System.nanoTime() - t0).isGreaterThan(300_000_000L);
        assertThat(retries.getCount()).isGreaterThanOrEqualTo(3); // 10, 20, 40, 80, 160 ms ...
        assertThat(MetadataSink.refusedRecord(new IOException("x"))).isFalse();
        writer.close();
    }

    @Test
    void isSerializableAndChecksArguments() throws Exception {
        MetadataSink sink = new MetadataSink(NOWHERE_DB, NOWHERE_REDIS);
        assertThat(InstantiationUtil.serializeObject(sink)).isNotEmpty();
        assertThatThrownBy(
                        () ->
                                new MetadataSink(
                                        NOWHERE_DB, NOWHERE_REDIS, Duration.ofSeconds(-1), 10))
                .hasMessage("retryFor must be >= 0, got PT-1S");
        assertThatThrownBy(() -> new JdbcSettings("jdbc:mysql://x/y", "u", "p"))
                .hasMessage("JDBC url must start with jdbc:postgresql:, got 'jdbc:mysql://x/y'");
        assertThatThrownBy(() -> new RedisSettings("localhost:6379"))
                .hasMessage("Redis URI must look like redis://host:port, got 'localhost:6379'");
    }
}
