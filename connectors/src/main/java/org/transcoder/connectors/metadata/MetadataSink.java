package org.transcoder.connectors.metadata;

import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.VideoRecord;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Flink sink that upserts each {@link VideoRecord} into the {@link MetadataStore} (PostgreSQL, then
 * Redis). Transient SQL/Redis errors are retried a few times; after that the writer throws so Flink
 * restarts from the last checkpoint. Replays are safe because upserts are idempotent and only move
 * a video forward.
 */
public class MetadataSink implements Sink<VideoRecord> {

    private static final long serialVersionUID = 1L;

    private final JdbcSettings jdbc;
    private final RedisSettings redis;
    private final int maxAttempts;
    private final long firstBackoffMillis;

    public MetadataSink(JdbcSettings jdbc, RedisSettings redis) {
        this(jdbc, redis, 4, 200);
    }

    public MetadataSink(
            JdbcSettings jdbc, RedisSettings redis, int maxAttempts, long firstBackoffMillis) {
        this.jdbc = Preconditions.checkNotNull(jdbc, "jdbc settings must not be null");
        this.redis = Preconditions.checkNotNull(redis, "redis settings must not be null");
        Preconditions.checkArgument(
                maxAttempts >= 1, "maxAttempts must be >= 1, got %s", maxAttempts);
        Preconditions.checkArgument(
                firstBackoffMillis >= 0,
                "firstBackoffMillis must be >= 0, got %s",
                firstBackoffMillis);
        this.maxAttempts = maxAttempts;
        this.firstBackoffMillis = firstBackoffMillis;
    }

    @Override
    public SinkWriter<VideoRecord> createWriter(WriterInitContext context) {
        return new Writer(new MetadataStore(jdbc, redis), maxAttempts, firstBackoffMillis);
    }

    /**
     * Writes each record as it comes, so status changes are visible at once (progress bars);
     * nothing is buffered, hence {@link #flush} has nothing left to do.
     */
    static final class Writer implements SinkWriter<VideoRecord> {

        private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

        private final MetadataStore store;
        private final int maxAttempts;
        private final long firstBackoffMillis;

        Writer(MetadataStore store, int maxAttempts, long firstBackoffMillis) {
            this.store = store;
            this.maxAttempts = maxAttempts;
            this.firstBackoffMillis = firstBackoffMillis;
        }

        @Override
        public void write(VideoRecord record, Context context)
                throws IOException, InterruptedException {
            long backoff = firstBackoffMillis;
            for (int attempt = 1; ; attempt++) {
                try {
                    store.upsert(record);
                    return;
                } catch (MetadataException | JedisException e) {
                    if (attempt >= maxAttempts) {
                        throw new IOException(
                                "metadata upsert of "
                                        + record.getVideoId()
                                        + " failed "
                                        + attempt
                                        + " times",
                                e);
                    }
                    LOG.warn(
                            "metadata upsert of {} failed (attempt {}/{}), retrying in {} ms: {}",
                            record.getVideoId(),
                            attempt,
                            maxAttempts,
                            backoff,
                            e.toString());
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 3, 10_000);
                }
            }
        }

        @Override
        public void flush(boolean endOfInput) {
            // Every write has been committed already.
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
