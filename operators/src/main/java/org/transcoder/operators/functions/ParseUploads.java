package org.transcoder.operators.functions;

import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.transcoder.connectors.events.IncomingUpload;
import org.transcoder.connectors.events.SourceUri;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.media.ReasonCode;
import org.transcoder.operators.Failures;

/**
 * Lets valid upload events through; a malformed or invalid one becomes a FAILED record with reason
 * INVALID_EVENT on a side output, and the job keeps running. Valid means {@link
 * UploadEvent#problem()} finds nothing and the source is under a configured root or bucket ({@link
 * SourceUri.Roots}): an event naming any other file or object never reaches preparation, so nothing
 * is opened or downloaded for it.
 */
public class ParseUploads extends ProcessFunction<IncomingUpload, UploadEvent> {

    /**
     * Start of the id given to a rejected event that names no valid video id; the rest is the
     * record's {@link IncomingUpload#position()} (topic/partition/offset), unique, and with '@' and
     * '/' never a valid video id, so no upload can take it.
     */
    static final String UNIDENTIFIED_PREFIX = "invalid-event@";

    private final SourceUri.Roots sourceRoots;
    private transient Counter rejected;

    public ParseUploads(List<String> sourceRoots) {
        this.sourceRoots = new SourceUri.Roots(sourceRoots);
    }

    @Override
    public void open(OpenContext ctx) {
        rejected = getRuntimeContext().getMetricGroup().counter("eventsRejected");
    }

    @Override
    public void processElement(IncomingUpload in, Context ctx, Collector<UploadEvent> out) {
        Optional<String> problem =
                in.isParsed()
                        ? in.getEvent()
                                .problem()
                                .or(() -> sourceRoots.problem(in.getEvent().getSourceUri()))
                        : Optional.of(in.getError());
        if (problem.isEmpty()) {
            out.collect(in.getEvent());
            return;
        }
        rejected.inc();
        String videoId = in.isParsed() ? in.getEvent().getVideoId() : null;
        String source = in.isParsed() ? in.getEvent().getSourceUri() : null;
        boolean validId = videoId != null && UploadEvent.VIDEO_ID.matcher(videoId).matches();
        VideoRecord failure =
                Failures.record(
                        validId ? videoId : UNIDENTIFIED_PREFIX + in.position(),
                        source,
                        ReasonCode.INVALID_EVENT,
                        problem.get() + " (payload: " + in.getRawPayload() + ")",
                        null);
        ctx.output(Outputs.REJECTED_EVENTS, failure);
    }

    /**
     * True when a rejection names a real video id (it then gets a metadata and completion record).
     */
    public static boolean identifiesVideo(VideoRecord rejection) {
        return UploadEvent.VIDEO_ID.matcher(rejection.getVideoId()).matches();
    }
}
