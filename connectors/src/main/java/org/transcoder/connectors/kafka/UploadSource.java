package org.transcoder.connectors.kafka;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.transcoder.connectors.events.IncomingUpload;
import org.transcoder.connectors.events.UploadEventDeserializationSchema;

/**
 * The Kafka source of upload events. Starts from the group's committed offsets (earliest when it
 * has none); offsets are committed on checkpoints, Flink's own state being the source of truth.
 */
public final class UploadSource {

    private UploadSource() {}

    public static KafkaSource<IncomingUpload> create(
            String bootstrapServers, String topic, String groupId) {
        return builder(bootstrapServers, topic, groupId).build();
    }

    /** The configured builder, for callers that add settings (tests bound it with setBounded). */
    public static KafkaSourceBuilder<IncomingUpload> builder(
            String bootstrapServers, String topic, String groupId) {
        return KafkaSource.<IncomingUpload>builder()
                .setBootstrapServers(KafkaArgs.bootstrapServers(bootstrapServers))
                .setTopics(KafkaArgs.topic(topic))
                .setGroupId(KafkaArgs.nonBlank("groupId", groupId))
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new UploadEventDeserializationSchema())
                .setProperty("commit.offsets.on.checkpoint", "true")
                // A new partition added to the topic is picked up without a restart.
                .setProperty("partition.discovery.interval.ms", "60000");
    }
}
