package org.transcoder.jobs;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.transcoder.connectors.events.IncomingUpload;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.functions.AcceptUpload;
import org.transcoder.operators.functions.AssembleVideo;
import org.transcoder.operators.functions.EncodeAudio;
import org.transcoder.operators.functions.EncodeChunk;
import org.transcoder.operators.functions.ExtractThumbnails;
import org.transcoder.operators.functions.Outputs;
import org.transcoder.operators.functions.ParseUploads;
import org.transcoder.operators.functions.PrepareVideo;
import org.transcoder.operators.functions.PublishVideo;
import org.transcoder.operators.functions.RetryingAsyncFunction;
import org.transcoder.operators.functions.RouteStagedChunks;
import org.transcoder.operators.functions.RouteTasks;
import org.transcoder.operators.functions.StageChunks;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.TaskResult;

/**
 * The job topology, in one place. Its ends are parameters: TranscodeJobMain hands in Kafka and the
 * metadata store (local mode and the end-to-end tests do the same against embedded services). Every
 * step that blocks (native processes, storage) is an async operator, so the task threads only move
 * records and checkpoint barriers never wait behind work.
 *
 * <pre>
 * uploads -> ParseUploads -> keyBy(videoId) -> AcceptUpload -> PrepareVideo (async) -> RouteTasks
 *   RouteTasks --plans-------------------------------------------------------------------+
 *              |-- chunk tasks -> rebalance -> EncodeChunk (async) -----------------------+
 *              |-- audio task  -> EncodeAudio (async) ------------------------------------+
 *              |-- thumbnail task -> ExtractThumbnails (async) ---------------------------+
 *              v                                                                          v
 *           status           keyBy(videoId) -> AssembleVideo -> PublishVideo (async) -> records
 * records (all) -> metadata sink;  terminal records -> completions (exactly once);
 * PLAYABLE records -> playable (exactly once);  bad events -> failures
 * </pre>
 */
public final class TranscodeJob {

    /** In-flight tasks per async operator instance; they are part of every checkpoint. */
    static final int ASYNC_CAPACITY = 1000;

    /** The label {@code --job.version-label} puts on every record. */
    public static final String VERSION_LABEL_KEY = "transcoder.job-version";

    private TranscodeJob() {}

    /**
     * Defines the job on {@code env}. A non-empty {@code versionLabel} adds one stateless map (uid
     * {@link Uids#VERSION_LABEL}) that labels every record with it, before the sinks, and {@code
     * seams} put a test's faults into preparation and encoding (production: {@link Seams#NONE}).
     */
    public static void define(
            StreamExecutionEnvironment env,
            Source<IncomingUpload, ?, ?> uploads,
            Sink<VideoRecord> metadata,
            Sink<VideoRecord> completions,
            Sink<VideoRecord> playable,
            Sink<VideoRecord> failures,
            OperatorSettings settings,
            int encodeParallelism,
            String versionLabel,
            Seams seams) {
        DataStream<IncomingUpload> incoming =
                env.fromSource(uploads, WatermarkStrategy.noWatermarks(), "Upload events")
                        .uid(Uids.UPLOAD_SOURCE)
                        .name("Upload events");
        SingleOutputStreamOperator<UploadEvent> events =
                incoming.process(new ParseUploads(settings.sourceRoots()))
                        .uid(Uids.PARSE_UPLOADS)
                        .name("Parse uploads");
        SingleOutputStreamOperator<UploadEvent> accepted =
                events.keyBy(UploadEvent::getVideoId)
                        .process(new AcceptUpload())
                        .uid(Uids.ACCEPT_UPLOAD)
                        .name("Accept upload");
        SingleOutputStreamOperator<MediaTask> chunkTasks =
                async(
                                accepted,
                                new PrepareVideo(settings, seams.prepareFault()),
                                prepareTimeoutMillis(settings))
                        .uid(Uids.PREPARE_VIDEO)
                        .name("Prepare video")
                        .process(new RouteTasks())
                        .uid(Uids.ROUTE_TASKS)
                        .name("Route tasks");

        SingleOutputStreamOperator<MediaTask> stagedTasks =
                async(
                                chunkTasks.getSideOutput(Outputs.STAGE_TASKS),
                                new StageChunks(settings),
                                prepareTimeoutMillis(settings))
                        .uid(Uids.STAGE_CHUNKS)
                        .name("Stage chunks")
                        .process(new RouteStagedChunks())
                        .uid(Uids.ROUTE_STAGED_CHUNKS)
                        .name("Route staged chunks");

        DataStream<TaskResult> chunkResults =
                async(
                                chunkTasks.union(stagedTasks).rebalance(),
                                seams.chunkEncoder() == null
                                        ? new EncodeChunk(settings)
                                        : new EncodeChunk(settings, seams.chunkEncoder()),
                                taskTimeoutMillis(settings))
                        .setParallelism(encodeParallelism)
                        .uid(Uids.ENCODE_CHUNK)
                        .name("Encode chunk");
        DataStream<TaskResult> audioResults =
                async(
                                chunkTasks.getSideOutput(Outputs.AUDIO_TASKS),
                                new EncodeAudio(settings),
                                taskTimeoutMillis(settings))
                        .uid(Uids.ENCODE_AUDIO)
                        .name("Encode audio");
        DataStream<TaskResult> thumbnailResults =
                async(
                                chunkTasks.getSideOutput(Outputs.THUMBNAIL_TASKS),
                                new ExtractThumbnails(settings),
                                taskTimeoutMillis(settings))
                        .uid(Uids.THUMBNAILS)
                        .name("Thumbnails");

        SingleOutputStreamOperator<VideoRecord> assembled =
                chunkTasks
                        .getSideOutput(Outputs.PLANS)
                        .connect(
                                chunkResults.union(
                                        audioResults,
                                        thumbnailResults,
                                        stagedTasks.getSideOutput(Outputs.STAGING_FAILURES)))
                        .keyBy(p -> p.getVideoId(), r -> r.getVideoId())
                        .process(new AssembleVideo(settings))
                        .uid(Uids.ASSEMBLE_VIDEO)
                        .name("Assemble video");
        DataStream<VideoRecord> published =
                async(
                                assembled.getSideOutput(Outputs.PUBLICATIONS),
                                new PublishVideo(settings),
                                taskTimeoutMillis(settings))
                        .uid(Uids.PUBLISH_VIDEO)
                        .name("Publish video");

        DataStream<VideoRecord> rejectedEvents = events.getSideOutput(Outputs.REJECTED_EVENTS);
        DataStream<VideoRecord> records =
                assembled.union(
                        published,
                        accepted.getSideOutput(Outputs.STATUS),
                        chunkTasks.getSideOutput(Outputs.STATUS),
                        rejectedEvents.filter(ParseUploads::identifiesVideo));
        if (!versionLabel.isEmpty()) {
            records =
                    records.map(new LabelRecords(versionLabel))
                            .uid(Uids.VERSION_LABEL)
                            .name("Version label");
        }

        records.keyBy(VideoRecord::getVideoId)
                .sinkTo(metadata)
                .uid(Uids.METADATA_SINK)
                .name("Metadata store");
        records.filter(r -> r.getStatus().isTerminal())
                .sinkTo(completions)
                .uid(Uids.COMPLETION_SINK)
                .name("Completions");
        records.filter(r -> r.getStatus() == VideoStatus.PLAYABLE)
                .sinkTo(playable)
                .uid(Uids.PLAYABLE_SINK)
                .name("Playable");
        rejectedEvents.sinkTo(failures).uid(Uids.FAILURE_SINK).name("Failures");
    }

    /** Adds {@link #VERSION_LABEL_KEY} to a record's labels; stateless. */
    static final class LabelRecords
            implements org.apache.flink.api.common.functions.MapFunction<VideoRecord, VideoRecord> {
        private final String version;

        LabelRecords(String version) {
            this.version = version;
        }

        @Override
        public VideoRecord map(VideoRecord r) {
            java.util.Map<String, String> labels =
                    r.getLabels() == null
                            ? new java.util.HashMap<>()
                            : new java.util.HashMap<>(r.getLabels());
            labels.put(VERSION_LABEL_KEY, version);
            r.setLabels(labels);
            return r;
        }
    }

    private static <I, O> SingleOutputStreamOperator<O> async(
            DataStream<I> in, RetryingAsyncFunction<I, O> fn, long timeoutMillis) {
        return AsyncDataStream.unorderedWait(
                in, fn, timeoutMillis, TimeUnit.MILLISECONDS, ASYNC_CAPACITY);
    }

    /**
     * Only backs up the function's own per-process deadlines and retries (storage errors are
     * retried for {@link OperatorSettings#STORAGE_RETRY_FOR}).
     */
    private static long taskTimeoutMillis(OperatorSettings settings) {
        return settings.taskTimeout().toMillis() * (settings.maxAttempts() + 1)
                + OperatorSettings.STORAGE_RETRY_FOR.toMillis()
                + 60_000;
    }

    /** Preparation runs several native steps (probe, decode check, one stream copy a chunk). */
    private static long prepareTimeoutMillis(OperatorSettings settings) {
        return 3 * taskTimeoutMillis(settings);
    }
}
