package org.transcoder.media.testing;

import static org.assertj.core.data.Offset.offset;

import io.lindstrom.m3u8.model.AlternativeRendition;
import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.model.MediaType;
import io.lindstrom.m3u8.model.PlaylistType;
import io.lindstrom.m3u8.model.Variant;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.assertj.core.api.SoftAssertions;

/**
 * Checks that one transcoded video's output tree is a playable HLS ladder of its source: the MUSTs
 * of Apple's HLS authoring spec that can be measured, and what a viewer sees (frames, duration,
 * orientation, audio, thumbnails). All checks run, then every failure is reported, naming rung and
 * segment. Measures the files themselves; trusts no number the writer wrote.
 */
public final class LadderAssertions {

    /**
     * The directory of one upload's generation ({@code g<base 36>/}, StorageLayout in operators)
     * that the job puts segments (and the audio's init) under, so that a re-upload never overwrites
     * what an earlier upload's playlists list; files written by the media module alone sit beside
     * their playlist.
     */
    private static final String GENERATION_DIR = "(g[0-9a-z]+/)?";

    /**
     * Init segments: init.mp4, or init_HASH.mp4 named by content (identical inits of chunks are one
     * object), in the generation's directory or beside the playlist.
     */
    public static final String INIT_SEGMENT_NAME = GENERATION_DIR + "init(_[0-9a-f]{12})?\\.mp4";

    private static final Pattern AVC1 =
            Pattern.compile("avc1\\.([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})");
    private static final Pattern CUE_TIME = Pattern.compile("^\\s*([0-9:.]+)\\s+-->\\s+([0-9:.]+)");
    private static final Pattern XYWH =
            Pattern.compile("^(\\S*?)#xywh=(\\d+),(\\d+),(\\d+),(\\d+)\\s*$");

    /**
     * Allowed gap between declared and measured BANDWIDTH / AVERAGE-BANDWIDTH (Apple 1.26/1.27).
     */
    public static final double BANDWIDTH_TOLERANCE = 0.10;

    /** Allowed gap between audio and video duration. */
    public static final double AUDIO_SYNC_SECONDS = 0.100;

    private LadderAssertions() {}

    /** What the checks need to know about the source: its video stream, packets, audio. */
    public record Source(
            Path file,
            Ffprobe.VideoStream video,
            List<Ffprobe.Packet> packets,
            List<Double> frameTimes,
            boolean hasAudio) {

        public static Source of(Path file) {
            Ffprobe.VideoStream v =
                    Ffprobe.video(file)
                            .orElseThrow(
                                    () -> new AssertionError("Source " + file + " has no video"));
            // Decoded, not demuxed: VP9 hides alt-ref frames in packets of their own, and the
            // frames of a stream that starts mid-GOP cannot be decoded.
            return new Source(
                    file,
                    v,
                    Ffprobe.videoPackets(file),
                    Ffprobe.decodedFrameTimes(file),
                    Ffprobe.audio(file).isPresent());
        }

        /** Frames the decoder outputs. */
        public int frames() {
            return frameTimes.size();
        }

        /** Frames a rung must hold: the decoded ones less those the 1/64 s rule drops. */
        public int keptFrames() {
            return SampleTiming.keptFrames(frameTimes).size();
        }

        /** Presentation span of the decodable video (from the first frame that decodes). */
        public double duration() {
            if (frameTimes.isEmpty()) {
                return Ffprobe.span(packets);
            }
            double first = frameTimes.get(0) - 1e-4;
            return Ffprobe.span(packets.stream().filter(p -> p.ptsTime() >= first).toList());
        }

        /** One frame: the longer of the usual pts step and the average frame duration. */
        public double frameSeconds() {
            double average = frames() > 0 ? duration() / frames() : 1.0 / 30;
            return Math.max(Ffprobe.medianPtsStep(packets), average);
        }
    }

    /**
     * The default ladder's short sides for a source displayed at {@code width x height}: the rungs
     * that fit, and the source's own (even) size on top where the best of them keeps under 90 % of
     * its lines and a rung above it exists; its own size alone where none fits.
     */
    public static List<Integer> defaultShortSides(double width, double height) {
        int shortSide = (int) Math.floor(Math.min(width, height));
        int own = shortSide - shortSide % 2;
        List<Integer> sides = DEFAULT_SHORT_SIDES.stream().filter(s -> s <= shortSide).toList();
        if (sides.isEmpty()) {
            return List.of(own);
        }
        boolean between = sides.get(0) < DEFAULT_SHORT_SIDES.get(0);
        if (between && sides.get(0) < 0.9 * shortSide && own > sides.get(0)) {
            List<Integer> withOwn = new ArrayList<>(List.of(own));
            withOwn.addAll(sides);
            return withOwn;
        }
        return sides;
    }

    /**
     * The rungs are the default ladder's for the source ({@link #defaultShortSides}): by the
     * displayed short side, never upscaled, named by it.
     */
    public static void checkDefaultRungs(SoftAssertions softly, HlsLadder ladder, Source src) {
        List<Integer> expected =
                defaultShortSides(src.video().displayWidth(), src.video().displayHeight());
        softly.assertThat(
                        ladder.rungs().stream()
                                .map(r -> Math.min(r.stream().width(), r.stream().height()))
                                .toList())
                .as(
                        "rung short sides for a source displayed at %.1fx%.1f",
                        src.video().displayWidth(), src.video().displayHeight())
                .isEqualTo(expected);
        softly.assertThat(ladder.rungs().stream().map(HlsLadder.Rung::name).toList())
                .as("rung names")
                .isEqualTo(expected.stream().map(s -> s + "p").toList());
    }

    /** Short sides of the default rungs, 1080p down to 240p. */
    public static final List<Integer> DEFAULT_SHORT_SIDES = List.of(1080, 720, 480, 360, 240);

    /** Fails with every problem found, or passes. */
    public static void assertPlayableLadder(Path outDir, Path source) {
        SoftAssertions softly = new SoftAssertions();
        try (HlsLadder ladder = HlsLadder.read(outDir)) {
            check(softly, ladder, Source.of(source));
        }
        softly.assertAll();
    }

    /** The failure messages, one per problem; empty when the ladder is playable. */
    public static List<String> problems(Path outDir, Path source) {
        SoftAssertions softly = new SoftAssertions();
        try (HlsLadder ladder = HlsLadder.read(outDir)) {
            check(softly, ladder, Source.of(source));
        }
        return softly.errorsCollected().stream().map(Throwable::getMessage).toList();
    }

    /** Adds every check on {@code ladder} to {@code softly}, for callers with their own. */
    public static void check(SoftAssertions softly, HlsLadder ladder, Source src) {
        softly.assertThat(ladder.rungs()).as("variants in master.m3u8").isNotEmpty();
        if (ladder.rungs().isEmpty()) {
            return;
        }
        checkMaster(softly, ladder, src);
        for (HlsLadder.Rung rung : ladder.rungs()) {
            checkMediaPlaylist(
                    softly,
                    "rung " + rung.name(),
                    rung.rendition().playlist(),
                    rung.rendition().parsed());
            checkRung(softly, ladder, rung, src);
        }
        checkColors(softly, ladder, src);
        checkAlignment(softly, ladder, src);
        HlsRules.check(softly, ladder);
        SampleTiming.check(softly, ladder, src);
        checkAudio(softly, ladder, src);
        checkThumbnails(softly, ladder.dir(), src);
    }

    /**
     * Every rung declares its colours, limited range, all rungs the same: the source's declared
     * matrix and primaries (a phone's BT.601 1080p stays BT.601), BT.709 for tone-mapped HDR and
     * RGB, and for what the source leaves undeclared what players assume for it by its size (BT.709
     * from HD up, BT.601 below), not what they would assume for a smaller rung.
     */
    private static void checkColors(SoftAssertions softly, HlsLadder ladder, Source src) {
        Ffprobe.VideoStream v = src.video();
        boolean hdr = List.of("smpte2084", "arib-std-b67").contains(v.colorTransfer());
        boolean rgb = isRgb(v);
        boolean hd = playersAssumeBt709(v);
        String sd = v.height() == 576 || v.height() == 288 ? "bt470bg" : "smpte170m";
        String matrix =
                hdr || rgb
                        ? "bt709"
                        : declared(v.colorSpace()) ? v.colorSpace() : hd ? "bt709" : sd;
        String primaries =
                hdr
                        ? "bt709"
                        : declared(v.colorPrimaries())
                                ? v.colorPrimaries()
                                : hd || rgb ? "bt709" : sd;
        for (HlsLadder.Rung rung : ladder.rungs()) {
            Ffprobe.VideoStream s = rung.stream();
            String at =
                    "rung "
                            + rung.name()
                            + " of a source declaring "
                            + v.colorSpace()
                            + "/"
                            + v.colorPrimaries()
                            + "/"
                            + v.colorTransfer()
                            + " at "
                            + v.width()
                            + "x"
                            + v.height()
                            + ": ";
            softly.assertThat(s.colorRange()).as(at + "declared range").isEqualTo("tv");
            softly.assertThat(s.colorSpace()).as(at + "declared matrix").isEqualTo(matrix);
            softly.assertThat(s.colorPrimaries())
                    .as(at + "declared primaries")
                    .isEqualTo(primaries);
            softly.assertThat(s.colorTransfer())
                    .as(at + "declared SDR transfer")
                    .isNotIn("unknown", "smpte2084", "arib-std-b67")
                    .isEqualTo(ladder.rungs().get(0).stream().colorTransfer());
        }
    }

    /** Whether a video stream holds RGB pictures (not YUV). */
    public static boolean isRgb(Ffprobe.VideoStream v) {
        return v.colorSpace().equals("gbr") || v.pixFmt().matches("(rgb|bgr|gbr|argb|abgr).*");
    }

    /**
     * Whether players take an undeclared video stream of this size as BT.709 (from HD up; BT.601
     * below).
     */
    public static boolean playersAssumeBt709(Ffprobe.VideoStream v) {
        return Math.max(v.width(), v.height()) > 1024 || Math.min(v.width(), v.height()) >= 720;
    }

    private static boolean declared(String value) {
        return !List.of("unknown", "unspecified", "reserved", "").contains(value);
    }

    private static void checkMaster(SoftAssertions softly, HlsLadder ladder, Source src) {
        String audioGroup = null;
        List<AlternativeRendition> audios =
                ladder.master().alternativeRenditions().stream()
                        .filter(m -> m.type() == MediaType.AUDIO)
                        .toList();
        if (src.hasAudio()) {
            softly.assertThat(audios)
                    .as("master: one EXT-X-MEDIA TYPE=AUDIO group (source has audio)")
                    .hasSize(1);
            if (!audios.isEmpty()) {
                audioGroup = audios.get(0).groupId();
                softly.assertThat(audios.get(0).uri())
                        .as("master: audio EXT-X-MEDIA URI")
                        .isPresent();
            }
        } else {
            softly.assertThat(audios)
                    .as("master: no EXT-X-MEDIA TYPE=AUDIO (source has no audio)")
                    .isEmpty();
            softly.assertThat(ladder.dir().resolve("audio"))
                    .as("no audio/ directory (source has no audio)")
                    .doesNotExist();
        }
        for (HlsLadder.Rung rung : ladder.rungs()) {
            Variant v = rung.variant();
            String at = "master variant " + rung.name() + ": ";
            softly.assertThat(v.uri())
                    .as(at + "URI is {rung}/index.m3u8")
                    .isEqualTo(rung.name() + "/index.m3u8");
            softly.assertThat(v.codecs()).as(at + "CODECS present (Apple 9.1)").isNotEmpty();
            softly.assertThat(v.resolution()).as(at + "RESOLUTION present (Apple 9.2)").isPresent();
            softly.assertThat(v.averageBandwidth())
                    .as(at + "AVERAGE-BANDWIDTH present (Apple 9.14)")
                    .isPresent();
            softly.assertThat(v.frameRate()).as(at + "FRAME-RATE present (Apple 9.15)").isPresent();
            v.resolution()
                    .ifPresent(
                            r ->
                                    softly.assertThat(r.width() + "x" + r.height())
                                            .as(
                                                    at
                                                            + "RESOLUTION equals the rendition's decoded size")
                                            .isEqualTo(
                                                    rung.stream().width()
                                                            + "x"
                                                            + rung.stream().height()));
            double measuredFps = rung.duration() > 0 ? rung.decodedFrames() / rung.duration() : 0;
            v.frameRate()
                    .ifPresent(
                            f ->
                                    softly.assertThat(f)
                                            .as(
                                                    at
                                                            + "FRAME-RATE %.3f is the max rate, so not below the measured average %.3f",
                                                    f,
                                                    measuredFps)
                                            .isGreaterThanOrEqualTo(measuredFps * 0.98));
            checkCodecs(softly, at, v.codecs(), rung, src.hasAudio());
            if (src.hasAudio()) {
                softly.assertThat(v.audio())
                        .as(at + "AUDIO group")
                        .contains(audioGroup == null ? "?" : audioGroup);
            } else {
                softly.assertThat(v.audio())
                        .as(at + "no AUDIO group (source has no audio)")
                        .isEmpty();
            }
            checkBandwidth(softly, at, v, rung, ladder.audio());
        }
    }

    private static void checkCodecs(
            SoftAssertions softly,
            String at,
            List<String> codecs,
            HlsLadder.Rung rung,
            boolean audio) {
        List<String> avc = codecs.stream().filter(c -> c.startsWith("avc1.")).toList();
        softly.assertThat(avc).as(at + "exactly one avc1 entry in CODECS " + codecs).hasSize(1);
        softly.assertThat(rung.stream().codec()).as(at + "video codec").isEqualTo("h264");
        softly.assertThat(rung.stream().profile()).as(at + "H.264 profile").isEqualTo("High");
        if (!avc.isEmpty()) {
            Matcher m = AVC1.matcher(avc.get(0));
            softly.assertThat(m.matches()).as(at + "CODECS %s is avc1.PPCCLL", avc.get(0)).isTrue();
            if (softly.wasSuccess()) {
                softly.assertThat(Integer.parseInt(m.group(1), 16))
                        .as(
                                at + "CODECS %s profile_idc vs the rendition's SPS (High = 0x64)",
                                avc.get(0))
                        .isEqualTo(0x64);
                softly.assertThat(Integer.parseInt(m.group(3), 16))
                        .as(
                                at + "CODECS %s level_idc vs the rendition's level %d",
                                avc.get(0),
                                rung.stream().level())
                        .isEqualTo(rung.stream().level());
                if (!rung.stream().mimeCodec().isEmpty()) {
                    softly.assertThat(avc.get(0).toLowerCase())
                            .as(at + "CODECS vs ffprobe's codec string of the rendition")
                            .isEqualTo(rung.stream().mimeCodec().toLowerCase());
                }
            }
        }
        if (audio) {
            softly.assertThat(codecs)
                    .as(at + "CODECS names the AAC-LC audio")
                    .contains("mp4a.40.2");
        } else {
            softly.assertThat(codecs.stream().filter(c -> c.startsWith("mp4a")).toList())
                    .as(at + "CODECS names no audio (source has none)")
                    .isEmpty();
        }
    }

    /** Peak and average bit rate of a rendition's media segments (init segments excluded). */
    public record BitRates(double peak, double average) {
        public static BitRates of(Ffprobe.Rendition r) {
            double peak = 0;
            double bytes = 0;
            double seconds = 0;
            for (Ffprobe.SegmentBytes s : r.segments()) {
                if (s.extinf() > 0) {
                    peak = Math.max(peak, s.size() * 8 / s.extinf());
                }
                bytes += s.size();
                seconds += s.extinf();
            }
            return new BitRates(peak, seconds > 0 ? bytes * 8 / seconds : 0);
        }
    }

    private static void checkBandwidth(
            SoftAssertions softly,
            String at,
            Variant v,
            HlsLadder.Rung rung,
            Optional<HlsLadder.Audio> audio) {
        BitRates video = BitRates.of(rung.rendition());
        BitRates aud = audio.map(a -> BitRates.of(a.rendition())).orElse(new BitRates(0, 0));
        double peak = video.peak() + aud.peak();
        double avg = video.average() + aud.average();
        softly.assertThat((double) v.bandwidth())
                .as(
                        at
                                + "BANDWIDTH %d vs measured peak %.0f (video %.0f + audio %.0f) (Apple 1.26)",
                        v.bandwidth(),
                        peak,
                        video.peak(),
                        aud.peak())
                .isBetween(peak * (1 - BANDWIDTH_TOLERANCE), peak * (1 + BANDWIDTH_TOLERANCE));
        v.averageBandwidth()
                .ifPresent(
                        a ->
                                softly.assertThat((double) a)
                                        .as(
                                                at
                                                        + "AVERAGE-BANDWIDTH %d vs measured %.0f (video %.0f + audio %.0f) (Apple 1.27)",
                                                a,
                                                avg,
                                                video.average(),
                                                aud.average())
                                        .isBetween(
                                                avg * (1 - BANDWIDTH_TOLERANCE),
                                                avg * (1 + BANDWIDTH_TOLERANCE)));
    }

    private static void checkMediaPlaylist(
            SoftAssertions softly, String who, Path file, MediaPlaylist p) {
        String at = who + " playlist: ";
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            softly.fail(at + "unreadable: " + e);
            return;
        }
        softly.assertThat(p.version().orElse(0))
                .as(at + "EXT-X-VERSION >= 7")
                .isGreaterThanOrEqualTo(7);
        // VOD (the whole-file runner), or EVENT completed by ENDLIST (a video published while it
        // was encoded keeps the type its players hold: RFC 8216 6.2.1).
        softly.assertThat(p.playlistType().orElse(null))
                .as(at + "EXT-X-PLAYLIST-TYPE")
                .isIn(PlaylistType.VOD, PlaylistType.EVENT);
        softly.assertThat(text).as(at + "EXT-X-ENDLIST").contains("#EXT-X-ENDLIST");
        softly.assertThat(text).as(at + "EXT-X-TARGETDURATION").contains("#EXT-X-TARGETDURATION:");
        List<MediaSegment> segs = p.mediaSegments();
        softly.assertThat(segs).as(at + "segments").isNotEmpty();
        if (segs.isEmpty()) {
            return;
        }
        softly.assertThat(segs.get(0).segmentMap())
                .as(at + "EXT-X-MAP before the first segment")
                .isPresent();
        double max = 0;
        for (int i = 0; i < segs.size(); i++) {
            MediaSegment s = segs.get(i);
            max = Math.max(max, s.duration());
            softly.assertThat(s.duration())
                    .as(
                            at
                                    + "segment %d (%s) EXTINF %.3f <= TARGETDURATION %d + 0.5 (Apple 7.7)",
                            i,
                            s.uri(),
                            s.duration(),
                            p.targetDuration())
                    .isLessThanOrEqualTo(p.targetDuration() + 0.5);
            softly.assertThat(s.duration()).as(at + "segment %d EXTINF > 0", i).isPositive();
            softly.assertThat(s.uri())
                    .as(at + "segment %d name", i)
                    .matches(GENERATION_DIR + String.format("seg_%05d\\.m4s", i));
            s.segmentMap()
                    .ifPresent(
                            m ->
                                    softly.assertThat(m.uri())
                                            .as(at + "EXT-X-MAP URI")
                                            .matches(INIT_SEGMENT_NAME));
        }
        softly.assertThat(p.targetDuration())
                .as(at + "TARGETDURATION >= rounded max EXTINF %.3f (Apple 7.7)", max)
                .isGreaterThanOrEqualTo((int) Math.round(max));
        // Every EXT-X-MAP must name a file beside the playlist (names may be content-addressed).
        segs.stream()
                .flatMap(s -> s.segmentMap().stream())
                .map(m -> m.uri())
                .distinct()
                .forEach(
                        uri ->
                                softly.assertThat(file.getParent().resolve(uri))
                                        .as(at + "EXT-X-MAP file " + uri)
                                        .isRegularFile());
    }

    private static void checkRung(
            SoftAssertions softly, HlsLadder ladder, HlsLadder.Rung rung, Source src) {
        String at = "rung " + rung.name() + ": ";
        Ffprobe.VideoStream s = rung.stream();
        double frame = src.frameSeconds();
        softly.assertThat(s.width() % 2 == 0 && s.height() % 2 == 0)
                .as(at + "even dimensions, got %dx%d", s.width(), s.height())
                .isTrue();
        softly.assertThat(s.pixFmt()).as(at + "pix_fmt").isEqualTo("yuv420p");
        softly.assertThat(s.sar())
                .as(at + "square pixels (SAR %s)", s.sampleAspectRatio())
                .isCloseTo(1.0, offset(0.01));
        softly.assertThat(s.rotation()).as(at + "no display rotation left in the output").isZero();
        double dw = src.video().displayWidth();
        double dh = src.video().displayHeight();
        softly.assertThat(Math.min(s.width(), s.height()))
                .as(at + "short side not upscaled beyond the source's displayed %.1fx%.1f", dw, dh)
                .isLessThanOrEqualTo((int) Math.ceil(Math.min(dw, dh)));
        softly.assertThat(Math.max(s.width(), s.height()))
                .as(at + "long side not upscaled beyond the source's displayed %.1fx%.1f", dw, dh)
                .isLessThanOrEqualTo((int) Math.ceil(Math.max(dw, dh)));
        if (src.video().portrait()) {
            softly.assertThat(s.height())
                    .as(
                            at + "portrait source (displayed %.0fx%.0f) stays portrait, got %dx%d",
                            dw,
                            dh,
                            s.width(),
                            s.height())
                    .isGreaterThan(s.width());
        } else if (dw > dh) {
            softly.assertThat(s.width())
                    .as(
                            at
                                    + "landscape source (displayed %.0fx%.0f) stays landscape, got %dx%d",
                            dw,
                            dh,
                            s.width(),
                            s.height())
                    .isGreaterThan(s.height());
        }
        double expectedWidth = s.height() * dw / dh;
        softly.assertThat((double) s.width())
                .as(
                        at + "aspect ratio: width %d for height %d vs displayed %.1fx%.1f",
                        s.width(),
                        s.height(),
                        dw,
                        dh)
                .isCloseTo(expectedWidth, offset(Math.max(2.5, expectedWidth * 0.01)));
        softly.assertThat(rung.decodedFrames())
                .as(
                        at + "decoded frames vs the source's %d kept of %d decoded (1/64 s rule)",
                        src.keptFrames(),
                        src.frames())
                .isEqualTo(src.keptFrames());
        softly.assertThat(rung.duration())
                .as(
                        at + "duration %.3f s vs source's %.3f s (one frame = %.3f s)",
                        rung.duration(),
                        src.duration(),
                        frame)
                .isCloseTo(src.duration(), offset(frame + 0.001));
        List<Ffprobe.Packet> first = rung.firstPackets();
        List<Ffprobe.SegmentBytes> segs = rung.rendition().segments();
        for (int i = 0; i < segs.size(); i++) {
            Ffprobe.Packet p = first.get(i);
            if (p == null) {
                softly.fail(
                        at + "segment " + i + " (" + segs.get(i).uri() + ") holds no video packet");
            } else {
                softly.assertThat(p.keyframe())
                        .as(
                                at
                                        + "segment %d (%s) starts with a keyframe (Apple 7.4); first packet pts %.3f",
                                i,
                                segs.get(i).uri(),
                                p.ptsTime())
                        .isTrue();
            }
        }
    }

    private static List<Double> relative(List<Double> starts) {
        if (starts.isEmpty()) {
            return starts;
        }
        double first = starts.get(0);
        return starts.stream().map(t -> t - first).toList();
    }

    private static void checkAlignment(SoftAssertions softly, HlsLadder ladder, Source src) {
        HlsLadder.Rung ref = ladder.top();
        double tol = src.frameSeconds() + 0.001;
        List<Double> refBounds = cumulative(ref.rendition().segments());
        // Relative to each rung's own first frame: with signed composition offsets (CMAF), a
        // demuxer such as FFmpeg's shifts a whole rendition by its largest negative offset, which
        // differs per rung; players place the first frame of each segment at its tfdt.
        List<Double> refStarts = relative(ref.segmentStarts());
        for (HlsLadder.Rung rung : ladder.rungs().subList(1, ladder.rungs().size())) {
            String at = "rung " + rung.name() + " vs " + ref.name() + ": ";
            List<Double> bounds = cumulative(rung.rendition().segments());
            List<Double> starts = relative(rung.segmentStarts());
            softly.assertThat(bounds.size()).as(at + "segment count").isEqualTo(refBounds.size());
            if (!softly.wasSuccess()) {
                continue;
            }
            for (int i = 0; i < bounds.size(); i++) {
                softly.assertThat(bounds.get(i))
                        .as(at + "end of segment %d by cumulative EXTINF", i)
                        .isCloseTo(refBounds.get(i), offset(tol));
                softly.assertThat(starts.get(i))
                        .as(at + "first pts of segment %d", i)
                        .isCloseTo(refStarts.get(i), offset(tol));
            }
        }
    }

    private static List<Double> cumulative(List<Ffprobe.SegmentBytes> segs) {
        List<Double> out = new ArrayList<>();
        double t = 0;
        for (Ffprobe.SegmentBytes s : segs) {
            t += s.extinf();
            out.add(t);
        }
        return out;
    }

    private static void checkAudio(SoftAssertions softly, HlsLadder ladder, Source src) {
        if (!src.hasAudio()) {
            softly.assertThat(ladder.audio())
                    .as("no audio rendition (source has no audio)")
                    .isEmpty();
            return;
        }
        softly.assertThat(ladder.audio()).as("audio rendition (source has audio)").isPresent();
        if (!softly.wasSuccess()) {
            return;
        }
        HlsLadder.Audio a = ladder.audio().get();
        checkMediaPlaylist(softly, "audio", a.rendition().playlist(), a.rendition().parsed());
        softly.assertThat(a.stream().codec()).as("audio codec").isEqualTo("aac");
        softly.assertThat(a.stream().profile()).as("audio AAC profile").isEqualTo("LC");
        softly.assertThat(a.stream().channels()).as("audio channels").isEqualTo(2);
        // The master's EXT-X-MEDIA CHANNELS is what the audio holds (RFC 8216 4.3.4.1).
        for (AlternativeRendition m : ladder.master().alternativeRenditions()) {
            if (m.type() == MediaType.AUDIO) {
                softly.assertThat(m.channels().map(io.lindstrom.m3u8.model.Channels::count))
                        .as("master: EXT-X-MEDIA CHANNELS of %s vs the audio's", m.name())
                        .contains(a.stream().channels());
            }
        }
        for (HlsLadder.Rung rung : ladder.rungs()) {
            softly.assertThat(a.duration())
                    .as(
                            "audio duration %.3f s vs rung %s video %.3f s",
                            a.duration(), rung.name(), rung.duration())
                    .isCloseTo(rung.duration(), offset(AUDIO_SYNC_SECONDS));
        }
    }

    private static void checkThumbnails(SoftAssertions softly, Path dir, Source src) {
        Path thumbs = dir.resolve("thumbnails");
        Optional<BufferedImage> poster = image(softly, thumbs.resolve("poster.jpg"));
        poster.ifPresent(
                img -> {
                    String size = img.getWidth() + "x" + img.getHeight();
                    if (src.video().portrait()) {
                        softly.assertThat(img.getHeight())
                                .as("poster %s is portrait like the source", size)
                                .isGreaterThan(img.getWidth());
                    } else if (src.video().displayWidth() > src.video().displayHeight()) {
                        softly.assertThat(img.getWidth())
                                .as("poster %s is landscape like the source", size)
                                .isGreaterThan(img.getHeight());
                    }
                });
        Optional<BufferedImage> sprite = image(softly, thumbs.resolve("storyboard.jpg"));
        Path vtt = thumbs.resolve("storyboard.vtt");
        softly.assertThat(vtt).as("storyboard.vtt").isRegularFile();
        if (!softly.wasSuccess()) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(vtt);
        } catch (IOException e) {
            softly.fail("storyboard.vtt unreadable: " + e);
            return;
        }
        softly.assertThat(lines.isEmpty() ? "" : lines.get(0))
                .as("storyboard.vtt header")
                .startsWith("WEBVTT");
        int cues = 0;
        double lastEnd = 0;
        for (int i = 0; i < lines.size(); i++) {
            Matcher t = CUE_TIME.matcher(lines.get(i));
            if (!t.find()) {
                continue;
            }
            cues++;
            double start = vttTime(t.group(1));
            double end = vttTime(t.group(2));
            softly.assertThat(end)
                    .as("storyboard cue %d: end after start %s", cues, lines.get(i))
                    .isGreaterThan(start);
            softly.assertThat(start)
                    .as("storyboard cue %d: starts where the previous ended or later", cues)
                    .isGreaterThanOrEqualTo(lastEnd - 0.001);
            lastEnd = end;
            String payload = i + 1 < lines.size() ? lines.get(i + 1).trim() : "";
            Matcher x = XYWH.matcher(payload);
            softly.assertThat(x.matches())
                    .as(
                            "storyboard cue %d payload '%s' is storyboard.jpg#xywh=x,y,w,h",
                            cues, payload)
                    .isTrue();
            if (softly.wasSuccess()) {
                softly.assertThat(x.group(1))
                        .as("storyboard cue %d image", cues)
                        .isEqualTo("storyboard.jpg");
                int xx = Integer.parseInt(x.group(2));
                int yy = Integer.parseInt(x.group(3));
                int w = Integer.parseInt(x.group(4));
                int h = Integer.parseInt(x.group(5));
                softly.assertThat(w > 0 && h > 0)
                        .as("storyboard cue %d tile has a size", cues)
                        .isTrue();
                int cue = cues;
                sprite.ifPresent(
                        img ->
                                softly.assertThat(
                                                xx + w <= img.getWidth()
                                                        && yy + h <= img.getHeight())
                                        .as(
                                                "storyboard cue %d tile %d,%d,%d,%d inside the %dx%d sprite",
                                                cue, xx, yy, w, h, img.getWidth(), img.getHeight())
                                        .isTrue());
            }
        }
        softly.assertThat(cues).as("storyboard.vtt cues").isPositive();
        softly.assertThat(lastEnd)
                .as("storyboard.vtt last cue end vs source duration %.3f", src.duration())
                .isLessThanOrEqualTo(src.duration() + 1.0);
    }

    private static Optional<BufferedImage> image(SoftAssertions softly, Path file) {
        softly.assertThat(file).as(file.getFileName() + " exists").isRegularFile();
        if (!softly.wasSuccess()) {
            return Optional.empty();
        }
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            softly.assertThat(img).as(file.getFileName() + " decodes as an image").isNotNull();
            return Optional.ofNullable(img);
        } catch (IOException e) {
            softly.fail(file.getFileName() + " does not decode: " + e);
            return Optional.empty();
        }
    }

    static double vttTime(String t) {
        String[] p = t.split(":");
        double s = 0;
        for (String part : p) {
            s = s * 60 + Double.parseDouble(part);
        }
        return s;
    }
}
