package org.transcoder.media.encode;

import java.io.Serializable;
import java.util.List;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.ladder.LadderPolicy;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * Everything a chunk encode needs to know about its video, decided once per video so that every
 * chunk of every rendition is encoded the same way.
 *
 * @param rotation clockwise display rotation to apply (staged chunks lose the display matrix)
 * @param deinterlace the source is interlaced
 * @param hdrTransfer the source's PQ/HLG transfer to tone-map to SDR, or null for SDR sources
 * @param frameRate the source's average frame rate (frames over duration, as probed). It is NOT the
 *     playlist's FRAME-RATE: that is the maximum rate of each rung's output, measured from its
 *     samples ({@link EncodedSegment#minSampleTicks()}, {@link
 *     org.transcoder.media.manifest.VideoTrack#maxFrameRate}); nor does it space keyframes, which
 *     are forced by time ({@link X264Options})
 * @param threadsPerEncode x264 threads per rendition encode (0 = FFmpeg decides every thread count,
 *     as the ffmpeg CLI does)
 * @param nominalFrameRate the frame rate x264 is told for every chunk of the video (it picks the
 *     H.264 level from it): the higher of the source's average and r_frame_rate, at most {@link
 *     FrameTiming#MAX_FRAME_RATE}, to 3 decimals. Decided once per video, with a fixed 1/90000
 *     encoder time base, so that every chunk of a rung has byte-identical parameter sets (SPS
 *     level, VUI timing) and so one init segment; left to ffmpeg, both came from each chunk's own
 *     guessed frame rate
 * @param colors what every rung declares of its colours ({@link ColorTags}); null in specs stored
 *     before it existed (their rungs declare nothing, as then)
 */
public record EncodeSpec(
        List<Rendition> renditions,
        String preset,
        String profile,
        double gopSeconds,
        double frameRate,
        int rotation,
        boolean deinterlace,
        String hdrTransfer,
        int threadsPerEncode,
        double nominalFrameRate,
        ColorTags colors)
        implements Serializable {

    /**
     * The nominal rate for a source of these average and r_frame_rate rates: the higher one, at
     * most {@link FrameTiming#MAX_FRAME_RATE} (no rung has frames closer than that), 30 when
     * neither is known, rounded to 3 decimals.
     */
    public static double nominalFor(double averageRate, double realRate) {
        double r = Math.max(averageRate, realRate);
        if (!(r > 0) || Double.isInfinite(r)) {
            r = 30;
        }
        r = Math.min(r, FrameTiming.MAX_FRAME_RATE);
        return Math.max(1, Math.round(r * 1000) / 1000.0);
    }

    /**
     * x264 threads per rendition. Parallelism comes from chunks, one encode per slot, and a chunk
     * encode already runs its rungs in threads of their own: one thread each (with a one-thread
     * decoder and filter graph, see FfmpegChunkEncoder) spends the least CPU per frame. Measured
     * against 2 threads (bench/FINDINGS.md): ~3% less CPU on 16 s chunks, 6-8% on 2 s clips, at
     * +0.1 s of wall on a 2 s clip alone.
     */
    public static final int DEFAULT_THREADS_PER_ENCODE = 1;

    public static EncodeSpec forSource(VideoStreamInfo video, Ladder ladder) {
        return new EncodeSpec(
                LadderPolicy.renditionsFor(video, ladder),
                ladder.preset(),
                ladder.profile(),
                ladder.gopSeconds(),
                video.avgFrameRate(),
                video.rotation(),
                video.interlaced(),
                video.hdr() ? video.colorTransfer() : null,
                0,
                nominalFor(video.avgFrameRate(), video.realFrameRate()),
                ColorTags.forSource(video));
    }

    public EncodeSpec withRotation(int degrees) {
        return new EncodeSpec(
                renditions,
                preset,
                profile,
                gopSeconds,
                frameRate,
                degrees,
                deinterlace,
                hdrTransfer,
                threadsPerEncode,
                nominalFrameRate,
                colors);
    }

    public EncodeSpec withThreadsPerEncode(int threads) {
        return new EncodeSpec(
                renditions,
                preset,
                profile,
                gopSeconds,
                frameRate,
                rotation,
                deinterlace,
                hdrTransfer,
                threads,
                nominalFrameRate,
                colors);
    }
}
