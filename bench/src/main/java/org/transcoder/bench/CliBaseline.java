package org.transcoder.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.VideoFilters;
import org.transcoder.media.encode.X264Options;
import org.transcoder.media.ladder.Ladder;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * The reference a team would run instead of the pipeline: ONE ffmpeg process that decodes the
 * source once, splits/scales it with the same filter graph, encodes every rung with the same x264
 * options (preset, profile, capped CRF, maxrate/bufsize, keyframes forced every 2 s, no scene cut),
 * AAC 128k stereo, and writes HLS fMP4 (4 s segments, a master playlist). The pieces come from the
 * media module itself, so both sides do the same work.
 *
 * <p>Two playlist types: {@link PlaylistType#VOD} (mode {@code cli}, the baseline of every ratio)
 * and {@link PlaylistType#EVENT} (mode {@code cli-event}): the same command with {@code
 * -hls_playlist_type event}, so that ffmpeg publishes the master and growing media playlists while
 * it encodes (they end with {@code #EXT-X-ENDLIST} once it is done): what a team would run for an
 * early first play.
 */
final class CliBaseline {

    static final String AUDIO_NAME = "audio";
    static final int SEGMENT_SECONDS = 4;

    private CliBaseline() {}

    /** The value of {@code -hls_playlist_type}. */
    enum PlaylistType {
        VOD,
        EVENT;

        String option() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** cli-event (and cli-event@cK): EVENT playlists; every other CLI mode: VOD. */
        static PlaylistType ofMode(String mode) {
            return mode.startsWith("cli-event") ? EVENT : VOD;
        }
    }

    static List<Rendition> renditions(MediaInfo info, Ladder ladder) {
        return EncodeSpec.forSource(info.video().orElseThrow(), ladder).renditions();
    }

    static List<String> command(
            Path ffmpeg, Path source, MediaInfo info, Ladder ladder, Path outDir) {
        return command(ffmpeg, source, info, ladder, outDir, PlaylistType.VOD);
    }

    static List<String> command(
            Path ffmpeg,
            Path source,
            MediaInfo info,
            Ladder ladder,
            Path outDir,
            PlaylistType playlistType) {
        VideoStreamInfo video = info.video().orElseThrow();
        EncodeSpec spec = EncodeSpec.forSource(video, ladder);
        List<Rendition> rungs = spec.renditions();
        List<String> cmd = new ArrayList<>();
        cmd.addAll(List.of(ffmpeg.toString(), "-nostdin", "-hide_banner", "-v", "error"));
        cmd.addAll(List.of("-noautorotate", "-i", source.toString()));
        cmd.addAll(
                List.of(
                        "-filter_complex",
                        VideoFilters.graph(
                                "[0:" + video.index() + "]", spec, VideoFilters.normalize(spec))));
        StringJoiner streamMap = new StringJoiner(" ");
        boolean audio = info.primaryAudio().isPresent();
        for (int i = 0; i < rungs.size(); i++) {
            cmd.addAll(List.of("-map", "[v" + i + "]"));
            cmd.addAll(X264Options.forRendition(spec, rungs.get(i), i));
            streamMap.add("v:" + i + (audio ? ",agroup:aud" : "") + ",name:" + rungs.get(i).name());
        }
        cmd.addAll(List.of("-fps_mode", "passthrough"));
        if (audio) {
            int rate = info.primaryAudio().get().sampleRate() == 44100 ? 44100 : 48000;
            cmd.addAll(
                    List.of(
                            "-map",
                            "0:" + info.primaryAudio().get().index(),
                            "-c:a",
                            "aac",
                            "-b:a",
                            ladder.audioBitrateKbps() + "k",
                            "-ac",
                            "2",
                            "-ar",
                            Integer.toString(rate)));
            streamMap.add("a:0,agroup:aud,name:" + AUDIO_NAME);
        }
        cmd.addAll(
                List.of(
                        "-map_metadata",
                        "-1",
                        "-f",
                        "hls",
                        "-hls_time",
                        Integer.toString(SEGMENT_SECONDS),
                        "-hls_playlist_type",
                        playlistType.option(),
                        "-hls_segment_type",
                        "fmp4",
                        "-hls_flags",
                        "independent_segments",
                        "-hls_fmp4_init_filename",
                        "init.mp4",
                        "-hls_segment_filename",
                        outDir.resolve("%v").resolve("seg_%05d.m4s").toString(),
                        "-master_pl_name",
                        "master.m3u8",
                        "-var_stream_map",
                        streamMap.toString(),
                        "-y",
                        outDir.resolve("%v").resolve("index.m3u8").toString()));
        return cmd;
    }
}
