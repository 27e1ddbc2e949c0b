package org.transcoder.connectors.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads {@link UploadEvent} JSON from Kafka into {@link IncomingUpload}, never throwing: malformed
 * JSON, a non-object or an empty body become an IncomingUpload with {@code error} set. Validation
 * of a parsed event ({@link UploadEvent#problem()}) is left to the job, which owns the reason
 * codes.
 */
public class UploadEventDeserializationSchema
        implements KafkaRecordDeserializationSchema<IncomingUpload> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IncomingUpload> out) {
        out.collect(
                parse(
                        record.key(),
                        record.value(),
                        record.topic(),
                        record.partition(),
                        record.offset()));
    }

    /** Parses one payload; public for tests and for the upload CLI's dry run. */
    public static IncomingUpload parse(
            byte[] key, byte[] value, String topic, int partition, long offset) {
        String kafkaKey = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null || value.length == 0) {
            return IncomingUpload.unparseable(
                    "empty payload", null, kafkaKey, topic, partition, offset);
        }
        String raw = new String(value, StandardCharsets.UTF_8);
        try {
            JsonNode node = EventJson.MAPPER.readTree(value);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return IncomingUpload.unparseable(
                        "empty payload", raw, kafkaKey, topic, partition, offset);
            }
            if (!node.isObject()) {
                return IncomingUpload.unparseable(
                        "not a JSON object: " + node.getNodeType(),
                        raw,
                        kafkaKey,
                        topic,
                        partition,
                        offset);
            }
            UploadEvent event = EventJson.MAPPER.treeToValue(node, UploadEvent.class);
            return IncomingUpload.parsed(event, raw, kafkaKey, topic, partition, offset);
        } catch (JsonProcessingException e) {
            return IncomingUpload.unparseable(
                    "malformed JSON: " + e.getOriginalMessage(),
                    raw,
                    kafkaKey,
                    topic,
                    partition,
                    offset);
        } catch (Exception e) {
            // Jackson may surface other runtime errors on hostile input; still data, not a crash.
            return IncomingUpload.unparseable(
                    "unreadable event: " + e, raw, kafkaKey, topic, partition, offset);
        }
    }

    /** Same as {@link UploadEventSerializationSchema#toJson(UploadEvent)}. */
    public static String toJson(UploadEvent event) {
        return UploadEventSerializationSchema.toJson(event);
    }

    @Override
    public TypeInformation<IncomingUpload> getProducedType() {
        return TypeInformation.of(IncomingUpload.class);
    }
}
