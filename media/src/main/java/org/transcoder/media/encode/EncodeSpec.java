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
 * @param frameRate average source frame rate (keyframe spacing, x264's rate control and level; the
 *     playlists declare each rung's measured maximum instead)
 * @param threadsPerEncode x264 threads per rendition encode (0 = FFmpeg decides every thread count,
 *     as the ffmpeg CLI does)
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
        int threadsPerEncode)
        implements Serializable {

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
                0);
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
                threadsPerEncode);
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
                threads);
    }
}
