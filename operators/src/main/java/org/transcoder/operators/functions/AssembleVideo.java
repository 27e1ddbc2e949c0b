package org.transcoder.operators.functions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.BitRates;
import org.transcoder.media.manifest.Packaging;
import org.transcoder.media.manifest.Presentation;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.manifest.VideoTrack;
import org.transcoder.operators.Failures;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.Publication;
import org.transcoder.operators.model.RenditionInfo;
import org.transcoder.operators.model.SegmentInfo;
import org.transcoder.operators.model.TaskKind;
import org.transcoder.operators.model.TaskResult;
import org.transcoder.operators.model.VideoPlan;

/**
 * Reassembles each video, keyed by video id: keeps its plan and finished tasks in keyed state and
 * reports progress. It publishes the video while it is encoded: once the audio and the first chunk
 * are done it hands the master playlist and EVENT media playlists of that first part, with the
 * PLAYABLE record, to {@link PublishVideo} (side output {@link Outputs#PUBLICATIONS}), which writes
 * them off the task thread; every chunk that extends the finished run of chunks from the start
 * appends its segments the same way; when every task is done the last publication adds
 * EXT-X-ENDLIST, the I-frame playlists and DASH, with the READY record. A task that failed for
 * good, or a deadline that passes, ends the video as FAILED the same way (its partial outputs
 * deleted). This operator does no I/O, so a slow store never holds up other videos or a checkpoint.
 * State and timers are cleared either way, so a finished video costs nothing.
 */
public class AssembleVideo
        extends KeyedCoProcessFunction<String, VideoPlan, TaskResult, VideoRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(AssembleVideo.class);

    /** Results that arrive without a plan (a replay after completion) are dropped after this. */
    static final long ORPHAN_RESULT_TTL_MILLIS = 10 * 60 * 1000;

    private final OperatorSettings settings;
    private transient ValueState<VideoPlan> plan;
    private transient MapState<String, TaskResult> results;
    private transient ValueState<Long> timer;

    /** Chunks from the start whose segments the published playlists list (none: not playable). */
    private transient ValueState<Integer> publishedChunks;

    private transient Counter videosReady;
    private transient Counter videosFailed;
    private transient Counter videosPlayable;
    private transient long inFlight;

    public AssembleVideo(OperatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext ctx) {
        plan =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("assemble-plan", VideoPlan.class));
        results =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "assemble-results", String.class, TaskResult.class));
        timer =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("assemble-timer", Long.class));
        publishedChunks =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "assemble-published-chunks", Integer.class));
        var metrics = getRuntimeContext().getMetricGroup();
        videosReady = metrics.counter("videosReady");
        videosFailed = metrics.counter("videosFailed");
        videosPlayable = metrics.counter("videosPlayable");
        metrics.gauge("videosInFlight", () -> inFlight);
    }

    @Override
    public void processElement1(VideoPlan p, Context ctx, Collector<VideoRecord> out)
            throws Exception {
        if (plan.value() == null) {
            inFlight++;
        }
        plan.update(p);
        setTimer(ctx, p.getDeadlineAtMillis());
        // Keep only results of this upload's tasks (a replaced upload may have left others).
        List<String> keys = p.taskKeys();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, TaskResult> e : results.entries()) {
            if (!keys.contains(e.getKey())
                    || e.getValue().getGeneration() != p.getReceivedAtMillis()) {
                stale.add(e.getKey());
            }
        }
        for (String k : stale) {
            results.remove(k);
        }
        advance(p, ctx, out);
    }

    @Override
    public void processElement2(TaskResult r, Context ctx, Collector<VideoRecord> out)
            throws Exception {
        VideoPlan p = plan.value();
        if (p != null && r.getGeneration() != p.getReceivedAtMillis()) {
            return; // a task of an earlier upload of this video, finishing late
        }
        results.put(r.key(), r);
        if (p == null) {
            // A result before its plan (or after its video ended): keep it a while, then drop it.
            if (timer.value() == null) {
                setTimer(
                        ctx, ctx.timerService().currentProcessingTime() + ORPHAN_RESULT_TTL_MILLIS);
            }
            return;
        }
        advance(p, ctx, out);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<VideoRecord> out)
            throws Exception {
        VideoPlan p = plan.value();
        timer.clear();
        if (p == null) {
            results.clear();
            return;
        }
        fail(
                p,
                ReasonCode.DEADLINE_EXCEEDED,
                "Not finished " + settings.videoDeadline().toSeconds() + " s after it was received",
                ctx,
                out);
    }

    private void advance(VideoPlan p, Context ctx, Collector<VideoRecord> out) throws Exception {
        int done = 0;
        int chunksDone = 0;
        long outputBytes = 0;
        List<String> keys = p.taskKeys();
        for (String k : keys) {
            TaskResult r = results.get(k);
            if (r == null) {
                continue;
            }
            if (!r.isSuccess()) {
                fail(
                        p,
                        Failures.reason(r.getReasonCode()),
                        r.key() + ": " + r.getMessage(),
                        ctx,
                        out);
                return;
            }
            for (SegmentInfo s : r.getSegments()) {
                outputBytes += s.getBytes();
            }
            done++;
            chunksDone += k.startsWith(TaskKind.CHUNK.name()) ? 1 : 0;
        }
        // Each native output is capped on its own (-fs); this is the whole video's, checked as
        // its tasks finish, so a video over it ends before the rest of it is encoded.
        long cap = settings.validation().maxOutputBytes();
        if (outputBytes > cap) {
            fail(
                    p,
                    ReasonCode.OUTPUT_TOO_LARGE,
                    "The video's outputs passed the cap of " + cap + " bytes",
                    ctx,
                    out);
            return;
        }
        if (done < keys.size()) {
            VideoRecord progress =
                    VideoRecord.processing(
                            p.getVideoId(), p.getSourceUri(), 99 * done / keys.size());
            progress.setChunksDone(chunksDone);
            progress.setChunksTotal(p.getChunkCount());
            progress.setLabels(p.getLabels());
            out.collect(progress);
            publishFirstPart(p, ctx);
            return;
        }
        publish(p, ctx, out);
    }

    /**
     * Publishes (or extends) the first part of the video: the chunks finished from the start, when
     * they are more than the playlists list already, and the audio is done. Each such publication
     * only appends to the playlists; the first makes the video PLAYABLE.
     */
    private void publishFirstPart(VideoPlan p, Context ctx) throws Exception {
        if (p.getTargetDurationSeconds() <= 0 || (p.isHasAudio() && audio(p) == null)) {
            return;
        }
        int prefix = 0;
        while (prefix < p.getChunkCount() && results.get(TaskKind.CHUNK.key(prefix)) != null) {
            prefix++;
        }
        Integer published = publishedChunks.value();
        int before = published == null ? 0 : published;
        if (prefix <= before || prefix >= p.getChunkCount()) {
            return; // nothing new, or the whole video: the last publication writes it
        }
        String id = p.getVideoId();
        java.util.LinkedHashMap<String, String> manifests;
        try {
            manifests =
                    Packaging.growing(targetDuration(p), false).manifests(presentation(p, prefix));
        } catch (MediaException e) {
            // Not published early; the whole video is checked (and fails) when it is done.
            LOG.warn("Video {}: first {} chunks not published: {}", id, prefix, e.getMessage());
            return;
        }
        Publication publication = new Publication();
        for (Map.Entry<String, String> m : manifests.entrySet()) {
            publication.write(OutputLayout.videoFile(id, m.getKey()), m.getValue());
        }
        int percent = 99 * prefix / p.getChunkCount();
        VideoRecord record =
                before == 0
                        ? VideoRecord.playable(
                                id,
                                p.getSourceUri(),
                                settings.publicUrl(OutputLayout.videoFile(id, OutputLayout.MASTER)),
                                // The poster is named once it exists (thumbnails run behind).
                                results.get(TaskKind.THUMBNAILS.key(0)) != null
                                        ? posterUrl(id)
                                        : null,
                                p.getDurationSeconds(),
                                percent)
                        : VideoRecord.processing(id, p.getSourceUri(), percent);
        record.setLabels(p.getLabels());
        publication.setRecord(record);
        publication.setPriority(p.getPriority());
        publication.setAppendOnly(true);
        ctx.output(Outputs.PUBLICATIONS, publication);
        publishedChunks.update(prefix);
        if (before == 0) {
            videosPlayable.inc();
            LOG.info("Video {} playable after {} of {} chunks", id, prefix, p.getChunkCount());
        }
    }

    /**
     * The audio's result as far as it is done: the whole track's, else its start's (null: none of
     * it yet). The start's segments are the whole track's first ones, the same keys and bytes.
     */
    private TaskResult audio(VideoPlan p) throws Exception {
        TaskResult whole = results.get(TaskKind.AUDIO.key(0));
        return whole != null || !p.isAudioStart()
                ? whole
                : results.get(TaskKind.AUDIO_START.key(0));
    }

    /**
     * The growing playlists' EXT-X-TARGETDURATION, the same in every write: the plan's bound on
     * every video segment, or the longest audio segment's (every audio segment but the last is as
     * long as the first, which the start of the audio has too).
     */
    private long targetDuration(VideoPlan p) throws Exception {
        long target = p.getTargetDurationSeconds();
        if (p.isHasAudio()) {
            for (SegmentInfo s : audio(p).getSegments()) {
                Segment seg = s.toSegment(0, 48_000);
                target =
                        Math.max(
                                target,
                                (seg.durationTicks() + seg.timescale() - 1) / seg.timescale());
            }
        }
        return target;
    }

    private String posterUrl(String id) {
        return settings.publicUrl(
                OutputLayout.videoFile(
                        id, OutputLayout.THUMBNAILS_DIR + "/" + OutputLayout.POSTER));
    }

    private void publish(VideoPlan p, Context ctx, Collector<VideoRecord> out) throws Exception {
        String id = p.getVideoId();
        Presentation presentation = presentation(p, p.getChunkCount());
        java.util.LinkedHashMap<String, String> manifests;
        try {
            // A plan from a version before progressive publishing: VOD playlists, as then.
            manifests =
                    (p.getTargetDurationSeconds() > 0
                                    ? Packaging.growing(targetDuration(p), true)
                                    : Packaging.standard())
                            .manifests(presentation);
        } catch (MediaException e) {
            fail(p, e.reason(), e.getMessage(), ctx, out);
            return;
        }
        Optional<AudioTrack> audio = presentation.audio();
        long audioPeak = audio.map(a -> BitRates.peak(a.segments())).orElse(0L);
        long audioAverage = audio.map(a -> BitRates.average(a.segments())).orElse(0L);
        List<RenditionRecord> renditionRecords = new ArrayList<>();
        for (VideoTrack v : presentation.video()) {
            String playlistKey =
                    OutputLayout.videoFile(id, OutputLayout.mediaPlaylist(v.directory()));
            renditionRecords.add(
                    new RenditionRecord(
                            v.name(),
                            v.width(),
                            v.height(),
                            BitRates.peak(v.segments()) + audioPeak,
                            BitRates.average(v.segments()) + audioAverage,
                            v.codecs() + audio.map(a -> "," + a.codecs()).orElse(""),
                            settings.publicUrl(playlistKey)));
        }
        Publication publication = new Publication();
        // In Packaging's order: media manifests first, the entry points (publish points) last.
        for (Map.Entry<String, String> m : manifests.entrySet()) {
            publication.write(OutputLayout.videoFile(id, m.getKey()), m.getValue());
        }
        String masterKey = OutputLayout.videoFile(id, OutputLayout.MASTER);
        VideoRecord ready =
                VideoRecord.ready(
                        id,
                        p.getSourceUri(),
                        settings.publicUrl(masterKey),
                        posterUrl(id),
                        p.getDurationSeconds(),
                        renditionRecords);
        ready.setDashManifestUri(
                settings.publicUrl(OutputLayout.videoFile(id, OutputLayout.DASH_MANIFEST)));
        ready.setLabels(p.getLabels());
        videosReady.inc();
        LOG.info("Video {} assembled: {}", id, ready.getManifestUri());
        end(p, ready, publication, ctx);
    }

    /**
     * The finished tasks' segments as the manifests describe them, rungs in the plan's order: the
     * first {@code chunks} chunks' and the audio's as far as it is done.
     */
    private Presentation presentation(VideoPlan p, int chunks) throws Exception {
        Optional<AudioTrack> audio = Optional.empty();
        if (p.isHasAudio()) {
            List<SegmentInfo> segs = sorted(audio(p).getSegments());
            List<Segment> track = segments(segs, 0);
            long rate = track.isEmpty() ? 0 : track.get(0).timescale();
            String codecs = segs.isEmpty() ? "" : segs.get(0).getCodecs();
            audio = Optional.of(new AudioTrack(codecs, 2, (int) rate, track));
        }
        Map<String, List<SegmentInfo>> byRendition = new HashMap<>();
        for (int i = 0; i < chunks; i++) {
            for (SegmentInfo s : results.get(TaskKind.CHUNK.key(i)).getSegments()) {
                byRendition.computeIfAbsent(s.getRendition(), k -> new ArrayList<>()).add(s);
            }
        }
        List<VideoTrack> rungs = new ArrayList<>();
        for (RenditionInfo r : p.getRenditions()) {
            List<SegmentInfo> segs = sorted(byRendition.getOrDefault(r.getName(), List.of()));
            rungs.add(
                    new VideoTrack(
                            r.getName(),
                            r.getWidth(),
                            r.getHeight(),
                            segs.isEmpty() ? "" : segs.get(0).getCodecs(),
                            VideoTrack.maxFrameRate(
                                    segs.stream()
                                            .mapToLong(SegmentInfo::getMinSampleTicks)
                                            .filter(t -> t > 0)
                                            .min()
                                            .orElse(0),
                                    VideoTrack.TIMESCALE,
                                    p.getNominalFrameRate(),
                                    p.getFrameRate()),
                            VideoTrack.SDR,
                            segments(segs, VideoTrack.TIMESCALE)));
        }
        return new Presentation(rungs, audio);
    }

    /** Segments in order; those from an older savepoint (no timeline) placed end to end. */
    private static List<Segment> segments(List<SegmentInfo> segs, long defaultTimescale) {
        List<Segment> out = new ArrayList<>();
        long end = 0;
        for (SegmentInfo s : segs) {
            Segment seg = s.toSegment(end, defaultTimescale == 0 ? 48_000 : defaultTimescale);
            out.add(seg);
            end = seg.endTicks();
        }
        return out;
    }

    private void fail(
            VideoPlan p, ReasonCode reason, String message, Context ctx, Collector<VideoRecord> out)
            throws Exception {
        videosFailed.inc();
        VideoRecord failed =
                Failures.record(p.getVideoId(), p.getSourceUri(), reason, message, p.getLabels());
        Publication publication = new Publication();
        // A half-written ladder must not look playable: its entry points go first (a video that
        // was PLAYABLE is unpublished before anything it lists), then what the tasks wrote.
        for (String entryPoint : Packaging.standard().entryPoints()) {
            publication.getDeleteKeys().add(OutputLayout.videoFile(p.getVideoId(), entryPoint));
        }
        publication.getDeletePrefixes().add(OutputLayout.videoPrefix(p.getVideoId()));
        end(p, failed, publication, ctx);
    }

    /** Hands the video's end to PublishVideo and clears its state and timer. */
    private void end(VideoPlan p, VideoRecord record, Publication publication, Context ctx)
            throws Exception {
        publication.setRecord(record);
        publication.setPriority(p.getPriority());
        // The staging goes before the video's outputs: a chunk still encoding sees it gone
        // and removes what it wrote after them (EncodeChunk).
        publication.getDeletePrefixes().add(0, OutputLayout.stagingPrefix(p.getVideoId()));
        ctx.output(Outputs.PUBLICATIONS, publication);
        Long t = timer.value();
        if (t != null) {
            ctx.timerService().deleteProcessingTimeTimer(t);
        }
        plan.clear();
        results.clear();
        timer.clear();
        publishedChunks.clear();
        inFlight = Math.max(0, inFlight - 1);
    }

    private void setTimer(Context ctx, long at) throws Exception {
        Long existing = timer.value();
        if (existing != null) {
            ctx.timerService().deleteProcessingTimeTimer(existing);
        }
        ctx.timerService().registerProcessingTimeTimer(at);
        timer.update(at);
    }

    private static List<SegmentInfo> sorted(List<SegmentInfo> segs) {
        List<SegmentInfo> copy = new ArrayList<>(segs);
        copy.sort(Comparator.comparingInt(SegmentInfo::getIndex));
        return copy;
    }
}
