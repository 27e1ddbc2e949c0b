package org.transcoder.operators;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.StoredText;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.media.ReasonCode;

/**
 * The one place FAILED records are built. What goes into them is read by uploaders (PostgreSQL,
 * Redis, the Kafka topics): the reason's fixed text ({@link ReasonCode#userText}) and a bounded,
 * sanitised detail ({@link StoredText#detail}: no server paths, addresses or control characters).
 * The raw text - ffmpeg's stderr, exception messages - is logged here, once, for operators.
 */
public final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {}

    /**
     * A FAILED record of {@code videoId} for {@code reason}; {@code rawDetail} is what the failing
     * step said (logged as it is, shown only sanitised).
     */
    public static VideoRecord record(
            String videoId,
            String sourceUri,
            ReasonCode reason,
            String rawDetail,
            Map<String, String> labels) {
        LOG.info("Video {} FAILED {}: {}", videoId, reason, rawDetail);
        VideoRecord r =
                VideoRecord.failed(
                        videoId, sourceUri, reason.name(), userMessage(reason, rawDetail));
        r.setLabels(labels);
        return r;
    }

    /** What a record says about a failure: the fixed text, then the sanitised detail if any. */
    public static String userMessage(ReasonCode reason, String rawDetail) {
        String detail = StoredText.detail(rawDetail);
        return detail.isEmpty() ? reason.userText() : reason.userText() + ": " + detail;
    }

    /** A reason code as a record or task result carries it; unknown names are INTERNAL_ERROR. */
    public static ReasonCode reason(String name) {
        try {
            return ReasonCode.valueOf(name);
        } catch (IllegalArgumentException | NullPointerException e) {
            return ReasonCode.INTERNAL_ERROR;
        }
    }
}
