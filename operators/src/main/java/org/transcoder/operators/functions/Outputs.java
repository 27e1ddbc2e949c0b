package org.transcoder.operators.functions;

import org.apache.flink.util.OutputTag;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.Publication;
import org.transcoder.operators.model.TaskResult;
import org.transcoder.operators.model.VideoPlan;

/** Side outputs of the operators. */
public final class Outputs {

    private Outputs() {}

    /** Upload events that could not be parsed or are invalid: a failure record each. */
    public static final OutputTag<VideoRecord> REJECTED_EVENTS =
            new OutputTag<>("rejected-events") {};

    /** Status changes for the metadata store (RECEIVED, PROCESSING, and FAILED at preparation). */
    public static final OutputTag<VideoRecord> STATUS = new OutputTag<>("status") {};

    /** Each accepted video's plan, for the assembler. */
    public static final OutputTag<VideoPlan> PLANS = new OutputTag<>("plans") {};

    /** Each video's end (playlists to write, data to delete, its terminal record). */
    public static final OutputTag<Publication> PUBLICATIONS = new OutputTag<>("publications") {};

    public static final OutputTag<MediaTask> AUDIO_TASKS = new OutputTag<>("audio-tasks") {};

    public static final OutputTag<MediaTask> THUMBNAIL_TASKS =
            new OutputTag<>("thumbnail-tasks") {};

    /** Staging a video's chunks after its first, for StageChunks. */
    public static final OutputTag<MediaTask> STAGE_TASKS = new OutputTag<>("stage-tasks") {};

    /** The failed result of a chunk StageChunks could not stage, for the assembler. */
    public static final OutputTag<TaskResult> STAGING_FAILURES =
            new OutputTag<>("staging-failures") {};
}
