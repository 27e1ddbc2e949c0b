package org.transcoder.operators.functions;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.Preparation;

/**
 * Fans a {@link Preparation} out: chunk tasks on the main output (to the encoders), the audio,
 * thumbnail and staging tasks and the plan on their side outputs, and the video's status
 * (PROCESSING, or the FAILED record of a rejected upload).
 */
public class RouteTasks extends ProcessFunction<Preparation, MediaTask> {

    @Override
    public void processElement(Preparation p, Context ctx, Collector<MediaTask> out) {
        if (p.isFailed()) {
            ctx.output(Outputs.STATUS, p.getFailure());
            return;
        }
        ctx.output(Outputs.PLANS, p.getPlan());
        for (MediaTask t : p.getTasks()) {
            switch (t.getKind()) {
                case CHUNK -> out.collect(t);
                case AUDIO, AUDIO_START -> ctx.output(Outputs.AUDIO_TASKS, t);
                case THUMBNAILS -> ctx.output(Outputs.THUMBNAIL_TASKS, t);
                case STAGE -> ctx.output(Outputs.STAGE_TASKS, t);
            }
        }
        VideoRecord processing =
                VideoRecord.processing(p.getVideoId(), p.getPlan().getSourceUri(), 0);
        processing.setLabels(p.getPlan().getLabels());
        ctx.output(Outputs.STATUS, processing);
    }
}
