package org.transcoder.media.hls;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.BitRates;
import org.transcoder.media.manifest.ManifestWriter;
import org.transcoder.media.manifest.Presentation;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.manifest.VideoTrack;

/**
 * HLS (RFC 8216, fMP4 segments) of a presentation, to Apple's authoring spec: a VOD media playlist
 * and an I-frame playlist per rung (byte ranges over the key frames of the same segments, for trick
 * play and seek), the audio's media playlist, and the master playlist (the publish point) last. Bit
 * rates are measured from the real segments, and a variant's BANDWIDTH includes the audio played
 * with it (RFC 8216 4.3.4.2); FRAME-RATE is the rung's maximum (9.15).
 */
public final class HlsManifests implements ManifestWriter {

    public static final String AUDIO_GROUP = "aud";

    @Override
    public String entryPoint() {
        return OutputLayout.MASTER;
    }

    @Override
    public LinkedHashMap<String, String> manifests(Presentation p) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (VideoTrack v : p.video()) {
            out.put(OutputLayout.mediaPlaylist(v.directory()), mediaPlaylist(v.segments()));
            out.put(OutputLayout.iFramePlaylist(v.directory()), iFramePlaylist(v.segments()));
        }
        p.audio()
                .ifPresent(
                        a ->
                                out.put(
                                        OutputLayout.mediaPlaylist(OutputLayout.AUDIO_DIR),
                                        mediaPlaylist(a.segments())));
        out.put(OutputLayout.MASTER, masterPlaylist(p));
        return out;
    }

    /** A VOD media playlist of one track: its one init, then every segment. */
    static String mediaPlaylist(List<Segment> segments) {
        StringBuilder p =
                header(
                        targetDuration(
                                segments.stream().mapToLong(Segment::durationTicks).max().orElse(1),
                                segments.get(0).timescale()));
        p.append("#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        p.append("#EXT-X-MAP:URI=\"").append(segments.get(0).initUri()).append("\"\n");
        for (Segment s : segments) {
            p.append(extinf(s.durationTicks(), s.timescale()));
            p.append(s.uri()).append('\n');
        }
        return p.append("#EXT-X-ENDLIST\n").toString();
    }

    /**
     * The rung's key frames, each a byte range of its segment (moof, mdat header, the frame)
     * lasting until the next key frame (RFC 8216 4.3.3.6; Apple 6.1, 6.8).
     */
    static String iFramePlaylist(List<Segment> segments) {
        long timescale = segments.get(0).timescale();
        long longest =
                segments.stream()
                        .flatMap(s -> s.keyFrames().stream())
                        .mapToLong(Segment.KeyFrame::durationTicks)
                        .max()
                        .orElse(1);
        StringBuilder p = header(targetDuration(longest, timescale));
        p.append("#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-I-FRAMES-ONLY\n");
        p.append("#EXT-X-MAP:URI=\"").append(segments.get(0).initUri()).append("\"\n");
        for (Segment s : segments) {
            for (Segment.KeyFrame k : s.keyFrames()) {
                p.append(extinf(k.durationTicks(), timescale));
                p.append("#EXT-X-BYTERANGE:").append(k.length()).append('@').append(k.offset());
                p.append('\n').append(s.uri()).append('\n');
            }
        }
        return p.append("#EXT-X-ENDLIST\n").toString();
    }

    private static StringBuilder header(long targetDuration) {
        return new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n")
                .append("#EXT-X-TARGETDURATION:")
                .append(targetDuration)
                .append("\n#EXT-X-MEDIA-SEQUENCE:0\n");
    }

    /** Whole seconds no segment exceeds (Apple: EXTINF <= target, not only once rounded). */
    static long targetDuration(long maxTicks, long timescale) {
        return Math.max(1, (maxTicks + timescale - 1) / timescale);
    }

    private static String extinf(long ticks, long timescale) {
        return String.format(Locale.ROOT, "#EXTINF:%.6f,%n", ticks / (double) timescale);
    }

    /** The master playlist: the publish point, written after everything it points at. */
    static String masterPlaylist(Presentation presentation) {
        Optional<AudioTrack> audio = presentation.audio();
        StringBuilder p =
                new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        audio.ifPresent(
                a ->
                        p.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"")
                                .append(AUDIO_GROUP)
                                .append("\",NAME=\"default\",LANGUAGE=\"und\",DEFAULT=YES,")
                                .append("AUTOSELECT=YES,CHANNELS=\"")
                                .append(a.channels())
                                .append("\",URI=\"")
                                .append(OutputLayout.mediaPlaylist(OutputLayout.AUDIO_DIR))
                                .append("\"\n"));
        long audioPeak = audio.map(a -> BitRates.peak(a.segments())).orElse(0L);
        long audioAverage = audio.map(a -> BitRates.average(a.segments())).orElse(0L);
        for (VideoTrack v : presentation.video()) {
            String codecs = v.codecs() + audio.map(a -> "," + a.codecs()).orElse("");
            p.append("#EXT-X-STREAM-INF:BANDWIDTH=")
                    .append(BitRates.peak(v.segments()) + audioPeak)
                    .append(",AVERAGE-BANDWIDTH=")
                    .append(BitRates.average(v.segments()) + audioAverage)
                    .append(",RESOLUTION=")
                    .append(v.width())
                    .append('x')
                    .append(v.height())
                    .append(",CODECS=\"")
                    .append(codecs)
                    .append('"')
                    .append(",FRAME-RATE=")
                    .append(frameRate(v.frameRate()))
                    .append(",VIDEO-RANGE=")
                    .append(v.videoRange());
            audio.ifPresent(a -> p.append(",AUDIO=\"").append(AUDIO_GROUP).append('"'));
            // No rung carries CEA-608/708 captions; NONE on every variant (Apple 4.3.4.2).
            p.append(",CLOSED-CAPTIONS=NONE\n")
                    .append(OutputLayout.mediaPlaylist(v.directory()))
                    .append('\n');
        }
        for (VideoTrack v : presentation.video()) {
            p.append("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=")
                    .append(iFramePeak(v.segments()))
                    .append(",RESOLUTION=")
                    .append(v.width())
                    .append('x')
                    .append(v.height())
                    .append(",CODECS=\"")
                    .append(v.codecs())
                    .append("\",VIDEO-RANGE=")
                    .append(v.videoRange())
                    .append(",URI=\"")
                    .append(OutputLayout.iFramePlaylist(v.directory()))
                    .append("\"\n");
        }
        return p.toString();
    }

    /** FRAME-RATE rounded up to three decimals: never below the rung's highest rate. */
    public static String frameRate(double fps) {
        return String.format(Locale.ROOT, "%.3f", Math.ceil(fps * 1000 - 1e-6) / 1000);
    }

    /** Highest bit rate of fetching one key frame over the time it stands for. */
    static long iFramePeak(List<Segment> segments) {
        long timescale = segments.get(0).timescale();
        return (long)
                Math.ceil(
                        segments.stream()
                                .flatMap(s -> s.keyFrames().stream())
                                .filter(k -> k.durationTicks() > 0)
                                .mapToDouble(k -> k.length() * 8.0 * timescale / k.durationTicks())
                                .max()
                                .orElse(0));
    }
}
