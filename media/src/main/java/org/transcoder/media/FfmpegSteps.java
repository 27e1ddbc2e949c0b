package org.transcoder.media;

import java.nio.file.Path;
import org.transcoder.media.VideoPreparation.PreparedVideo;
import org.transcoder.media.audio.AudioEncoder;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.chunk.ChunkSplitter;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.FfmpegChunkEncoder;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.thumbs.ThumbnailExtractor;
import org.transcoder.media.thumbs.Thumbnails;

/**
 * The media steps with the bundled FFmpeg, each under the options' limits and step timeout. Made
 * only once the bundled build is unpacked and has what the steps need (libx264, aac, mjpeg): a
 * machine without them fails here, loudly, not on every video.
 */
record FfmpegSteps(TranscodeOptions options) implements MediaSteps {

    FfmpegSteps {
        FfmpegBinaries.get();
    }

    @Override
    public MediaInfo probe(Path source) throws MediaException {
        return MediaProbe.probe(source, options.validation());
    }

    @Override
    public PreparedVideo prepare(Path source, Ladder ladder) throws MediaException {
        return new VideoPreparation(options).prepare(source, ladder);
    }

    @Override
    public Path stageChunk(Path source, MediaInfo info, ChunkSpec chunk, Path dir)
            throws MediaException {
        return ChunkSplitter.stage(source, info, chunk, dir, options.validation());
    }

    @Override
    public ChunkEncoder chunkEncoder() {
        return new FfmpegChunkEncoder(options.stepTimeout(), options.validation());
    }

    @Override
    public AudioTrack encodeAudio(Path source, MediaInfo info, int bitrateKbps, Path outDir)
            throws MediaException {
        return new AudioEncoder(options.stepTimeout(), options.validation())
                .encode(source, info, bitrateKbps, outDir);
    }

    @Override
    public AudioTrack encodeAudioStart(
            Path source, MediaInfo info, int bitrateKbps, Path outDir, double coverSeconds)
            throws MediaException {
        return new AudioEncoder(options.stepTimeout(), options.validation())
                .encodeStart(source, info, bitrateKbps, outDir, coverSeconds);
    }

    @Override
    public Thumbnails extractThumbnails(Path source, MediaInfo info, EncodeSpec spec, Path outDir)
            throws MediaException {
        return ThumbnailExtractor.extract(source, info, spec, outDir, options.validation());
    }
}
