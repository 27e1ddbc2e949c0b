package org.transcoder.media;

import java.nio.file.Path;
import java.util.List;
import org.transcoder.media.chunk.ChunkPlanner;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.probe.VideoStreamInfo;
import org.transcoder.media.validate.MediaValidator;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * Preparing a video, the same for both runners (the whole-file {@link Transcoder} and the Flink
 * job's PrepareVideo): probe it, check it against the policy, plan its chunks and decide how every
 * chunk is encoded. Each runner stages the chunks ({@link MediaSteps#stageChunk}) where it wants.
 */
public record VideoPreparation(TranscodeOptions options) {

    /** A probed, checked and planned video. */
    public record PreparedVideo(
            Path source,
            MediaInfo info,
            VideoStreamInfo video,
            List<ChunkSpec> chunks,
            EncodeSpec spec) {}

    /** Prepares the video at {@code source} for {@code ladder} (the upload's profile). */
    public PreparedVideo prepare(Path source, Ladder ladder) throws MediaException {
        ValidationPolicy policy = options.validation();
        MediaValidator validator = new MediaValidator(policy);
        MediaInfo info;
        VideoStreamInfo video;
        // The decode check runs while the probe lists the packets: the longer the upload, the
        // longer that listing, and the first chunk waits for both.
        try (MediaValidator.EarlyDecode decode = validator.earlyDecode(source)) {
            info = MediaProbe.probe(source, policy, decode::start);
            video = validator.validate(source, info, decode);
        }
        List<ChunkSpec> chunks =
                ChunkPlanner.plan(info, options.chunkingFor(info.videoDurationSeconds()));
        EncodeSpec spec =
                EncodeSpec.forSource(video, ladder)
                        .withThreadsPerEncode(options.threadsPerEncode());
        return new PreparedVideo(source, info, video, chunks, spec);
    }
}
