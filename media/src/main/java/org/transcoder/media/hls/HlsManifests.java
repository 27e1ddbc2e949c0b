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
 *
 * <p>A video published while it is encoded ({@link #growing}) has EVENT media playlists instead:
 * each write of one only appends segments (RFC 8216 6.2.1), under a TARGETDURATION fixed from the
 * start (it must not change), with EXT-X-START at 0 so that a player starts at the beginning, not
 * at the live edge. The last write appends EXT-X-ENDLIST and keeps the EVENT type: changing the
 * type to VOD is not one of the changes 6.2.1 allows a playlist a client already holds, and an
 * EVENT playlist with ENDLIST is complete and seekable in every player. The I-frame playlists (VOD)
 * and their master entries come with that last write.
 */
public final class HlsManifests implements ManifestWriter {

    public static final String AUDIO_GROUP = "aud";

    /** VOD playlists, or EVENT playlists under a fixed target duration (seconds). */
    private final long eventTargetDuration;

    private final boolean ended;

    /** VOD playlists of a finished presentation. */
    public HlsManifests() {
        this(0, true);
    }

    private HlsManifests(long eventTargetDuration, boolean ended) {
        this.eventTargetDuration = eventTargetDuration;
        this.ended = ended;
    }

    /**
     * EVENT playlists of a presentation that grows: {@code targetDuration} is the bound every
     * segment of the whole video keeps; {@code ended}: this is the last write (ENDLIST, I-frame
     * playlists).
     */
    public static HlsManifests growing(long targetDuration, boolean ended) {
        if (targetDuration < 1) {
            throw new IllegalArgumentException("Target duration must be >= 1 s");
        }
        return new HlsManifests(targetDuration, ended);
    }

    private boolean event() {
        return eventTargetDuration > 0;
    }

    @Override
    public String entryPoint() {
        return OutputLayout.MASTER;
    }

    @Override
    public LinkedHashMap<String, String> manifests(Presentation p) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (VideoTrack v : p.video()) {
            out.put(OutputLayout.mediaPlaylist(v.directory()), playlist(v.segments()));
            if (ended) {
                out.put(OutputLayout.iFramePlaylist(v.directory()), iFramePlaylist(v.segments()));
            }
        }
        p.audio()
                .ifPresent(
                        a ->
                                out.put(
                                        OutputLayout.mediaPlaylist(OutputLayout.AUDIO_DIR),
                                        playlist(a.segments())));
        out.put(OutputLayout.MASTER, masterPlaylist(p, ended));
        return out;
    }

    /** A VOD playlist of a finished track (the whole-file runner; tests). */
    static String mediaPlaylist(List<Segment> segments) {
        return new HlsManifests().playlist(segments);
    }

    /**
     * A media playlist of one track: its one init, then every segment. An EVENT playlist's text
     * with more segments starts with its text with fewer (only appended), until ENDLIST.
     */
    String playlist(List<Segment> segments) {
        long longest = segments.stream().mapToLong(Segment::durationTicks).max().orElse(1);
        long needed = targetDuration(longest, segments.get(0).timescale());
        // A segment over the bound announced at the start (the plan's bound is meant to hold;
        // this keeps every EXTINF within the target if it did not).
        StringBuilder p = header(event() ? Math.max(eventTargetDuration, needed) : needed);
        if (event()) {
            p.append("#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n");
            p.append("#EXT-X-START:TIME-OFFSET=0\n");
        } else {
            p.append("#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        }
        p.append("#EXT-X-MAP:URI=\"").append(segments.get(0).initUri()).append("\"\n");
        for (Segment s : segments) {
            p.append(extinf(s.durationTicks(), s.timescale()));
            p.append(s.uri()).append('\n');
        }
        if (ended) {
            p.append("#EXT-X-ENDLIST\n");
        }
        return p.toString();
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

    /** The master playlist of a finished presentation. */
    static String masterPlaylist(Presentation presentation) {
        return masterPlaylist(presentation, true);
    }

    /**
     * The master playlist: the publish point, written after everything it points at. While the
     * video grows its bit rates are those of the segments so far and it has no I-frame playlists;
     * the last write has the whole video's.
     */
    static String masterPlaylist(Presentation presentation, boolean ended) {
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
        for (VideoTrack v : ended ? presentation.video() : List.<VideoTrack>of()) {
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
