package org.transcoder.media.chunk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.ffmpeg.CpuPriority;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.ffmpeg.UntrustedInput;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * Writes each chunk's source packets to staging by stream copy (no re-encode), from the keyframe at
 * or before the chunk start to a little past its end, keeping the original timestamps (NUT
 * container: any codec, exact time base). The encoder trims to the exact chunk; the extra tail
 * covers open-GOP frames that follow the next keyframe in decode order but belong to this chunk.
 */
public final class ChunkSplitter {

    /** Extra source time copied past a chunk's end. */
    static final double TAIL_MARGIN_SECONDS = 0.5;

    private ChunkSplitter() {}

    /** Stages one chunk; returns the staged file. */
    public static Path stage(
            Path source, MediaInfo info, ChunkSpec chunk, Path stagingDir, ValidationPolicy policy)
            throws MediaException {
        FfmpegBinaries ff = FfmpegBinaries.get();
        int stream = info.video().orElseThrow().index();
        Path out = stagingDir.resolve(OutputLayout.stagedChunkName(chunk.index()));
        List<String> cmd = new ArrayList<>();
        if (chunk.index() > 0) {
            // Later chunks are staged while the first is encoded: they must not slow it down.
            cmd.addAll(CpuPriority.background());
        }
        cmd.addAll(List.of(ff.ffmpeg().toString(), "-nostdin", "-hide_banner", "-v", "error"));
        if (chunk.index() > 0) {
            // Input -ss counts from the file's start time; the demuxer lands on a keyframe at or
            // before it (never after), which is all the encoder needs.
            double seek = Math.max(0, chunk.seekPts() - info.startSeconds() + ChunkPlanner.EPSILON);
            cmd.addAll(List.of("-ss", String.format(Locale.ROOT, "%.6f", seek)));
        }
        cmd.addAll(UntrustedInput.probed(source, info.container(), policy.maxPixels()));
        cmd.addAll(List.of("-map", "0:" + stream, "-c", "copy", "-copyts"));
        if (chunk.endPts() < info.videoEndPts() - ChunkPlanner.EPSILON) {
            // With -copyts, -to is on the source timeline; it stops at the first packet whose
            // decode time reaches it, so every frame shown before the end has its references.
            cmd.addAll(
                    List.of(
                            "-to",
                            String.format(
                                    Locale.ROOT, "%.6f", chunk.endPts() + TAIL_MARGIN_SECONDS)));
        }
        if (chunk.stagingOffsetSeconds() > 0) {
            // NUT takes no negative presentation time (see ChunkSpec); the encoder moves it back.
            cmd.addAll(
                    List.of(
                            "-output_ts_offset",
                            String.format(Locale.ROOT, "%.6f", chunk.stagingOffsetSeconds())));
        }
        // Keep negative decode times (B-frames before the first keyframe's display time): the
        // default shift would move every frame off the source timeline the trims are computed on.
        cmd.addAll(List.of("-avoid_negative_ts", "disabled", "-f", "nut", "-y", out.toString()));
        try {
            Files.createDirectories(stagingDir);
            ProcessResult r = NativeProcess.run(cmd, ff.environment(), policy.step());
            if (r.exitCode() != 0 || !Files.isRegularFile(out) || Files.size(out) == 0) {
                throw new MediaException(
                        ReasonCode.CORRUPT_INPUT,
                        "Splitting chunk " + chunk.index() + " failed: " + r.stderrTail());
            }
            return out;
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(ReasonCode.CORRUPT_INPUT, e.getMessage(), e);
        } catch (NativeProcess.LimitExceededException e) {
            throw new MediaException(e.reason(), e.getMessage(), e);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Staging I/O: " + e.getMessage(), e);
        }
    }
}
