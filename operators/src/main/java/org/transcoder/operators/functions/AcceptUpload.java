package org.transcoder.operators.functions;

import java.time.Duration;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;

/**
 * First step of a video, keyed by video id, and cheap (no I/O, so it never holds up the stream):
 * ignores a repeated event for a video already accepted with the same source (a producer's retry, a
 * replayed topic), records RECEIVED, and passes the event on to {@link PrepareVideo}. What was
 * accepted is remembered for {@link #ACCEPTED_TTL}, then forgotten (state does not grow forever); a
 * new source for the same video id is a new upload and replaces the old one.
 */
public class AcceptUpload extends KeyedProcessFunction<String, UploadEvent, UploadEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptUpload.class);

    static final Duration ACCEPTED_TTL = Duration.ofDays(30);

    private transient ValueState<String> acceptedSource;
    private transient Counter duplicatesIgnored;

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<String> accepted =
                new ValueStateDescriptor<>("prepare-accepted-source", String.class);
        accepted.enableTimeToLive(
                StateTtlConfig.newBuilder(ACCEPTED_TTL)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build());
        acceptedSource = getRuntimeContext().getState(accepted);
        duplicatesIgnored = getRuntimeContext().getMetricGroup().counter("duplicatesIgnored");
    }

    @Override
    public void processElement(UploadEvent event, Context ctx, Collector<UploadEvent> out)
            throws Exception {
        if (Objects.equals(acceptedSource.value(), event.getSourceUri())) {
            duplicatesIgnored.inc();
            LOG.info(
                    "Ignoring duplicate upload event for {} ({})",
                    event.getVideoId(),
                    event.getSourceUri());
            return;
        }
        acceptedSource.update(event.getSourceUri());
        ctx.output(
                Outputs.STATUS,
                VideoRecord.received(event.getVideoId(), event.getSourceUri(), event.getLabels()));
        out.collect(event);
    }
}
