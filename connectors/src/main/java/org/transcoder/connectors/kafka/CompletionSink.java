package org.transcoder.connectors.kafka;

import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;

/**
 * Kafka sinks of {@link VideoRecord}s, exactly-once (consumers read committed): one record per
 * video on the completion topic, one per rejected event on the failure topic, however often the job
 * restarts.
 */
public final class CompletionSink {

    /**
     * A transaction lives from one checkpoint to the commit after the next one, so this must be
     * above the checkpoint interval plus the longest checkpoint: a checkpoint held up past it makes
     * the broker abort the transaction and the sink fail ({@code InvalidProducerEpochException}), a
     * restart. The metadata sink may ride out a database outage for a minute inside one checkpoint,
     * so this is the broker's default {@code transaction.max.timeout.ms} (15 min), not the
     * producer's 1 min; a broker with a lower maximum refuses it at start-up, loudly. Flink aborts
     * a crashed job's open transactions when it restarts.
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    private CompletionSink() {}

    public static KafkaSink<VideoRecord> exactlyOnce(
            String bootstrapServers, String topic, String transactionalIdPrefix) {
        return exactlyOnce(bootstrapServers, topic, transactionalIdPrefix, TRANSACTION_TIMEOUT);
    }

    public static KafkaSink<VideoRecord> exactlyOnce(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            Duration transactionTimeout) {
        KafkaArgs.nonBlank("transactionalIdPrefix", transactionalIdPrefix);
        return builder(bootstrapServers, topic)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", Long.toString(transactionTimeout.toMillis()))
                .build();
    }

    private static KafkaSinkBuilder<VideoRecord> builder(String bootstrapServers, String topic) {
        return KafkaSink.<VideoRecord>builder()
                .setBootstrapServers(KafkaArgs.bootstrapServers(bootstrapServers))
                .setRecordSerializer(new VideoRecordSerializationSchema(KafkaArgs.topic(topic)))
                // One video's records must not be reordered by retries.
                .setProperty("enable.idempotence", "true")
                .setProperty("max.in.flight.requests.per.connection", "5");
    }
}
