package org.transcoder.media.testing;

import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;

/**
 * The Apple HLS authoring rules of the master's attributes and the I-frame playlists, checked
 * against the media: every variant declares VIDEO-RANGE as its rung's transfer says and
 * CLOSED-CAPTIONS on all variants or none (9.16, 4.3.4.2), FRAME-RATE as the rung's highest frame
 * rate (9.15); every rung has an I-frame playlist (6.1, 6.8, 6.10) whose byte ranges each hold one
 * decodable key frame of the rung, in order, at the key frames' times, lasting until the next,
 * whose CODECS and RESOLUTION are the rung's and whose BANDWIDTH is not below the measured peak.
 */
public final class HlsRules {

    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");
    private static final Pattern BYTERANGE = Pattern.compile("#EXT-X-BYTERANGE:(\\d+)@(\\d+)");

    /** Key frames decoded one by one per rung: the first ones and the last. */
    private static final int DECODED_KEY_FRAMES = 3;

    private HlsRules() {}

    public static void check(SoftAssertions softly, HlsLadder ladder) {
        String master = read(ladder.masterFile());
        List<Map<String, String>> streams = tags(master, "#EXT-X-STREAM-INF:");
        List<Map<String, String>> iframes = tags(master, "#EXT-X-I-FRAME-STREAM-INF:");
        long withCc = streams.stream().filter(s -> s.containsKey("CLOSED-CAPTIONS")).count();
        softly.assertThat(withCc)
                .as("master: CLOSED-CAPTIONS on all variants or none")
                .isIn(0L, (long) streams.size());
        streams.stream()
                .filter(s -> s.containsKey("CLOSED-CAPTIONS"))
                .forEach(
                        s ->
                                softly.assertThat(s.get("CLOSED-CAPTIONS"))
                                        .as("master: CLOSED-CAPTIONS (no rung carries 608/708)")
                                        .isEqualTo("NONE"));
        for (HlsLadder.Rung rung : ladder.rungs()) {
            String at = "rung " + rung.name() + ": ";
            String range = videoRange(rung.stream().colorTransfer());
            Map<String, String> stream =
                    streams.stream()
                            .filter(s -> s.get("URI").equals(rung.name() + "/index.m3u8"))
                            .findFirst()
                            .orElse(Map.of());
            softly.assertThat(stream.getOrDefault("VIDEO-RANGE", "SDR"))
                    .as(
                            at + "VIDEO-RANGE (absent means SDR) for transfer %s",
                            rung.stream().colorTransfer())
                    .isEqualTo(range);
            Map<String, String> iframe =
                    iframes.stream()
                            .filter(s -> s.get("URI").startsWith(rung.name() + "/"))
                            .findFirst()
                            .orElse(null);
            softly.assertThat(iframe).as(at + "EXT-X-I-FRAME-STREAM-INF").isNotNull();
            if (iframe == null) {
                continue;
            }
            softly.assertThat(iframe.get("RESOLUTION"))
                    .as(at + "I-frame RESOLUTION")
                    .isEqualTo(rung.stream().width() + "x" + rung.stream().height());
            String videoCodec = stream.getOrDefault("CODECS", "").split(",")[0];
            softly.assertThat(iframe.get("CODECS"))
                    .as(at + "I-frame CODECS is the rung's video codec")
                    .isEqualTo(videoCodec);
            softly.assertThat(iframe.getOrDefault("VIDEO-RANGE", "SDR"))
                    .as(at + "I-frame VIDEO-RANGE")
                    .isEqualTo(range);
            checkIFramePlaylist(
                    softly,
                    at,
                    rung,
                    ladder.dir().resolve(iframe.get("URI")),
                    Long.parseLong(iframe.get("BANDWIDTH")));
        }
    }

    private static void checkIFramePlaylist(
            SoftAssertions softly, String at, HlsLadder.Rung rung, Path playlist, long bandwidth) {
        softly.assertThat(playlist).as(at + "I-frame playlist").exists();
        if (!Files.exists(playlist)) {
            return;
        }
        String text = read(playlist);
        softly.assertThat(text).as(at + "I-frame playlist").contains("#EXT-X-I-FRAMES-ONLY\n");
        MediaPlaylist parsed = Ffprobe.parseMediaPlaylist(playlist);
        MediaPlaylist media = rung.rendition().parsed();
        String init = media.mediaSegments().get(0).segmentMap().orElseThrow().uri();
        List<long[]> ranges = new ArrayList<>();
        Matcher m = BYTERANGE.matcher(text);
        while (m.find()) {
            ranges.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        List<MediaSegment> entries = parsed.mediaSegments();
        softly.assertThat(ranges).as(at + "a byte range per I-frame entry").hasSize(entries.size());
        List<Double> keyTimes =
                rung.packets().stream()
                        .filter(Ffprobe.Packet::keyframe)
                        .map(Ffprobe.Packet::ptsTime)
                        .sorted()
                        .toList();
        softly.assertThat(entries.size())
                .as(at + "I-frame entries: one per key frame of the rung")
                .isEqualTo(keyTimes.size());
        double start = keyTimes.isEmpty() ? 0 : keyTimes.get(0);
        double t = start;
        double peak = 0;
        for (int i = 0;
                i < Math.min(entries.size(), Math.min(ranges.size(), keyTimes.size()));
                i++) {
            MediaSegment e = entries.get(i);
            softly.assertThat(e.segmentMap().map(x -> x.uri()).orElse(init))
                    .as(at + "I-frame EXT-X-MAP is the rung's")
                    .isEqualTo(init);
            softly.assertThat(t)
                    .as(at + "I-frame %d starts at key frame %.3f s", i, keyTimes.get(i))
                    .isCloseTo(keyTimes.get(i), org.assertj.core.data.Offset.offset(0.002));
            long length = ranges.get(i)[0];
            long offset = ranges.get(i)[1];
            Path file = playlist.getParent().resolve(e.uri());
            softly.assertThat(offset + length)
                    .as(at + "I-frame %d byte range inside %s", i, e.uri())
                    .isLessThanOrEqualTo(size(file));
            peak = Math.max(peak, length * 8 / e.duration());
            if (i < DECODED_KEY_FRAMES || i == entries.size() - 1) {
                Path alone = rung.dir().resolve(".iframe-" + i + ".mp4");
                glue(rung.dir().resolve(init), file, offset, length, alone);
                List<Ffprobe.Packet> packets = Ffprobe.videoPackets(alone);
                softly.assertThat(packets)
                        .as(at + "I-frame %d holds one key frame", i)
                        .hasSize(1)
                        .allMatch(Ffprobe.Packet::keyframe);
                softly.assertThat(Ffprobe.decodedFrameCount(alone))
                        .as(at + "I-frame %d decodes alone", i)
                        .isEqualTo(1);
                try {
                    Files.deleteIfExists(alone);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
            t += e.duration();
        }
        softly.assertThat(t - start)
                .as(at + "I-frame durations add up to the rung's")
                .isCloseTo(
                        media.mediaSegments().stream().mapToDouble(MediaSegment::duration).sum(),
                        org.assertj.core.data.Offset.offset(0.002));
        softly.assertThat((double) bandwidth)
                .as(at + "I-frame BANDWIDTH not below the measured peak")
                // EXTINF has six decimals: a peak from it may be off by a few ppm.
                .isGreaterThanOrEqualTo(Math.floor(peak * (1 - 1e-5)));
    }

    /** VIDEO-RANGE of a transfer characteristic (ffprobe's color_transfer names). */
    static String videoRange(String transfer) {
        if ("smpte2084".equals(transfer)) {
            return "PQ";
        }
        return "arib-std-b67".equals(transfer) ? "HLG" : "SDR";
    }

    /** The attribute lists of every line starting with {@code tag}, URI after it included. */
    private static List<Map<String, String>> tags(String playlist, String tag) {
        List<Map<String, String>> out = new ArrayList<>();
        String[] lines = playlist.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].startsWith(tag)) {
                continue;
            }
            Map<String, String> a = new LinkedHashMap<>();
            Matcher m = ATTRIBUTE.matcher(lines[i].substring(tag.length()));
            while (m.find()) {
                a.put(m.group(1), m.group(2).replace("\"", ""));
            }
            if (!a.containsKey("URI") && i + 1 < lines.length) {
                a.put("URI", lines[i + 1].strip());
            }
            out.add(a);
        }
        return out;
    }

    private static void glue(Path init, Path segment, long offset, long length, Path target) {
        try (OutputStream out = Files.newOutputStream(target);
                RandomAccessFile in = new RandomAccessFile(segment.toFile(), "r")) {
            Files.copy(init, out);
            byte[] buf = new byte[(int) length];
            in.seek(offset);
            in.readFully(buf);
            out.write(buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
