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
    private long offset;

    public IncomingUpload() {}

    public static IncomingUpload parsed(UploadEvent event, String raw, String key, long offset) {
        IncomingUpload in = new IncomingUpload();
        in.setEvent(event);
        in.setRawPayload(raw);
        in.setKafkaKey(key);
        in.setOffset(offset);
        return in;
    }

    public static IncomingUpload unparseable(String error, String raw, String key, long offset) {
        IncomingUpload in = parsed(null, raw, key, offset);
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
                && Objects.equals(event, that.event)
                && Objects.equals(error, that.error)
                && Objects.equals(rawPayload, that.rawPayload)
                && Objects.equals(kafkaKey, that.kafkaKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(event, error, rawPayload, kafkaKey, offset);
    }

    @Override
    public String toString() {
        return "IncomingUpload{event="
                + event
                + ", error="
                + error
                + ", kafkaKey="
                + kafkaKey
                + ", offset="
                + offset
                + '}';
    }
}
