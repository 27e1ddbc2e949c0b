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
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkPlanner;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.fmp4.Fmp4;
import org.transcoder.media.ladder.Rendition;

/**
 * Encodes a chunk with the bundled ffmpeg in a child process: one decode, a split/scale graph and
 * one libx264 fragmented-MP4 output per rendition; then moves the fragments to the chunk's place on
 * the timeline. A crash or a hang of the child is a failed task, never a dead TaskManager.
 */
public final class FfmpegChunkEncoder implements ChunkEncoder {

    /** Video timescale of every rendition: 90 kHz is exact for all common frame rates. */
    public static final int TIMESCALE = 90_000;

    private final Duration timeout;
    private final Path executable;

    public FfmpegChunkEncoder(Duration timeout) {
        this(timeout, null);
    }

    /** With another ffmpeg executable (null: the bundled one); tests use one that crashes. */
    public FfmpegChunkEncoder(Duration timeout, Path executable) {
        this.timeout = timeout;
        this.executable = executable;
    }

    public FfmpegChunkEncoder() {
        this(Duration.ofMinutes(10));
    }

    @Override
    public List<EncodedSegment> encode(
            Path stagedChunk, ChunkSpec chunk, double timelineOrigin, EncodeSpec spec, Path outDir)
            throws MediaException {
        FfmpegBinaries ff = FfmpegBinaries.get();
        Path work = outDir.resolve(".work-" + chunk.index());
        List<String> cmd = new ArrayList<>();
        Path program = executable == null ? ff.ffmpeg() : executable;
        cmd.addAll(List.of(program.toString(), "-nostdin", "-hide_banner", "-v", "error"));
        cmd.addAll(List.of("-noautorotate", "-copyts", "-i", stagedChunk.toString()));
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
                            "mp4",
                            "-y",
                            work.resolve(i + ".mp4").toString()));
        }
        try {
            Files.createDirectories(work);
            ProcessResult r = NativeProcess.run(cmd, ff.environment(), timeout);
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
            List<EncodedSegment> out = new ArrayList<>();
            // Rounded ends, not rounded differences: each chunk ends exactly where the next begins.
            long offset =
                    Math.round(chunk.startPts() * TIMESCALE)
                            - Math.round(timelineOrigin * TIMESCALE);
            for (int i = 0; i < renditions.size(); i++) {
                out.add(
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
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Chunk encode I/O: " + e.getMessage(), e);
        } finally {
            LocalFiles.deleteQuietly(work);
        }
    }

    private static EncodedSegment packageRendition(
            Path encoded, Rendition r, ChunkSpec chunk, long tfdtOffset, Path outDir)
            throws IOException, MediaException {
        Fmp4.Parts parts = Fmp4.split(Files.readAllBytes(encoded));
        if (parts.fragments().isEmpty()) {
            throw new MediaException(
                    ReasonCode.ENCODE_FAILED,
                    "Chunk " + chunk.index() + " produced no frames for " + r.name());
        }
        // mfhd sequence numbers keep increasing across chunks (room for 1000 fragments a chunk).
        long durationTicks =
                Math.round(chunk.endPts() * TIMESCALE) - Math.round(chunk.startPts() * TIMESCALE);
        Fmp4.retime(parts.fragments(), tfdtOffset, chunk.index() * 1000 + 1, durationTicks);
        Path dir = Files.createDirectories(outDir.resolve(r.name()));
        String initName = "init_" + shortHash(parts.init()) + ".mp4";
        Path init = dir.resolve(initName);
        if (!Files.exists(init)) {
            Files.write(init, parts.init());
        }
        Path seg = dir.resolve(segmentName(chunk.index()));
        long bytes = 0;
        int frames = 0;
        try (var os = Files.newOutputStream(seg)) {
            for (byte[] f : parts.fragments()) {
                os.write(f);
                bytes += f.length;
                frames += Fmp4.sampleCount(f);
            }
        }
        return new EncodedSegment(
                r.name(),
                chunk.index(),
                seg,
                init,
                initName,
                chunk.durationSeconds(),
                bytes,
                frames,
                Fmp4.codecString(parts.init()));
    }

    public static String segmentName(int chunkIndex) {
        return String.format(Locale.ROOT, "seg_%05d.m4s", chunkIndex);
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
