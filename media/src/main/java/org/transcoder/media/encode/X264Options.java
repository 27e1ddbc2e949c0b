package org.transcoder.media.encode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.transcoder.media.ladder.Rendition;

/**
 * The libx264 output options of one rendition: capped CRF, High profile, closed GOPs with keyframes
 * forced at fixed times (no scene-cut keyframes), so every rendition of a chunk has its IDR frames
 * at the same timestamps.
 */
public final class X264Options {

    private X264Options() {}

    public static List<String> forRendition(EncodeSpec spec, Rendition r, int streamIndex) {
        // Keyframes are forced by time. -g only caps the frames between two keyframes, and with
        // variable frame rate a GOP of the forced length holds up to gopSeconds * the maximum
        // rate: from the average rate, bursts of frames got extra, unaligned keyframes.
        int maxGopFrames =
                (int) Math.ceil(spec.gopSeconds() * FrameTiming.MAX_FRAME_RATE * 2 + 1e-9);
        double nominal =
                spec.nominalFrameRate() > 0
                        ? spec.nominalFrameRate()
                        : EncodeSpec.nominalFor(spec.frameRate(), 0);
        String s = ":v:" + streamIndex;
        List<String> o = new ArrayList<>();
        o.addAll(
                List.of(
                        "-c" + s,
                        "libx264",
                        "-preset" + s,
                        spec.preset(),
                        "-profile" + s,
                        spec.profile()));
        o.addAll(List.of("-crf" + s, Integer.toString(r.crf())));
        o.addAll(
                List.of(
                        "-maxrate" + s,
                        r.maxrateKbps() + "k",
                        "-bufsize" + s,
                        r.bufsizeKbps() + "k"));
        o.addAll(List.of("-g" + s, Integer.toString(maxGopFrames), "-sc_threshold" + s, "0"));
        // The same parameter sets for every chunk of a video: a fixed encoder time base (the
        // SPS's VUI timing is 1/(2 * time base)) and a fixed nominal rate (the level), instead of
        // each chunk's guessed frame rate; the time base is also exact for every source time, where
        // 1/(guessed rate) rounded near frames onto one timestamp. force-cfr=0 keeps x264's rate
        // control on the real timestamps (fps= alone would make it assume constant rate).
        o.addAll(List.of("-enc_time_base" + s, "1/" + FfmpegChunkEncoder.TIMESCALE));
        o.addAll(
                List.of(
                        "-x264-params" + s,
                        String.format(Locale.ROOT, "fps=%.3f:force-cfr=0", nominal)));
        o.addAll(
                List.of(
                        "-force_key_frames" + s,
                        String.format(
                                Locale.ROOT, "expr:gte(t,n_forced*%.3f)", spec.gopSeconds())));
        o.addAll(List.of("-pix_fmt" + s, "yuv420p"));
        if (spec.hdrTransfer() != null) {
            o.addAll(
                    List.of(
                            "-color_primaries" + s,
                            "bt709",
                            "-color_trc" + s,
                            "bt709",
                            "-colorspace" + s,
                            "bt709"));
        }
        if (spec.threadsPerEncode() > 0) {
            o.addAll(List.of("-threads" + s, Integer.toString(spec.threadsPerEncode())));
        }
        return o;
    }
}
