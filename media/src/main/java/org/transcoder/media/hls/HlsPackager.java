package org.transcoder.media.hls;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes HLS playlists (RFC 8216, fMP4 segments) from what the encoders measured. Bit rates are
 * measured from the real segments, and a variant's BANDWIDTH includes the audio played with it (RFC
 * 8216 4.3.4.2) — FFmpeg's own hls muxer leaves the audio out, so its numbers are not used.
 */
public final class HlsPackager {

    public static final String AUDIO_GROUP = "aud";
    public static final String AUDIO_DIR = "audio";
    public static final String PLAYLIST = "index.m3u8";
    public static final String MASTER = "master.m3u8";

    private HlsPackager() {}

    /**
     * Every playlist of a ladder by its path under the video's directory, in the order to write
     * them: the media playlists, then the master (the publish point) last.
     */
    public static Map<String, String> playlists(
            List<VariantStream> variants, Optional<AudioStream> audio) {
        Map<String, String> out = new LinkedHashMap<>();
        for (VariantStream v : variants) {
            out.put(mediaPlaylistPath(v.name()), mediaPlaylist(v.segments()));
        }
        audio.ifPresent(a -> out.put(mediaPlaylistPath(AUDIO_DIR), mediaPlaylist(a.segments())));
        out.put(MASTER, masterPlaylist(variants, audio));
        return out;
    }

    /** Where a rendition's (or the audio's) media playlist lives under the video's directory. */
    public static String mediaPlaylistPath(String rendition) {
        return rendition + "/" + PLAYLIST;
    }

    /** A VOD media playlist; an EXT-X-MAP precedes the first segment and every change of init. */
    public static String mediaPlaylist(List<SegmentRef> segments) {
        double max = segments.stream().mapToDouble(SegmentRef::durationSeconds).max().orElse(1);
        StringBuilder p = new StringBuilder();
        p.append("#EXTM3U\n#EXT-X-VERSION:7\n");
        p.append("#EXT-X-TARGETDURATION:").append((long) Math.ceil(max - 1e-3)).append('\n');
        p.append(
                "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        String currentInit = null;
        for (SegmentRef s : segments) {
            if (!Objects.equals(currentInit, s.initUri())) {
                p.append("#EXT-X-MAP:URI=\"").append(s.initUri()).append("\"\n");
                currentInit = s.initUri();
            }
            p.append(String.format(Locale.ROOT, "#EXTINF:%.6f,%n", s.durationSeconds()));
            p.append(s.uri()).append('\n');
        }
        p.append("#EXT-X-ENDLIST\n");
        return p.toString();
    }

    /** The master playlist: the publish point, written after everything it points at. */
    public static String masterPlaylist(List<VariantStream> variants, Optional<AudioStream> audio) {
        StringBuilder p =
                new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        audio.ifPresent(
                a ->
                        p.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"")
                                .append(AUDIO_GROUP)
                                .append(
                                        "\",NAME=\"default\",LANGUAGE=\"und\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"")
                                .append(a.channels())
                                .append("\",URI=\"")
                                .append(mediaPlaylistPath(AUDIO_DIR))
                                .append("\"\n"));
        long audioPeak = audio.map(a -> peakBitRate(a.segments())).orElse(0L);
        long audioAverage = audio.map(a -> averageBitRate(a.segments())).orElse(0L);
        for (VariantStream v : variants) {
            String codecs = v.codecs() + audio.map(a -> "," + a.codecs()).orElse("");
            p.append("#EXT-X-STREAM-INF:BANDWIDTH=")
                    .append(peakBitRate(v.segments()) + audioPeak)
                    .append(",AVERAGE-BANDWIDTH=")
                    .append(averageBitRate(v.segments()) + audioAverage)
                    .append(",RESOLUTION=")
                    .append(v.width())
                    .append('x')
                    .append(v.height())
                    .append(",CODECS=\"")
                    .append(codecs)
                    .append('"')
                    .append(String.format(Locale.ROOT, ",FRAME-RATE=%.3f", v.frameRate()));
            audio.ifPresent(a -> p.append(",AUDIO=\"").append(AUDIO_GROUP).append('"'));
            p.append('\n').append(mediaPlaylistPath(v.name())).append('\n');
        }
        return p.toString();
    }

    /** Highest bit rate of any one segment, bits per second. */
    public static long peakBitRate(List<SegmentRef> segments) {
        return Math.round(
                segments.stream()
                        .filter(s -> s.durationSeconds() > 0)
                        .mapToDouble(s -> s.bytes() * 8 / s.durationSeconds())
                        .max()
                        .orElse(0));
    }

    /** Total bits over total duration, bits per second. */
    public static long averageBitRate(List<SegmentRef> segments) {
        double seconds = segments.stream().mapToDouble(SegmentRef::durationSeconds).sum();
        long bytes = segments.stream().mapToLong(SegmentRef::bytes).sum();
        return seconds <= 0 ? 0 : Math.round(bytes * 8 / seconds);
    }
}
