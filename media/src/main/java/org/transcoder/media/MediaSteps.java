package org.transcoder.media;

import java.nio.file.Path;
import org.transcoder.media.VideoPreparation.PreparedVideo;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.thumbs.Thumbnails;

/**
 * The native steps of a transcode behind one seam: both runners (the whole-file {@link Transcoder}
 * and the job's operators) call these and nothing of FFmpeg; {@link #ffmpeg} gives the bundled
 * FFmpeg's implementation under the options' limits.
 */
public interface MediaSteps {

    /** What the source holds: streams, every frame's time, key frames. */
    MediaInfo probe(Path source) throws MediaException;

    /** Probes, checks and plans the source for {@code ladder}; chunks are staged from it. */
    PreparedVideo prepare(Path source, Ladder ladder) throws MediaException;

    /**
     * Copies one planned chunk's source packets (a stream copy) into {@code dir}; returns the file.
     * Preparing a video stages its first chunk, the job stages the rest while it is encoded.
     */
    Path stageChunk(Path source, MediaInfo info, ChunkSpec chunk, Path dir) throws MediaException;

    /** Encodes chunks into every rung. */
    ChunkEncoder chunkEncoder();

    /** The video's one audio rendition, under {@code outDir}/audio/. */
    AudioTrack encodeAudio(Path source, MediaInfo info, int bitrateKbps, Path outDir)
            throws MediaException;

    /**
     * The first segments of {@link #encodeAudio}'s track, the same bytes, covering at least the
     * first {@code coverSeconds}: what a video published while it is encoded plays first.
     */
    AudioTrack encodeAudioStart(
            Path source, MediaInfo info, int bitrateKbps, Path outDir, double coverSeconds)
            throws MediaException;

    /** Poster and storyboard, under {@code outDir}/thumbnails/. */
    Thumbnails extractThumbnails(Path source, MediaInfo info, EncodeSpec spec, Path outDir)
            throws MediaException;

    static MediaSteps ffmpeg(TranscodeOptions options) {
        return new FfmpegSteps(options);
    }
}
