package org.transcoder.media.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.parser.MediaPlaylistParser;
import io.lindstrom.m3u8.parser.ParsingMode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;

/**
 * What ffprobe (the bundled one) says about a file: streams, packets, frame counts. Also turns an
 * fMP4 HLS rendition into one playable file the way a player reads it (init + segments), so that
 * the checks look at what a viewer gets.
 */
public final class Ffprobe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private Ffprobe() {}

    /** The first video stream of a file, as ffprobe reports it. */
    public record VideoStream(
            int index,
            String codec,
            String profile,
            int level,
            int width,
            int height,
            int rotation,
            String pixFmt,
            String avgFrameRate,
            String sampleAspectRatio,
            String fieldOrder,
            String colorTransfer,
            String colorPrimaries,
            String colorSpace,
            String colorRange,
            String mimeCodec,
            int bitsPerRawSample) {

        /** Sample aspect ratio as a number; 1 when absent or 0:1 (unknown). */
        public double sar() {
            return ratio(sampleAspectRatio, 1.0);
        }

        /** avg_frame_rate as a number; 0 when unknown. */
        public double fps() {
            return ratio(avgFrameRate, 0.0);
        }

        /** True when the display matrix turns the picture by a quarter turn. */
        public boolean quarterTurn() {
            return Math.abs(rotation) % 180 == 90;
        }

        /** Width as displayed: square pixels, rotation applied (not rounded). */
        public double displayWidth() {
            double w = width * sar();
            return quarterTurn() ? height : w;
        }

        /** Height as displayed: square pixels, rotation applied. */
        public double displayHeight() {
            return quarterTurn() ? width * sar() : height;
        }

        public boolean portrait() {
            return displayHeight() > displayWidth();
        }
    }

    /** The first audio stream of a file. */
    public record AudioStream(
            int index, String codec, String profile, int channels, int sampleRate) {}

    /** One demuxed packet. {@code pos} is its byte offset in the file (-1 when unknown). */
    public record Packet(
            double ptsTime,
            double dtsTime,
            double durationTime,
            boolean keyframe,
            long pos,
            long size) {}

    /** Full {@code -show_streams -show_format} JSON. */
    public static JsonNode probe(Path file) {
        return json(
                List.of(
                        "-v",
                        "error",
                        "-show_streams",
                        "-show_format",
                        "-of",
                        "json",
                        file.toString()));
    }

    public static Optional<VideoStream> video(Path file) {
        for (JsonNode s : probe(file).path("streams")) {
            if (s.path("codec_type").asText().equals("video")
                    && s.path("disposition").path("attached_pic").asInt() == 0) {
                return Optional.of(toVideo(s));
            }
        }
        return Optional.empty();
    }

    public static Optional<AudioStream> audio(Path file) {
        for (JsonNode s : probe(file).path("streams")) {
            if (s.path("codec_type").asText().equals("audio")) {
                return Optional.of(
                        new AudioStream(
                                s.path("index").asInt(),
                                s.path("codec_name").asText(""),
                                s.path("profile").asText(""),
                                s.path("channels").asInt(),
                                s.path("sample_rate").asInt()));
            }
        }
        return Optional.empty();
    }

    /** Packets of the first video stream, in file order. */
    public static List<Packet> videoPackets(Path file) {
        return packets(file, "v:0");
    }

    /** Packets of the first audio stream, in file order. */
    public static List<Packet> audioPackets(Path file) {
        return packets(file, "a:0");
    }

    /** Number of packets of the first video stream (one per frame for the codecs we meet). */
    public static int videoPacketCount(Path file) {
        return videoPackets(file).size();
    }

    /** Number of frames that the decoder actually outputs for the first video stream. */
    public static int decodedFrameCount(Path file) {
        JsonNode n =
                json(
                        List.of(
                                "-v",
                                "error",
                                "-select_streams",
                                "v:0",
                                "-count_frames",
                                "-show_entries",
                                "stream=nb_read_frames",
                                "-of",
                                "json",
                                file.toString()));
        return n.path("streams").path(0).path("nb_read_frames").asInt(-1);
    }

    /**
     * Presentation times (seconds, sorted) of the frames the decoder actually outputs for the first
     * video stream: undecodable frames (a stream starting mid-GOP) are not among them.
     */
    public static List<Double> decodedFrameTimes(Path file) {
        JsonNode n =
                json(
                        List.of(
                                "-v",
                                "error",
                                "-select_streams",
                                "v:0",
                                "-show_entries",
                                "frame=best_effort_timestamp_time",
                                "-of",
                                "json",
                                file.toString()));
        List<Double> times = new ArrayList<>();
        for (JsonNode f : n.path("frames")) {
            double t = num(f, "best_effort_timestamp_time");
            if (!Double.isNaN(t)) {
                times.add(t);
            }
        }
        times.sort(null);
        return List.copyOf(times);
    }

    /** One video sample of a file in its stream's own ticks, in file (decode) order. */
    public record Sample(long pts, long dts, long duration, long pos) {}

    /** The first video stream's time base denominator and its samples, in ticks. */
    public record Samples(long timescale, List<Sample> samples) {}

    /** Video samples in ticks (exact, unlike the printed seconds of {@link #videoPackets}). */
    public static Samples videoSamples(Path file) {
        JsonNode n =
                json(
                        List.of(
                                "-v",
                                "error",
                                "-select_streams",
                                "v:0",
                                "-show_entries",
                                "stream=time_base:packet=pts,dts,duration,pos",
                                "-of",
                                "json",
                                file.toString()));
        String tb = n.path("streams").path(0).path("time_base").asText("1/1");
        String[] parts = tb.split("/");
        if (parts.length != 2 || !parts[0].equals("1")) {
            throw new AssertionError(file + ": unexpected video time base " + tb);
        }
        List<Sample> out = new ArrayList<>();
        for (JsonNode p : n.path("packets")) {
            out.add(
                    new Sample(
                            p.path("pts").asLong(Long.MIN_VALUE),
                            p.path("dts").asLong(Long.MIN_VALUE),
                            p.path("duration").asLong(0),
                            p.path("pos").asLong(-1)));
        }
        return new Samples(Long.parseLong(parts[1]), List.copyOf(out));
    }

    /**
     * Presentation span of packets: end of the last frame minus first pts, 0 if none. Where the
     * container's packet durations are bogus (Matroska often says 1 ms), the last frame lasts the
     * typical pts step instead.
     */
    public static double span(List<Packet> packets) {
        double start = Double.MAX_VALUE;
        double end = -Double.MAX_VALUE;
        double step = medianPtsStep(packets);
        for (Packet p : packets) {
            if (Double.isNaN(p.ptsTime())) {
                continue;
            }
            double d = Double.isNaN(p.durationTime()) ? 0 : p.durationTime();
            if (d < step / 2) {
                d = step;
            }
            start = Math.min(start, p.ptsTime());
            end = Math.max(end, p.ptsTime() + d);
        }
        return start == Double.MAX_VALUE ? 0 : end - start;
    }

    /** Median step between consecutive presentation times: the usual frame duration. */
    public static double medianPtsStep(List<Packet> packets) {
        double[] pts =
                packets.stream()
                        .mapToDouble(Packet::ptsTime)
                        .filter(d -> !Double.isNaN(d))
                        .sorted()
                        .toArray();
        List<Double> steps = new ArrayList<>();
        for (int i = 1; i < pts.length; i++) {
            if (pts[i] - pts[i - 1] > 1e-6) {
                steps.add(pts[i] - pts[i - 1]);
            }
        }
        if (steps.isEmpty()) {
            return 0;
        }
        steps.sort(null);
        return steps.get(steps.size() / 2);
    }

    /** Duration of the first video stream, from its packets. */
    public static double videoDuration(Path file) {
        return span(videoPackets(file));
    }

    /** Duration of the first audio stream, from its packets. */
    public static double audioDuration(Path file) {
        return span(audioPackets(file));
    }

    /** One HLS fMP4 rendition glued into a single file, with where each segment sits in it. */
    public record Rendition(
            Path playlist, MediaPlaylist parsed, Path file, List<SegmentBytes> segments) {

        /** Index of the segment that holds a byte offset of {@link #file()}; -1 if none. */
        public int segmentAt(long pos) {
            for (int i = 0; i < segments.size(); i++) {
                SegmentBytes s = segments.get(i);
                if (pos >= s.start() && pos < s.start() + s.size()) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Byte range [start, start + size) of one media segment in the glued file. */
    public record SegmentBytes(String uri, double extinf, long start, long size) {}

    /** Parses a media playlist leniently (unknown tags are not errors). */
    public static MediaPlaylist parseMediaPlaylist(Path playlist) {
        try {
            return new MediaPlaylistParser(ParsingMode.LENIENT).readPlaylist(playlist);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse " + playlist, e);
        }
    }

    /**
     * Glues a rendition into {@code target} the way a player reads it: each segment after the init
     * segment (EXT-X-MAP) that applies to it, writing an init segment again whenever the map
     * changes.
     */
    public static Rendition concatRendition(Path playlist, Path target) {
        MediaPlaylist parsed = parseMediaPlaylist(playlist);
        Path dir = playlist.getParent();
        List<SegmentBytes> segments = new ArrayList<>();
        try (OutputStream out = Files.newOutputStream(target)) {
            String currentMap = null;
            long written = 0;
            for (MediaSegment seg : parsed.mediaSegments()) {
                if (seg.segmentMap().isPresent()) {
                    String uri = seg.segmentMap().get().uri();
                    if (!uri.equals(currentMap)) {
                        currentMap = uri;
                        written += Files.copy(dir.resolve(uri), out);
                    }
                }
                if (currentMap == null) {
                    throw new IllegalStateException(
                            playlist + ": segment " + seg.uri() + " has no EXT-X-MAP before it");
                }
                long size = Files.copy(dir.resolve(seg.uri()), out);
                segments.add(new SegmentBytes(seg.uri(), seg.duration(), written, size));
                written += size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot glue rendition " + playlist, e);
        }
        return new Rendition(playlist, parsed, target, List.copyOf(segments));
    }

    /** Runs the bundled ffprobe with these arguments and returns its stdout; fails on exit != 0. */
    public static String run(List<String> args) {
        FfmpegBinaries bin = FfmpegBinaries.get();
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.ffprobe().toString());
        cmd.addAll(args);
        ProcessResult r;
        try {
            r = NativeProcess.run(cmd, bin.environment(), TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException("ffprobe " + args, e);
        }
        if (r.exitCode() != 0) {
            throw new IllegalStateException(
                    "ffprobe " + args + " exited " + r.exitCode() + ": " + r.stderrTail());
        }
        return r.stdout();
    }

    static JsonNode json(List<String> args) {
        try {
            return JSON.readTree(run(args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Packet> packets(Path file, String selector) {
        JsonNode n =
                json(
                        List.of(
                                "-v",
                                "error",
                                "-select_streams",
                                selector,
                                "-show_entries",
                                "packet=pts_time,dts_time,duration_time,flags,pos,size",
                                "-of",
                                "json",
                                file.toString()));
        return StreamSupport.stream(n.path("packets").spliterator(), false)
                .map(
                        p ->
                                new Packet(
                                        num(p, "pts_time"),
                                        num(p, "dts_time"),
                                        num(p, "duration_time"),
                                        p.path("flags").asText("").startsWith("K"),
                                        p.path("pos").asLong(-1),
                                        p.path("size").asLong(0)))
                .toList();
    }

    private static VideoStream toVideo(JsonNode s) {
        int rotation = 0;
        for (JsonNode sd : s.path("side_data_list")) {
            if (sd.has("rotation")) {
                rotation = sd.path("rotation").asInt();
            }
        }
        if (rotation == 0 && s.path("tags").has("rotate")) {
            rotation = s.path("tags").path("rotate").asInt();
        }
        return new VideoStream(
                s.path("index").asInt(),
                s.path("codec_name").asText(""),
                s.path("profile").asText(""),
                s.path("level").asInt(-1),
                s.path("width").asInt(),
                s.path("height").asInt(),
                rotation,
                s.path("pix_fmt").asText(""),
                s.path("avg_frame_rate").asText("0/0"),
                s.path("sample_aspect_ratio").asText("1:1"),
                s.path("field_order").asText("unknown"),
                s.path("color_transfer").asText("unknown"),
                s.path("color_primaries").asText("unknown"),
                s.path("color_space").asText("unknown"),
                s.path("color_range").asText("unknown"),
                s.path("mime_codec_string").asText(""),
                s.path("bits_per_raw_sample").asInt(-1));
    }

    private static double num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.asText().equals("N/A")) {
            return Double.NaN;
        }
        return v.asDouble(Double.NaN);
    }

    static double ratio(String r, double fallback) {
        if (r == null) {
            return fallback;
        }
        String[] p = r.split("[:/]");
        if (p.length != 2) {
            return fallback;
        }
        try {
            double num = Double.parseDouble(p[0]);
            double den = Double.parseDouble(p[1]);
            return num > 0 && den > 0 ? num / den : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
