package org.transcoder.media.encode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.LocalFiles;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkPlanner;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.ffmpeg.CpuPriority;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.ffmpeg.UntrustedInput;
import org.transcoder.media.fmp4.Fmp4;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.manifest.VideoTrack;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * Encodes a chunk with the bundled ffmpeg in a child process: one decode, a split/scale graph and
 * one libx264 fragmented-MP4 output per rendition; then moves the fragments to the chunk's place on
 * the timeline, cut into the chunk's planned number of HLS segments at keyframes. A crash or a hang
 * of the child is a failed task, never a dead TaskManager.
 */
public final class FfmpegChunkEncoder implements ChunkEncoder {

    /** Video timescale of every rendition (the manifests' {@link VideoTrack#TIMESCALE}). */
    public static final int TIMESCALE = VideoTrack.TIMESCALE;

    private final Duration timeout;

    private final Path executable;
    private final ValidationPolicy policy;

    public FfmpegChunkEncoder(Duration timeout) {
        this(timeout, null, ValidationPolicy.defaults());
    }

    /** Under the policy's limits: pixels of every decoded frame, output size, CPU time. */
    public FfmpegChunkEncoder(Duration timeout, ValidationPolicy policy) {
        this(timeout, null, policy);
    }

    /** With another ffmpeg executable (null: the bundled one); tests use one that crashes. */
    public FfmpegChunkEncoder(Duration timeout, Path executable) {
        this(timeout, executable, ValidationPolicy.defaults());
    }

    private FfmpegChunkEncoder(Duration timeout, Path executable, ValidationPolicy policy) {
        this.timeout = timeout;
        this.executable = executable;
        this.policy = policy;
    }

    public FfmpegChunkEncoder() {
        this(Duration.ofMinutes(10));
    }

    @Override
    public List<EncodedSegment> encode(
            Path stagedChunk, ChunkSpec chunk, double timelineOrigin, EncodeSpec spec, Path outDir)
            throws MediaException {
        if (chunk.index() == 0) {
            // The video plays once its first chunk is done, and the later chunks run behind it:
            // FFmpeg threads its decoder, filters and every rung as it likes, so the chunk uses
            // every core (one thread each left its biggest rung alone holding up the video).
            spec = spec.withThreadsPerEncode(0);
        }
        FfmpegBinaries ff = FfmpegBinaries.get();
        Path work = outDir.resolve(".work-" + chunk.index());
        List<String> cmd = new ArrayList<>();
        if (chunk.index() > 0) {
            // A video is playable once its first chunk is: first chunks (of new uploads) get the
            // CPU before later chunks, which have the whole machine whenever no first chunk runs.
            cmd.addAll(CpuPriority.background());
        }
        Path program = executable == null ? ff.ffmpeg() : executable;
        cmd.addAll(List.of(program.toString(), "-nostdin", "-hide_banner", "-v", "error"));
        if (spec.threadsPerEncode() > 0) {
            // The pipeline sizes threads: the decoder (and a light filter graph) get one thread
            // each, because slots already keep every core busy and FFmpeg's frame and slice
            // threads only add overhead. Tone mapping and deinterlacing keep theirs: they can
            // cost more than an encode.
            cmd.addAll(List.of("-threads", "1"));
            if (!VideoFilters.isHeavy(spec)) {
                cmd.addAll(List.of("-filter_complex_threads", "1"));
            }
        }
        cmd.addAll(List.of("-noautorotate", "-copyts"));
        if (chunk.stagingOffsetSeconds() > 0) {
            // Back on the source's timeline, where the trims and the tfdt offset are computed.
            cmd.addAll(
                    List.of(
                            "-itsoffset",
                            String.format(Locale.ROOT, "%.6f", -chunk.stagingOffsetSeconds())));
        }
        cmd.addAll(UntrustedInput.staged(stagedChunk, policy.maxPixels()));
        cmd.addAll(
                List.of(
                        "-filter_complex",
                        VideoFilters.chunkGraph(
                                spec,
                                chunk.startPts() - ChunkPlanner.EPSILON,
                                chunk.endPts() - ChunkPlanner.EPSILON)));
        List<Rendition> renditions = spec.renditions();
        for (int i = 0; i < renditions.size(); i++) {
            cmd.addAll(List.of("-map", "[v" + i + "]", "-an", "-sn", "-dn", "-map_metadata", "-1"));
            cmd.addAll(X264Options.forRendition(spec, renditions.get(i), 0));
            cmd.addAll(
                    List.of(
                            "-fps_mode",
                            "passthrough",
                            "-video_track_timescale",
                            Integer.toString(TIMESCALE),
                            "-movflags",
                            "+frag_keyframe+empty_moov+default_base_moof",
                            "-flags",
                            "+bitexact",
                            "-fflags",
                            "+bitexact",
                            "-f",
                            "mp4"));
            cmd.addAll(UntrustedInput.outputCap(policy.maxOutputBytes()));
            cmd.addAll(List.of("-y", work.resolve(i + ".mp4").toString()));
        }
        try {
            Files.createDirectories(work);
            ProcessResult r = NativeProcess.run(cmd, ff.environment(), policy.step(timeout));
            if (r.killedBySignal()) {
                throw new MediaException(
                        ReasonCode.ENCODER_CRASHED,
                        String.format(
                                Locale.ROOT,
                                "ffmpeg died (exit %d) encoding chunk %d: %s",
                                r.exitCode(),
                                chunk.index(),
                                r.stderrTail()));
            }
            if (r.exitCode() != 0) {
                throw new MediaException(
                        ReasonCode.ENCODE_FAILED,
                        "Encoding chunk " + chunk.index() + " failed: " + r.stderrTail());
            }
            for (int i = 0; i < renditions.size(); i++) {
                UntrustedInput.requireUnderCap(work.resolve(i + ".mp4"), policy.maxOutputBytes());
            }
            List<EncodedSegment> out = new ArrayList<>();
            // Rounded ends, not rounded differences: each chunk ends exactly where the next begins.
            long offset =
                    Math.round(chunk.startPts() * TIMESCALE)
                            - Math.round(timelineOrigin * TIMESCALE);
            for (int i = 0; i < renditions.size(); i++) {
                out.addAll(
                        packageRendition(
                                work.resolve(i + ".mp4"),
                                renditions.get(i),
                                chunk,
                                offset,
                                outDir));
            }
            return out;
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(ReasonCode.ENCODE_TIMEOUT, e.getMessage(), e);
        } catch (NativeProcess.LimitExceededException e) {
            throw new MediaException(
                    e.reason(), "Encoding chunk " + chunk.index() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Chunk encode I/O: " + e.getMessage(), e);
        } finally {
            LocalFiles.deleteQuietly(work);
        }
    }

    private static List<EncodedSegment> packageRendition(
            Path encoded, Rendition r, ChunkSpec chunk, long tfdtOffset, Path outDir)
            throws IOException, MediaException {
        Fmp4.Parts parts = Fmp4.split(Files.readAllBytes(encoded));
        List<byte[]> fragments = parts.fragments();
        if (fragments.isEmpty()) {
            throw new MediaException(
                    ReasonCode.ENCODE_FAILED,
                    "Chunk " + chunk.index() + " produced no frames for " + r.name());
        }
        // mfhd sequence numbers keep increasing across chunks (room for 1000 fragments a chunk).
        long durationTicks =
                Math.round(chunk.endPts() * TIMESCALE) - Math.round(chunk.startPts() * TIMESCALE);
        try {
            Fmp4.retime(fragments, tfdtOffset, chunk.index() * 1000 + 1, durationTicks);
        } catch (IllegalArgumentException e) {
            throw new MediaException(
                    ReasonCode.CORRUPT_INPUT,
                    "Chunk "
                            + chunk.index()
                            + " of "
                            + r.name()
                            + ": the source's timestamps cannot be made sane: "
                            + e.getMessage(),
                    e);
        }
        Path dir = Files.createDirectories(outDir.resolve(r.name()));
        String initName = OutputLayout.initName(shortHash(parts.init()));
        Path init = dir.resolve(initName);
        if (!Files.exists(init)) {
            Files.write(init, parts.init());
        }
        String codecs = Fmp4.codecString(parts.init());
        long[] ticks = new long[fragments.size()];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = Fmp4.fragmentDuration(fragments.get(i), parts.init());
        }
        int[] starts = segmentStarts(ticks, chunk.segmentCount());
        List<EncodedSegment> out = new ArrayList<>();
        long segStart = tfdtOffset;
        for (int k = 0; k < starts.length; k++) {
            int from = starts[k];
            int to = k + 1 < starts.length ? starts[k + 1] : fragments.size();
            int index = chunk.firstSegment() + k;
            Path seg = dir.resolve(OutputLayout.segmentName(index));
            long bytes = 0;
            long segTicks = 0;
            long minTicks = Long.MAX_VALUE;
            int frames = 0;
            long minSample = Long.MAX_VALUE;
            // Every fragment starts with a key frame (frag_keyframe): one I-frame entry each.
            List<Segment.KeyFrame> keyFrames = new ArrayList<>();
            try (var os = Files.newOutputStream(seg)) {
                for (int i = from; i < to; i++) {
                    byte[] f = fragments.get(i);
                    os.write(f);
                    keyFrames.add(
                            new Segment.KeyFrame(
                                    bytes, Fmp4.firstSampleEnd(f, parts.init()), ticks[i]));
                    bytes += f.length;
                    frames += Fmp4.sampleCount(f);
                    minSample =
                            Math.min(
                                    minSample,
                                    Fmp4.minSampleDuration(
                                            f, parts.init(), i == fragments.size() - 1));
                    segTicks += ticks[i];
                    minTicks = Math.min(minTicks, Fmp4.minSampleDuration(f, parts.init()));
                }
            }
            if (frames == 0 || minTicks <= 0) {
                throw new MediaException(
                        ReasonCode.CORRUPT_INPUT,
                        "Segment " + index + " of " + r.name() + " has a sample of no duration");
            }
            out.add(
                    new EncodedSegment(
                            r.name(),
                            chunk.index(),
                            index,
                            seg,
                            init,
                            initName,
                            segStart,
                            segTicks,
                            keyFrames,
                            bytes,
                            frames,
                            minSample,
                            codecs));
            segStart += segTicks;
        }
        return out;
    }

    /**
     * Which fragments (one per forced keyframe) start each of the chunk's segments: segment k
     * starts at the first keyframe at or after k/n of the chunk, so that a chunk of 2 s GOPs cut
     * into ~4 s segments gets 4, 4, ..., and any shorter rest last; never more segments than
     * fragments.
     */
    static int[] segmentStarts(long[] fragmentTicks, int segments) {
        int fragments = fragmentTicks.length;
        long[] startTick = new long[fragments + 1];
        for (int i = 0; i < fragments; i++) {
            startTick[i + 1] = startTick[i] + fragmentTicks[i];
        }
        int n = Math.min(segments, fragments);
        long slack = TIMESCALE / 20; // keyframes land on frames: a few ms either side of the grid
        int[] starts = new int[n];
        for (int k = 1; k < n; k++) {
            double target = startTick[fragments] * (double) k / n - slack;
            // After the previous cut, leaving one fragment for each segment still to come.
            int last = fragments - (n - k);
            int i = starts[k - 1] + 1;
            while (i < last && startTick[i] < target) {
                i++;
            }
            starts[k] = i;
        }
        return starts;
    }

    static String shortHash(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
