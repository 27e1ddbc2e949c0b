package org.transcoder.connectors.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * One record read from the uploads topic, parsed or not: reading never throws, so a bad payload
 * becomes data (a failure record downstream) instead of a restart loop.
 */
public class IncomingUpload {

    public static final int MAX_RAW_CHARS = 1000;

    private UploadEvent event;
    private String error;
    private String rawPayload;
    private String kafkaKey;
    private String topic;
    private int partition;
    private long offset;

    public IncomingUpload() {}

    public static IncomingUpload parsed(
            UploadEvent event, String raw, String key, String topic, int partition, long offset) {
        IncomingUpload in = new IncomingUpload();
        in.setEvent(event);
        in.setRawPayload(raw);
        in.setKafkaKey(key);
        in.setTopic(topic);
        in.setPartition(partition);
        in.setOffset(offset);
        return in;
    }

    public static IncomingUpload unparseable(
            String error, String raw, String key, String topic, int partition, long offset) {
        IncomingUpload in = parsed(null, raw, key, topic, partition, offset);
        in.setError(error);
        return in;
    }

    /** True when {@link #getEvent()} holds the event (it may still be invalid: see problem()). */
    @JsonIgnore
    public boolean isParsed() {
        return event != null && error == null;
    }

    /** The parsed event, or null when the payload could not be parsed. */
    public UploadEvent getEvent() {
        return event;
    }

    public void setEvent(UploadEvent event) {
        this.event = event;
    }

    /** Why the payload could not be parsed, or null. */
    public String getError() {
        return error;
    }

    public void setError(String error) {
        this.error = error;
    }

    /** The first {@value #MAX_RAW_CHARS} characters of the payload (for failure records). */
    public String getRawPayload() {
        return rawPayload;
    }

    public void setRawPayload(String rawPayload) {
        this.rawPayload =
                rawPayload != null && rawPayload.length() > MAX_RAW_CHARS
                        ? rawPayload.substring(0, MAX_RAW_CHARS)
                        : rawPayload;
    }

    public String getKafkaKey() {
        return kafkaKey;
    }

    public void setKafkaKey(String kafkaKey) {
        this.kafkaKey = kafkaKey;
    }

    /** Where the record was read: with the partition and offset, it names the record uniquely. */
    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public int getPartition() {
        return partition;
    }

    public void setPartition(int partition) {
        this.partition = partition;
    }

    /** The record's position, {@code topic/partition/offset} (never a valid video id). */
    @JsonIgnore
    public String position() {
        return topic + "/" + partition + "/" + offset;
    }

    public long getOffset() {
        return offset;
    }

    public void setOffset(long offset) {
        this.offset = offset;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof IncomingUpload that)) {
            return false;
        }
        return offset == that.offset
                && partition == that.partition
                && Objects.equals(topic, that.topic)
                && Objects.equals(event, that.event)
                && Objects.equals(error, that.error)
                && Objects.equals(rawPayload, that.rawPayload)
                && Objects.equals(kafkaKey, that.kafkaKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, error, rawPayload, kafkaKey, topic, partition, offset);
    }

    @Override
    public String toString() {
        return "IncomingUpload{event="
                + event
                + ", error="
                + error
                + ", kafkaKey="
                + kafkaKey
                + ", position="
                + position()
                + '}';
    }
}
