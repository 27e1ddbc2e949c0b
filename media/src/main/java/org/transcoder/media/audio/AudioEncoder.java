package org.transcoder.media.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.transcoder.media.fmp4.Fmp4;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.probe.AudioStreamInfo;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * Encodes the video's one audio rendition, AAC-LC stereo, from the whole track in one pass: per
 * chunk audio would click at every boundary (AAC priming) and drift. The track is aligned to the
 * video's first frame and cut or padded to the video's length, so players keep both in sync.
 *
 * <p>A video published while it is encoded needs its first seconds of audio before the whole track
 * is done: {@link #encodeStart} encodes the same input from the same first sample, only shorter,
 * and keeps the segments that end well before its cut. FFmpeg's AAC encoder and the fragmenter only
 * look back (and one frame ahead), so those segments are byte for byte the whole track's first
 * ones: playlists that list them first only grow when the whole track replaces them.
 */
public final class AudioEncoder {

    /** Encoder delay of FFmpeg's AAC-LC encoder, in samples (one frame). */
    static final int PRIMING_SAMPLES = 1024;

    /** Target audio segment length. */
    static final double SEGMENT_SECONDS = 4.0;

    /**
     * Audio encoded past the last segment {@link #encodeStart} keeps, so that no kept frame is
     * encoded differently for being near the end of the input (the encoder looks one frame ahead).
     */
    static final double START_MARGIN_SECONDS = 1.0;

    private final Duration timeout;
    private final ValidationPolicy policy;

    /** Under the policy's limits: output size and CPU time of the step. */
    public AudioEncoder(Duration timeout, ValidationPolicy policy) {
        this.timeout = timeout;
        this.policy = policy;
    }

    public AudioEncoder() {
        this(Duration.ofMinutes(30), ValidationPolicy.defaults());
    }

    /** Writes audio/init_HASH.mp4 and audio/seg_NNNNN.m4s under outDir. */
    public AudioTrack encode(Path source, MediaInfo info, int bitrateKbps, Path outDir)
            throws MediaException {
        return encode(source, info, bitrateKbps, outDir, Double.NaN);
    }

    /**
     * The first segments of the track {@link #encode} writes, the same bytes under the same names,
     * enough of them to play the first {@code coverSeconds} (or the whole track, if shorter).
     */
    public AudioTrack encodeStart(
            Path source, MediaInfo info, int bitrateKbps, Path outDir, double coverSeconds)
            throws MediaException {
        return encode(source, info, bitrateKbps, outDir, Math.max(0, coverSeconds));
    }

    /** The whole track ({@code coverSeconds} NaN), or its first segments covering so much. */
    private AudioTrack encode(
            Path source, MediaInfo info, int bitrateKbps, Path outDir, double coverSeconds)
            throws MediaException {
        AudioStreamInfo track =
                info.primaryAudio().orElseThrow(() -> new IllegalArgumentException("no audio"));
        FfmpegBinaries ff = FfmpegBinaries.get();
        Path dir = outDir.resolve(OutputLayout.AUDIO_DIR);
        Path tmp = dir.resolve(".audio.mp4");
        double origin = info.videoStartPts();
        double duration = info.videoDurationSeconds();
        int rate = track.sampleRate() == 44100 ? 44100 : 48000;
        // The AAC encoder puts PRIMING_SAMPLES of priming before the first input sample, and the
        // fragments carry no edit list to hide them (a DASH Representation must not need one):
        // the input starts that much later, so what a player presents at time t is the source's
        // sound at t, and the track (priming included) ends exactly where the video does.
        double primed = Math.max(1.0 / rate, duration - PRIMING_SAMPLES / (double) rate);
        // The start: the segment that holds the cover's end and a margin past it, cut where the
        // whole track would only be padded (the same samples up to the cut either way).
        double startEnd = coverSeconds + SEGMENT_SECONDS + 2 * START_MARGIN_SECONDS;
        boolean whole = Double.isNaN(coverSeconds) || startEnd >= primed;
        double end = whole ? primed : startEnd;
        String filter =
                String.format(
                        Locale.ROOT,
                        "asetpts=PTS-%.6f/TB,aresample=%d:async=1:first_pts=0,"
                                + "atrim=start_sample=%d,asetpts=PTS-STARTPTS,"
                                + "apad=whole_dur=%.6f,atrim=end=%.6f",
                        origin,
                        rate,
                        PRIMING_SAMPLES,
                        end,
                        end);
        List<String> cmd = new ArrayList<>();
        if (Double.isNaN(coverSeconds)) {
            // The whole track is not needed before the first chunks are: it runs behind them.
            cmd.addAll(CpuPriority.background());
        }
        cmd.addAll(
                List.of(
                        ff.ffmpeg().toString(),
                        "-nostdin",
                        "-hide_banner",
                        "-v",
                        "error",
                        "-copyts"));
        cmd.addAll(UntrustedInput.probed(source, info.container(), policy.maxPixels()));
        cmd.addAll(
                List.of(
                        "-map",
                        "0:" + track.index(),
                        "-vn",
                        "-sn",
                        "-dn",
                        "-map_metadata",
                        "-1",
                        "-af",
                        filter,
                        "-c:a",
                        "aac",
                        "-b:a",
                        bitrateKbps + "k",
                        "-ac",
                        "2",
                        "-frag_duration",
                        Long.toString((long) (SEGMENT_SECONDS * 1_000_000)),
                        "-movflags",
                        "+empty_moov+default_base_moof",
                        "-flags",
                        "+bitexact",
                        "-fflags",
                        "+bitexact",
                        "-f",
                        "mp4"));
        cmd.addAll(UntrustedInput.outputCap(policy.maxOutputBytes()));
        cmd.addAll(List.of("-y", tmp.toString()));
        try {
            Files.createDirectories(dir);
            ProcessResult r = NativeProcess.run(cmd, ff.environment(), policy.step(timeout));
            if (r.exitCode() != 0) {
                throw new MediaException(
                        r.killedBySignal() ? ReasonCode.ENCODER_CRASHED : ReasonCode.ENCODE_FAILED,
                        "Audio encode failed: " + r.stderrTail());
            }
            UntrustedInput.requireUnderCap(tmp, policy.maxOutputBytes());
            Fmp4.Parts parts = Fmp4.split(Files.readAllBytes(tmp));
            long timescale = Fmp4.timescale(parts.init());
            String initName = OutputLayout.AUDIO_INIT;
            Files.write(dir.resolve(initName), parts.init());
            List<Segment> segments = new ArrayList<>();
            long start = 0;
            // The start keeps the segments that end before its margin, and at least one.
            long keepUntil = (long) ((end - START_MARGIN_SECONDS) * timescale);
            for (int i = 0; i < parts.fragments().size(); i++) {
                byte[] frag = parts.fragments().get(i);
                long ticks = Fmp4.fragmentDuration(frag, parts.init());
                if (!whole && i > 0 && start + ticks > keepUntil) {
                    break;
                }
                String name = OutputLayout.segmentName(i);
                Files.write(dir.resolve(name), frag);
                segments.add(
                        new Segment(
                                name, initName, start, ticks, timescale, frag.length, List.of()));
                start += ticks;
            }
            return new AudioTrack(Fmp4.codecString(parts.init()), 2, rate, segments);
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(ReasonCode.ENCODE_TIMEOUT, e.getMessage(), e);
        } catch (NativeProcess.LimitExceededException e) {
            throw new MediaException(e.reason(), "Audio encode: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MediaException(ReasonCode.INTERNAL_ERROR, "Audio I/O: " + e.getMessage(), e);
        } finally {
            tmp.toFile().delete();
        }
    }
}
