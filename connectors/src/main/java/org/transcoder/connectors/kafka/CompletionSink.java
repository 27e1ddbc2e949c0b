package org.transcoder.connectors.kafka;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;

/**
 * Kafka sinks of {@link VideoRecord}s: exactly-once for the completion topic (consumers read
 * committed), at-least-once for topics where a duplicate is harmless (video-failures).
 */
public final class CompletionSink {

    /**
     * Must stay below the broker's {@code transaction.max.timeout.ms} (15 min by default) and above
     * the checkpoint interval plus the time a checkpoint takes.
     */
    public static final String TRANSACTION_TIMEOUT_MS = "60000";

    private CompletionSink() {}

    public static KafkaSink<VideoRecord> exactlyOnce(
            String bootstrapServers, String topic, String transactionalIdPrefix) {
        KafkaArgs.nonBlank("transactionalIdPrefix", transactionalIdPrefix);
        return builder(bootstrapServers, topic)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }

    public static KafkaSink<VideoRecord> atLeastOnce(String bootstrapServers, String topic) {
        return builder(bootstrapServers, topic)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
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
