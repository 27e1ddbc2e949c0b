package org.transcoder.connectors.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.Preconditions;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes {@link VideoRecord}s to Kafka: key = videoId (so one video's records stay ordered in one
 * partition), value = JSON. {@link #fromJson(byte[])} reads them back for consumers and tests.
 */
public class VideoRecordSerializationSchema implements KafkaRecordSerializationSchema<VideoRecord> {

    private static final long serialVersionUID = 1L;

    private final String topic;

    public VideoRecordSerializationSchema(String topic) {
        Preconditions.checkArgument(topic != null && !topic.isBlank(), "topic must not be blank");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            VideoRecord record, KafkaSinkContext context, Long timestamp) {
        Preconditions.checkNotNull(record.getVideoId(), "VideoRecord without videoId: %s", record);
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                record.getVideoId().getBytes(StandardCharsets.UTF_8),
                toJson(record));
    }

    public static byte[] toJson(VideoRecord record) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + record, e);
        }
    }

    public static String toJsonString(VideoRecord record) {
        return new String(toJson(record), StandardCharsets.UTF_8);
    }

    public static VideoRecord fromJson(byte[] json) {
        try {
            return EventJson.MAPPER.readValue(json, VideoRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a VideoRecord: " + e.getMessage(), e);
        }
    }

    public static VideoRecord fromJson(String json) {
        return fromJson(json.getBytes(StandardCharsets.UTF_8));
    }
}
