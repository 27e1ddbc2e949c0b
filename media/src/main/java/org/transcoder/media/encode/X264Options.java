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
        double fps = spec.frameRate() > 0 ? spec.frameRate() : 30;
        int gopFrames = Math.max(1, (int) Math.round(spec.gopSeconds() * fps));
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
        o.addAll(List.of("-g" + s, Integer.toString(gopFrames * 2), "-sc_threshold" + s, "0"));
        o.addAll(
                List.of(
                        "-force_key_frames" + s,
                        String.format(
                                Locale.ROOT, "expr:gte(t,n_forced*%.3f)", spec.gopSeconds())));
        // The same frame rate and time base for every chunk of the video: x264 derives the SPS's
        // level and VUI timing from them, and a per-chunk guess (variable frame rate) gave the
        // chunks of one rung different parameter sets, so different init segments. A 90 kHz
        // encoder time base keeps every source timestamp exact (passthrough timing).
        o.addAll(
                List.of(
                        "-x264-params" + s,
                        String.format(Locale.ROOT, "fps=%d/1000", Math.round(fps * 1000)),
                        "-enc_time_base" + s,
                        "1:" + FfmpegChunkEncoder.TIMESCALE));
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
