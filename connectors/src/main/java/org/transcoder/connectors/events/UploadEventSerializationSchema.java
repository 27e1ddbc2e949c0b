package org.transcoder.connectors.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.Preconditions;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes {@link UploadEvent}s as JSON keyed by videoId: for the upload CLI, tests and replays. */
public class UploadEventSerializationSchema implements KafkaRecordSerializationSchema<UploadEvent> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public UploadEventSerializationSchema(String topic) {
        Preconditions.checkArgument(topic != null && !topic.isBlank(), "topic must not be blank");
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            UploadEvent event, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key(event), toBytes(event));
    }

    public static byte[] key(UploadEvent event) {
        return event.getVideoId() == null
                ? null
                : event.getVideoId().getBytes(StandardCharsets.UTF_8);
    }

    public static String toJson(UploadEvent event) {
        try {
            return EventJson.MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + event, e);
        }
    }

    public static byte[] toBytes(UploadEvent event) {
        return toJson(event).getBytes(StandardCharsets.UTF_8);
    }
}
