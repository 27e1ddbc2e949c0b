package org.transcoder.operators.functions;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.StagedChunks;

/**
 * Fans {@link StagedChunks} out: the chunk tasks on the main output (to the encoders, with the
 * first chunks PrepareVideo staged), a staging failure on {@link Outputs#STAGING_FAILURES} (to the
 * assembler, with the other task results).
 */
public class RouteStagedChunks extends ProcessFunction<StagedChunks, MediaTask> {

    @Override
    public void processElement(StagedChunks s, Context ctx, Collector<MediaTask> out) {
        if (s.isFailed()) {
            ctx.output(Outputs.STAGING_FAILURES, s.getFailure());
            return;
        }
        for (MediaTask t : s.getTasks()) {
            out.collect(t);
        }
    }
}
