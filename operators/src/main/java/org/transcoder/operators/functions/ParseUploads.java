package org.transcoder.operators.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.transcoder.connectors.events.IncomingUpload;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.media.ReasonCode;

/**
 * Lets valid upload events through; a malformed or invalid one becomes a FAILED record with reason
 * INVALID_EVENT on a side output, and the job keeps running.
 */
public class ParseUploads extends ProcessFunction<IncomingUpload, UploadEvent> {

    /** Id given to a rejected event that names no valid video id. */
    static final String UNIDENTIFIED_PREFIX = "invalid-event-offset-";

    private transient Counter rejected;

    @Override
    public void open(OpenContext ctx) {
        rejected = getRuntimeContext().getMetricGroup().counter("eventsRejected");
    }

    @Override
    public void processElement(IncomingUpload in, Context ctx, Collector<UploadEvent> out) {
        if (in.isParsed() && in.getEvent().problem().isEmpty()) {
            out.collect(in.getEvent());
            return;
        }
        rejected.inc();
        String reason = in.isParsed() ? in.getEvent().problem().orElseThrow() : in.getError();
        String videoId = in.isParsed() ? in.getEvent().getVideoId() : null;
        String source = in.isParsed() ? in.getEvent().getSourceUri() : null;
        boolean validId = videoId != null && UploadEvent.VIDEO_ID.matcher(videoId).matches();
        VideoRecord failure =
                VideoRecord.failed(
                        validId ? videoId : UNIDENTIFIED_PREFIX + in.getOffset(),
                        source,
                        ReasonCode.INVALID_EVENT.name(),
                        reason + " (payload: " + in.getRawPayload() + ")");
        ctx.output(Outputs.REJECTED_EVENTS, failure);
    }

    /**
     * True when a rejection names a real video id (it then gets a metadata and completion record).
     */
    public static boolean identifiesVideo(VideoRecord rejection) {
        return !rejection.getVideoId().startsWith(UNIDENTIFIED_PREFIX);
    }
}
