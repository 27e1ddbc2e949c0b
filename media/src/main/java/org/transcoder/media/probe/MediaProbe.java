package org.transcoder.media.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.ffmpeg.StepLimits;
import org.transcoder.media.ffmpeg.UntrustedInput;
import org.transcoder.media.validate.ValidationPolicy;

/**
 * Reads a file's container, streams and every video packet's timing with the bundled ffprobe. Only
 * demuxes (no decoding), so it is cheap even for long files; runs in a child process so a hostile
 * file cannot take the JVM down. The container is chosen by content among the policy's containers
 * only ({@link UntrustedInput}), and the packet listing stops at the policy's frame limit, so that
 * a file of millions of tiny frames costs seconds, not minutes. For a long MP4/MOV the packets
 * after the first few hundred come from its sample table ({@link Mp4SampleTable}), where that table
 * agrees with what ffprobe listed: the same times, without reading every sample.
 */
public final class MediaProbe {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * ffprobe reads one stream and decodes nothing (the first look decodes a frame or two to learn
     * the codec parameters), so its CPU time is about its wall time: the deadline doubles as its
     * CPU limit.
     */
    private static final StepLimits LIMITS =
            new StepLimits(Duration.ofMinutes(2), Duration.ofMinutes(2));

    private MediaProbe() {}

    /** With the default policy's containers and limits. */
    public static MediaInfo probe(Path file) throws MediaException {
        return probe(file, ValidationPolicy.defaults());
    }

    /**
     * What the file's header says about it, read before its packets: enough to check the container
     * and the video stream and to start decoding it while the packets are listed.
     *
     * @param videoIndex the video stream's index, -1 when there is none
     */
    public record Header(
            String container,
            long sizeBytes,
            int videoIndex,
            String videoCodec,
            int width,
            int height) {}

    /** Told the header as soon as it is read, while the packet scan still runs. */
    public interface HeaderListener {
        void read(Header header);
    }

    /**
     * @throws MediaException UNSUPPORTED_CONTAINER when the content is not one of the policy's
     *     containers, TOO_LONG past its frame limit, CORRUPT_INPUT when it is not readable media
     */
    public static MediaInfo probe(Path file, ValidationPolicy policy) throws MediaException {
        return probe(file, policy, header -> {});
    }

    /**
     * The probe, telling {@code onHeader} the header before the packets are listed: what can start
     * without them (the validator's decode check) starts there.
     */
    public static MediaInfo probe(Path file, ValidationPolicy policy, HeaderListener onHeader)
            throws MediaException {
        return probe(file, policy, onHeader, HEAD_PACKETS);
    }

    /** With {@code headPackets} listed before the sample table may say the rest (tests vary it). */
    static MediaInfo probe(
            Path file, ValidationPolicy policy, HeaderListener onHeader, int headPackets)
            throws MediaException {
        if (!Files.isReadable(file)) {
            throw new MediaException(
                    ReasonCode.SOURCE_MISSING, "Source file not readable: " + file);
        }
        FfmpegBinaries ff = FfmpegBinaries.get();
        JsonNode root = readJson(ff, file, policy);
        JsonNode format = root.path("format");
        if (format.isMissingNode() || !root.has("streams")) {
            throw new MediaException(ReasonCode.CORRUPT_INPUT, "Not a readable media file");
        }
        long size = sizeOf(file);
        List<AudioStreamInfo> audio = new ArrayList<>();
        JsonNode videoNode = null;
        for (JsonNode s : root.path("streams")) {
            String type = s.path("codec_type").asText();
            boolean attachedPic = s.path("disposition").path("attached_pic").asInt() == 1;
            if ("video".equals(type) && !attachedPic && videoNode == null) {
                videoNode = s;
            } else if ("audio".equals(type)) {
                audio.add(
                        new AudioStreamInfo(
                                s.path("index").asInt(),
                                s.path("codec_name").asText("unknown"),
                                s.path("channels").asInt(0),
                                s.path("sample_rate").asInt(0),
                                s.path("disposition").path("default").asInt() == 1));
            }
        }
        double start = format.path("start_time").asDouble(0);
        double duration = format.path("duration").asDouble(0);
        List<Double> frames = new ArrayList<>();
        List<Double> keyframes = new ArrayList<>();
        String warnings = "";
        double endPts = start + duration;
        Optional<VideoStreamInfo> video = Optional.empty();
        if (videoNode != null) {
            onHeader.read(
                    new Header(
                            format.path("format_name").asText("unknown"),
                            size,
                            videoNode.path("index").asInt(),
                            videoNode.path("codec_name").asText("unknown"),
                            videoNode.path("width").asInt(),
                            videoNode.path("height").asInt()));
            PacketTimes packets =
                    readPackets(
                            ff,
                            file,
                            format.path("format_name").asText(),
                            videoNode.path("index").asInt(),
                            policy,
                            headPackets);
            frames = packets.pts;
            keyframes = packets.keyframes;
            warnings = packets.warnings;
            endPts = packets.endPts;
            video = Optional.of(videoStream(videoNode, frames, endPts));
        }
        return new MediaInfo(
                format.path("format_name").asText("unknown"),
                size,
                duration,
                start,
                format.path("bit_rate").asLong(0),
                video,
                List.copyOf(audio),
                List.copyOf(frames),
                List.copyOf(keyframes),
                endPts,
                warnings);
    }

    private static JsonNode readJson(FfmpegBinaries ff, Path file, ValidationPolicy policy)
            throws MediaException {
        List<String> cmd = new ArrayList<>(List.of(ff.ffprobe().toString(), "-v", "error"));
        cmd.addAll(List.of("-print_format", "json", "-show_format", "-show_streams"));
        cmd.addAll(UntrustedInput.probing(file, policy.allowedContainers(), policy.maxPixels()));
        ProcessResult r = run(ff, cmd);
        String refused = UntrustedInput.refusedFormat(r.stderr());
        if (refused != null) {
            throw new MediaException(
                    ReasonCode.UNSUPPORTED_CONTAINER,
                    "Container '" + refused + "' is not supported");
        }
        if (r.exitCode() != 0) {
            throw new MediaException(
                    ReasonCode.CORRUPT_INPUT, "Not a readable media file: " + r.stderrTail());
        }
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new MediaException(ReasonCode.CORRUPT_INPUT, "ffprobe output unreadable", e);
        }
    }

    private record PacketTimes(
            List<Double> pts, List<Double> keyframes, double endPts, String warnings) {}

    /**
     * Packets ffprobe lists before an MP4/MOV file's sample table may say the rest: 20 s at 30 fps,
     * several GOPs and any edit at the start. A file of no more packets is listed whole, as before.
     */
    static final int HEAD_PACKETS = 600;

    private static PacketTimes readPackets(
            FfmpegBinaries ff,
            Path file,
            String format,
            int streamIndex,
            ValidationPolicy policy,
            int headPackets)
            throws MediaException {
        if (format.startsWith("mov,mp4") && headPackets < policy.maxFrames()) {
            // Listing the packets reads every sample (ten minutes of 1080p: 285 MB, 0.1 s); the
            // sample table says the same from moov, and is used where it agrees with the head.
            Listing head = list(ff, file, format, streamIndex, headPackets + 1, policy);
            if (head.lines() <= headPackets) {
                return packetTimes(head, policy);
            }
            // A packet listed without a time is one the table cannot agree with.
            if (head.packets().count() == head.lines()) {
                Optional<Packets> table =
                        Mp4SampleTable.read(file, streamIndex, policy.maxFrames());
                if (table.isPresent() && table.get().startsWith(head.packets())) {
                    Listing whole =
                            new Listing(
                                    table.get(),
                                    table.get().count(),
                                    head.warnings(),
                                    head.shownFrom());
                    return packetTimes(whole, policy);
                }
            }
        }
        // One packet past the limit, then stop: that one says the video has more.
        return packetTimes(
                list(ff, file, format, streamIndex, policy.maxFrames() + 1, policy), policy);
    }

    /**
     * ffprobe's packet listing: the packets with a time, how many it listed ({@code lines}), what
     * it said on stderr, and the earliest time of a packet the demuxer does not discard ({@code
     * shownFrom}; negative infinity where it discards none).
     */
    private record Listing(Packets packets, int lines, String warnings, double shownFrom) {}

    private static Listing list(
            FfmpegBinaries ff,
            Path file,
            String format,
            int streamIndex,
            long packets,
            ValidationPolicy policy)
            throws MediaException {
        List<String> cmd = new ArrayList<>(List.of(ff.ffprobe().toString(), "-v", "error"));
        cmd.addAll(
                List.of(
                        "-select_streams",
                        Integer.toString(streamIndex),
                        "-read_intervals",
                        "%+#" + packets,
                        "-show_entries",
                        "packet=pts_time,duration_time,flags",
                        "-of",
                        "csv=p=0"));
        cmd.addAll(UntrustedInput.probed(file, format, policy.maxPixels()));
        ProcessResult r = run(ff, cmd);
        // Parsed by hand: a million packets must cost a fraction of a second here, not seconds.
        String out = r.stdout();
        int lines = (int) out.chars().filter(c -> c == '\n').count();
        double[] times = new double[lines + 1];
        double[] durations = new double[lines + 1];
        boolean[] keys = new boolean[lines + 1];
        int count = 0;
        double shown = Double.POSITIVE_INFINITY;
        boolean discards = false;
        for (int at = 0; at < out.length(); ) {
            int nl = out.indexOf('\n', at);
            nl = nl < 0 ? out.length() : nl;
            String line = out.substring(at, nl).trim();
            at = nl + 1;
            int c1 = line.indexOf(',');
            int c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
            if (c2 < 0 || line.startsWith("N/A")) {
                continue;
            }
            times[count] = decimal(line, 0, c1);
            durations[count] =
                    line.startsWith("N/A", c1 + 1) && c2 == c1 + 4 ? 0 : decimal(line, c1 + 1, c2);
            keys[count] = line.startsWith("K", c2 + 1);
            // Flags "KD_": a packet the demuxer marks discard is decoded but never shown (frames
            // before an MP4 edit list's start: a file trimmed by stream copy keeps its GOP's
            // start for decoding, at negative times).
            if (line.startsWith("D", c2 + 2)) {
                discards = true;
            } else {
                shown = Math.min(shown, times[count]);
            }
            count++;
        }
        return new Listing(
                new Packets(
                        Arrays.copyOf(times, count),
                        Arrays.copyOf(durations, count),
                        Arrays.copyOf(keys, count)),
                lines,
                r.exitCode() == 0 ? r.stderr().strip() : r.stderrTail(),
                discards ? shown : Double.NEGATIVE_INFINITY);
    }

    private static PacketTimes packetTimes(Listing listing, ValidationPolicy policy)
            throws MediaException {
        if (listing.lines() > policy.maxFrames()) {
            throw new MediaException(
                    ReasonCode.TOO_LONG,
                    String.format(
                            Locale.ROOT,
                            "The video has more than %d frames, the limit",
                            policy.maxFrames()));
        }
        Packets packets = listing.packets();
        int count = packets.count();
        double[] times = packets.times().clone(); // sorted below
        double[] keyTimes = new double[count];
        int keyCount = 0;
        double end = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            if (packets.keys()[i]) {
                keyTimes[keyCount++] = times[i];
            }
            end = Math.max(end, times[i] + packets.durations()[i]);
        }
        List<Double> pts = withoutDuplicates(times, count);
        List<Double> keys = withoutDuplicates(keyTimes, keyCount);
        if (!pts.isEmpty() && pts.get(0) < listing.shownFrom() - 1e-6) {
            // Discarded frames are no frames of the video; their keyframe still serves to decode
            // from (a chunk seeks to it), so the keyframes keep it.
            pts =
                    new ArrayList<>(
                            pts.subList(
                                    firstAtOrAfter(pts, listing.shownFrom() - 1e-6), pts.size()));
        }
        if (!keys.isEmpty() && pts.get(0) < keys.get(0) - 1e-6) {
            // Frames shown before the first keyframe cannot be decoded: a stream that starts
            // mid-GOP (a transport stream joined mid-broadcast: its first frames refer to
            // parameter sets and pictures that are not in the file) or the leading pictures of an
            // open GOP. The video, and the audio cut to it, start at the first keyframe; planning
            // their times into the timeline made the encoder stretch the decodable frames over it.
            double first = keys.get(0);
            pts = new ArrayList<>(pts.subList(firstAtOrAfter(pts, first - 1e-6), pts.size()));
        }
        if (!pts.isEmpty() && end <= pts.get(pts.size() - 1)) {
            end = pts.get(pts.size() - 1) + typicalFrameDuration(pts);
        }
        return new PacketTimes(pts, keys, end, listing.warnings());
    }

    private static int firstAtOrAfter(List<Double> sorted, double t) {
        int i = 0;
        while (i < sorted.size() && sorted.get(i) < t) {
            i++;
        }
        return i;
    }

    /**
     * The first {@code n} times, sorted, without repeats. One pass: a file of a million packets at
     * the same time must not cost a million shifts.
     */
    private static List<Double> withoutDuplicates(double[] times, int n) {
        Arrays.sort(times, 0, n);
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // Against the previous packet, not the previous kept one, as chains collapsed before.
            if (i == 0 || Math.abs(times[i] - times[i - 1]) >= 1e-6) {
                out.add(times[i]);
            }
        }
        return out;
    }

    /** Exact powers of ten: a decimal of up to 15 digits divided by one is rounded once. */
    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    /**
     * The number in {@code s[from, to)}, the same double as {@link Double#parseDouble}. ffprobe
     * prints times as plain decimals ({@code 12.033333}): read as a whole number of units and
     * divided once by an exact power of ten, which IEEE division rounds to the nearest double just
     * as parsing does, without the substring and the general parser for each of a million packets.
     * Anything else (an exponent, more than 15 digits, "inf") goes to the general parser.
     */
    static double decimal(String s, int from, int to) {
        int i = from;
        boolean negative = i < to && s.charAt(i) == '-';
        if (negative) {
            i++;
        }
        long units = 0;
        int digits = 0;
        int fractionDigits = -1;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                units = units * 10 + (c - '0');
                digits++;
                if (fractionDigits >= 0) {
                    fractionDigits++;
                }
            } else if (c == '.' && fractionDigits < 0) {
                fractionDigits = 0;
            } else {
                break;
            }
        }
        if (i < to || digits == 0 || digits > 15) {
            return Double.parseDouble(s.substring(from, to));
        }
        double value = units / POWERS_OF_TEN[Math.max(fractionDigits, 0)];
        return negative ? -value : value;
    }

    private static double typicalFrameDuration(List<Double> pts) {
        if (pts.size() < 2) {
            return 0.04;
        }
        List<Double> deltas = new ArrayList<>();
        for (int i = 1; i < pts.size(); i++) {
            deltas.add(pts.get(i) - pts.get(i - 1));
        }
        Collections.sort(deltas);
        return deltas.get(deltas.size() / 2);
    }

    private static VideoStreamInfo videoStream(JsonNode s, List<Double> frames, double endPts) {
        String pixFmt = s.path("pix_fmt").asText("unknown");
        String transfer = s.path("color_transfer").asText("unknown");
        String fieldOrder = s.path("field_order").asText("unknown");
        int[] sar = ratio(s.path("sample_aspect_ratio").asText("1:1"), ":");
        double avg = rate(s.path("avg_frame_rate").asText("0/0"));
        double real = rate(s.path("r_frame_rate").asText("0/0"));
        double first = frames.isEmpty() ? s.path("start_time").asDouble(0) : frames.get(0);
        double duration = endPts - first;
        if ((avg <= 0 || avg > 240) && frames.size() > 1 && duration > 0) {
            avg = frames.size() / duration; // the container gave no usable average rate
        }
        return new VideoStreamInfo(
                s.path("index").asInt(),
                s.path("codec_name").asText("unknown"),
                s.path("profile").asText(""),
                s.path("width").asInt(),
                s.path("height").asInt(),
                sar[0],
                sar[1],
                rotation(s),
                avg,
                real,
                variableFrameRate(frames),
                pixFmt,
                bitDepth(s, pixFmt),
                transfer,
                s.path("color_space").asText("unknown"),
                s.path("color_primaries").asText("unknown"),
                "smpte2084".equals(transfer) || "arib-std-b67".equals(transfer),
                fieldOrder,
                List.of("tt", "bb", "tb", "bt").contains(fieldOrder),
                frames.size(),
                first,
                duration);
    }

    /** Clockwise display rotation, from the display matrix side data (or the old rotate tag). */
    static int rotation(JsonNode stream) {
        double degrees = 0;
        for (JsonNode sd : stream.path("side_data_list")) {
            if (sd.has("rotation")) {
                // ffprobe prints the matrix's counter-clockwise angle: -90 means turn 90 clockwise.
                degrees = -sd.path("rotation").asDouble();
            }
        }
        if (degrees == 0 && stream.path("tags").has("rotate")) {
            degrees = stream.path("tags").path("rotate").asDouble();
        }
        int normalized = (int) Math.round(((degrees % 360) + 360) % 360);
        return (normalized + 45) / 90 * 90 % 360;
    }

    private static boolean variableFrameRate(List<Double> frames) {
        if (frames.size() < 3) {
            return false;
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int i = 1; i < frames.size(); i++) {
            double d = frames.get(i) - frames.get(i - 1);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        return max > min * 1.5 + 0.002;
    }

    private static int bitDepth(JsonNode s, String pixFmt) {
        int raw = s.path("bits_per_raw_sample").asInt(0);
        if (raw > 0) {
            return raw;
        }
        if (pixFmt.contains("16")) {
            return 16;
        }
        if (pixFmt.contains("12")) {
            return 12;
        }
        if (pixFmt.contains("10")) {
            return 10;
        }
        return 8;
    }

    private static double rate(String r) {
        int[] v = ratio(r, "/");
        return v[1] == 0 ? 0 : (double) v[0] / v[1];
    }

    private static int[] ratio(String r, String sep) {
        String[] p = r.split(sep);
        try {
            int a = Integer.parseInt(p[0].trim());
            int b = p.length > 1 ? Integer.parseInt(p[1].trim()) : 1;
            return a <= 0 || b <= 0 ? new int[] {1, 1} : new int[] {a, b};
        } catch (NumberFormatException e) {
            return new int[] {1, 1};
        }
    }

    private static long sizeOf(Path file) throws MediaException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new MediaException(ReasonCode.SOURCE_MISSING, "Cannot read " + file, e);
        }
    }

    private static ProcessResult run(FfmpegBinaries ff, List<String> cmd) throws MediaException {
        try {
            ProcessResult r = NativeProcess.run(cmd, ff.environment(), LIMITS);
            if (r.killedBySignal()) {
                throw new MediaException(
                        ReasonCode.CORRUPT_INPUT,
                        "ffprobe crashed (exit " + r.exitCode() + ") reading the file");
            }
            return r;
        } catch (NativeProcess.ProcessTimeoutException e) {
            throw new MediaException(
                    ReasonCode.CORRUPT_INPUT, "Probing took too long: " + e.getMessage(), e);
        } catch (NativeProcess.LimitExceededException e) {
            throw new MediaException(e.reason(), "Probing: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MediaException(
                    ReasonCode.INTERNAL_ERROR, "Cannot run ffprobe: " + e.getMessage(), e);
        }
    }
}
