package org.transcoder.connectors.metadata;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.StoredText;
import org.transcoder.connectors.events.VideoRecord;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Flink sink that upserts each {@link VideoRecord} into the {@link MetadataStore} (PostgreSQL, then
 * Redis). Errors are told apart, because a sink that throws on one record replays it forever:
 *
 * <ul>
 *   <li>a record the database refuses (SQLState class 22 data exception or 23 constraint) is
 *       permanent: the sink stores a reduced record (status and reason, with the message saying
 *       what was refused) or, if even that is refused, logs it, counts it in {@code
 *       metadataRecordsRejected} and moves on;
 *   <li>anything else (connection lost, database or Redis down) is transient: retried with backoff
 *       ({@code metadataRetries}) for up to {@code retryFor}; after that the writer throws and
 *       Flink restarts from the last checkpoint, which is an outage, not a loop on one record.
 * </ul>
 *
 * Replays are safe because upserts are idempotent and only move a video forward.
 */
public class MetadataSink implements Sink<VideoRecord> {

    private static final long serialVersionUID = 1L;

    /** How long a transient outage is ridden out before the job restarts. */
    public static final Duration DEFAULT_RETRY_FOR = Duration.ofSeconds(60);

    private final JdbcSettings jdbc;
    private final RedisSettings redis;
    private final Duration retryFor;
    private final long firstBackoffMillis;

    public MetadataSink(JdbcSettings jdbc, RedisSettings redis) {
        this(jdbc, redis, DEFAULT_RETRY_FOR, 200);
    }

    public MetadataSink(
            JdbcSettings jdbc, RedisSettings redis, Duration retryFor, long firstBackoffMillis) {
        this.jdbc = Preconditions.checkNotNull(jdbc, "jdbc settings must not be null");
        this.redis = Preconditions.checkNotNull(redis, "redis settings must not be null");
        Preconditions.checkArgument(
                retryFor != null && !retryFor.isNegative(),
                "retryFor must be >= 0, got %s",
                retryFor);
        Preconditions.checkArgument(
                firstBackoffMillis >= 0,
                "firstBackoffMillis must be >= 0, got %s",
                firstBackoffMillis);
        this.retryFor = retryFor;
        this.firstBackoffMillis = firstBackoffMillis;
    }

    @Override
    public SinkWriter<VideoRecord> createWriter(WriterInitContext context) {
        var metrics = context.metricGroup();
        return new Writer(
                new MetadataStore(jdbc, redis),
                retryFor,
                firstBackoffMillis,
                metrics.counter("metadataRetries"),
                metrics.counter("metadataRecordsRejected"));
    }

    /** True when the database refused this record itself (retrying gives the same answer). */
    static boolean refusedRecord(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23");
            }
        }
        return false;
    }

    /**
     * Writes each record as it comes, so status changes are visible at once (progress bars);
     * nothing is buffered, hence {@link #flush} has nothing left to do.
     */
    static final class Writer implements SinkWriter<VideoRecord> {

        private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

        private final MetadataStore store;
        private final Duration retryFor;
        private final long firstBackoffMillis;
        private final Counter retries;
        private final Counter rejected;

        Writer(MetadataStore store, Duration retryFor, long firstBackoffMillis) {
            this(store, retryFor, firstBackoffMillis, new SimpleCounter(), new SimpleCounter());
        }

        Writer(
                MetadataStore store,
                Duration retryFor,
                long firstBackoffMillis,
                Counter retries,
                Counter rejected) {
            this.store = store;
            this.retryFor = retryFor;
            this.firstBackoffMillis = firstBackoffMillis;
            this.retries = retries;
            this.rejected = rejected;
        }

        @Override
        public void write(VideoRecord record, Context context)
                throws IOException, InterruptedException {
            try {
                upsertRetrying(record);
            } catch (MetadataException e) {
                if (!refusedRecord(e)) {
                    throw e;
                }
                storeReduced(record, e);
            }
        }

        /** Retries transient errors until retryFor has passed; a refused record is thrown. */
        private void upsertRetrying(VideoRecord record) throws IOException, InterruptedException {
            long giveUpAt = System.nanoTime() + retryFor.toNanos();
            long backoff = firstBackoffMillis;
            for (int attempt = 1; ; attempt++) {
                try {
                    store.upsert(record);
                    return;
                } catch (MetadataException | JedisException e) {
                    if (e instanceof MetadataException m && refusedRecord(m)) {
                        throw m;
                    }
                    if (System.nanoTime() + backoff * 1_000_000 > giveUpAt) {
                        throw new IOException(
                                "metadata upsert of "
                                        + record.getVideoId()
                                        + " failed "
                                        + attempt
                                        + " times in "
                                        + retryFor.toSeconds()
                                        + " s",
                                e);
                    }
                    retries.inc();
                    LOG.warn(
                            "metadata upsert of {} failed (attempt {}), retrying in {} ms: {}",
                            record.getVideoId(),
                            attempt,
                            backoff,
                            e.toString());
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, 5_000);
                }
            }
        }

        /**
         * The database refused the record: keep what a reader needs (status, reason), say what was
         * refused, and drop what the upload sent (labels, message).
         */
        private void storeReduced(VideoRecord record, MetadataException refusal)
                throws IOException, InterruptedException {
            rejected.inc();
            LOG.error("metadata store refused {}: {}", record, refusal.toString());
            VideoRecord reduced = record.copy();
            reduced.setLabels(null);
            reduced.setMessage(
                    (record.getReasonCode() == null ? "" : record.getReasonCode() + ": ")
                            + "record refused by the metadata store ("
                            // What users may see of the database's error; all of it is logged.
                            + StoredText.detail(refusal.getMessage())
                            + ")");
            try {
                upsertRetrying(reduced);
            } catch (MetadataException e) {
                LOG.error(
                        "metadata store refused the reduced record of {} too, dropped", record, e);
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
