package org.transcoder.media.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.api.SoftAssertions;
import org.transcoder.media.fmp4.Fmp4;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a video's DASH MPD ({@code manifest.mpd} in its output directory) against the files on
 * disk, like a player would resolve it, knowing nothing of the packager: every Representation's
 * init exists, has no edit list and has the Representation's codecs, size, sample rate and
 * channels; the SegmentTimeline expanded through the template (or the SegmentList) names exactly
 * the segment files present; each segment's tfdt is its S@t and its sample durations sum to its
 * S@d, it starts with a sync sample; all video Representations share one timeline; the presentation
 * lasts as long as the video; @bandwidth is at least the measured peak.
 */
public final class DashAssertions {

    public static final String MPD = "manifest.mpd";
    private static final String NS = "urn:mpeg:dash:schema:mpd:2011";
    private static final String LIVE = "urn:mpeg:dash:profile:isoff-live:2011";
    private static final String MAIN = "urn:mpeg:dash:profile:isoff-main:2011";
    private static final String CHANNELS = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011";
    private static final Pattern DURATION =
            Pattern.compile("PT(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+(?:\\.[0-9]+)?)S)?");
    private static final Pattern IDENTIFIER = Pattern.compile("\\$([A-Za-z]*)(%0([0-9]+)d)?\\$");

    private DashAssertions() {}

    /** One segment of a Representation as the MPD resolves it, relative to the MPD. */
    public record Resolved(String path, long t, long d) {}

    /** One Representation as the MPD resolves it. */
    public record Representation(
            String id,
            Element element,
            String contentType,
            long timescale,
            long presentationTimeOffset,
            String init,
            List<Resolved> segments,
            boolean listed) {}

    /** Checks {@code videoDir/manifest.mpd} against the files under {@code videoDir}. */
    public static void check(SoftAssertions softly, Path videoDir) {
        Path mpdFile = videoDir.resolve(MPD);
        if (!Files.isRegularFile(mpdFile)) {
            softly.fail("No DASH manifest at %s", mpdFile);
            return;
        }
        Document doc = parse(mpdFile);
        Element mpd = doc.getDocumentElement();
        softly.assertThat(mpd.getNamespaceURI()).as("MPD namespace").isEqualTo(NS);
        softly.assertThat(mpd.getLocalName()).as("root element").isEqualTo("MPD");
        softly.assertThat(mpd.getAttribute("type")).as("MPD@type").isEqualTo("static");
        softly.assertThat(mpd.getAttribute("minBufferTime")).as("MPD@minBufferTime").isNotEmpty();
        List<Element> periods = children(mpd, "Period");
        softly.assertThat(periods).as("Periods").hasSize(1);
        if (periods.isEmpty()) {
            return;
        }
        List<Representation> video = new ArrayList<>();
        List<Representation> audio = new ArrayList<>();
        List<Element> sets = children(periods.get(0), "AdaptationSet");
        for (Element set : sets) {
            String type = contentType(set);
            for (Element rep : children(set, "Representation")) {
                Representation r = resolve(softly, set, rep, type);
                if (r == null) {
                    continue;
                }
                (type.equals("video") ? video : audio).add(r);
            }
        }
        softly.assertThat(
                        sets.stream()
                                .filter(s -> contentType(s).equals("video"))
                                .collect(Collectors.toList()))
                .as("video AdaptationSets")
                .hasSize(1);
        softly.assertThat(video).as("video Representations").isNotEmpty();
        boolean listed = Stream.concat(video.stream(), audio.stream()).anyMatch(r -> r.listed());
        softly.assertThat(List.of(mpd.getAttribute("profiles").split(",")))
                .as("MPD@profiles (SegmentList needs the main profile)")
                .contains(listed ? MAIN : LIVE);

        // Every rung and the audio on disk (a directory with an init segment) is described.
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(videoDir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(d)) {
                    if (files.anyMatch(f -> f.getFileName().toString().matches("init.*\\.mp4"))) {
                        onDisk.add(d.getFileName().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> described = new TreeSet<>();
        Stream.concat(video.stream(), audio.stream())
                .forEach(r -> described.add(Path.of(r.init()).getName(0).toString()));
        softly.assertThat(described)
                .as("directories of the Representations vs those with an init on disk")
                .isEqualTo(onDisk);
        softly.assertThat(audio.size())
                .as(
                        "audio Representations (audio/ %s)",
                        onDisk.contains("audio") ? "exists" : "absent")
                .isEqualTo(onDisk.contains("audio") ? 1 : 0);

        for (Representation r : video) {
            checkRepresentation(softly, videoDir, r);
        }
        for (Representation r : audio) {
            checkRepresentation(softly, videoDir, r);
        }
        for (Element set : sets) {
            if (contentType(set).equals("video")) {
                checkVideoSet(softly, set, video);
            } else {
                softly.assertThat(set.getAttribute("mimeType"))
                        .as("audio AdaptationSet@mimeType")
                        .isEqualTo("audio/mp4");
                softly.assertThat(set.getAttribute("lang"))
                        .as("audio AdaptationSet@lang")
                        .isNotEmpty();
            }
        }
        if (video.isEmpty() || video.get(0).segments().isEmpty()) {
            return;
        }
        // Players switch at segment boundaries: one timeline for every rung, on the period's time.
        Representation top = video.get(0);
        for (Representation r : video.subList(1, video.size())) {
            softly.assertThat(periodTimeline(r))
                    .as("timeline of %s vs %s", r.id(), top.id())
                    .isEqualTo(periodTimeline(top));
        }
        // The presentation lasts until the end of the video measured in the files.
        Optional<Double> declared = seconds(mpd.getAttribute("mediaPresentationDuration"));
        softly.assertThat(declared).as("MPD@mediaPresentationDuration").isPresent();
        double end = measuredEnd(videoDir, top);
        double frame = 1 / rate(top.element().getAttribute("frameRate"));
        declared.ifPresent(
                d ->
                        softly.assertThat(d)
                                .as(
                                        "mediaPresentationDuration vs the end of %s's last"
                                                + " segment in the files (one frame %.4f s)",
                                        top.id(), frame)
                                .isCloseTo(end, org.assertj.core.data.Offset.offset(frame)));
        for (Representation a : audio) {
            softly.assertThat(measuredEnd(videoDir, a))
                    .as("end of the audio vs the video")
                    .isCloseTo(end, org.assertj.core.data.Offset.offset(0.1));
        }
    }

    private static void checkVideoSet(
            SoftAssertions softly, Element set, List<Representation> video) {
        softly.assertThat(set.getAttribute("mimeType"))
                .as("video AdaptationSet@mimeType")
                .isEqualTo("video/mp4");
        softly.assertThat(set.getAttribute("segmentAlignment"))
                .as("video AdaptationSet@segmentAlignment")
                .isEqualTo("true");
        softly.assertThat(set.getAttribute("startWithSAP"))
                .as("video AdaptationSet@startWithSAP")
                .isEqualTo("1");
        int maxW = video.stream().mapToInt(r -> intAttr(r.element(), "width")).max().orElse(0);
        int maxH = video.stream().mapToInt(r -> intAttr(r.element(), "height")).max().orElse(0);
        double maxRate =
                video.stream()
                        .mapToDouble(r -> rate(r.element().getAttribute("frameRate")))
                        .max()
                        .orElse(0);
        softly.assertThat(intAttr(set, "maxWidth")).as("maxWidth").isEqualTo(maxW);
        softly.assertThat(intAttr(set, "maxHeight")).as("maxHeight").isEqualTo(maxH);
        softly.assertThat(rate(set.getAttribute("maxFrameRate")))
                .as("maxFrameRate")
                .isCloseTo(maxRate, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static void checkRepresentation(SoftAssertions softly, Path dir, Representation r) {
        Path initFile = dir.resolve(r.init()).normalize();
        if (!Files.isRegularFile(initFile)) {
            softly.fail("%s: init %s does not exist", r.id(), r.init());
            return;
        }
        byte[] init = read(initFile);
        softly.assertThat(editLists(init)).as("%s: edts boxes in %s", r.id(), r.init()).isZero();
        softly.assertThat(r.element().getAttribute("codecs"))
                .as("%s@codecs vs the init's codec string", r.id())
                .isEqualTo(Fmp4.codecString(init));
        softly.assertThat(r.timescale())
                .as("%s: @timescale vs the init's mdhd", r.id())
                .isEqualTo(Fmp4.timescale(init));
        if (r.contentType().equals("video")) {
            int[] size = trackSize(init);
            softly.assertThat(
                            new int[] {
                                intAttr(r.element(), "width"), intAttr(r.element(), "height")
                            })
                    .as("%s: width, height vs the init's tkhd", r.id())
                    .isEqualTo(size);
            softly.assertThat(r.element().getAttribute("sar"))
                    .as("%s@sar", r.id())
                    .isEqualTo("1:1");
        } else {
            int[] audio = audioChannelsAndRate(init);
            softly.assertThat(intAttr(r.element(), "audioSamplingRate"))
                    .as("%s@audioSamplingRate vs the init's sample entry", r.id())
                    .isEqualTo(audio[1]);
            List<Element> channels = children(r.element(), "AudioChannelConfiguration");
            softly.assertThat(channels).as("%s: AudioChannelConfiguration", r.id()).hasSize(1);
            for (Element c : channels) {
                softly.assertThat(c.getAttribute("schemeIdUri"))
                        .as("%s: AudioChannelConfiguration@schemeIdUri", r.id())
                        .isEqualTo(CHANNELS);
                softly.assertThat(c.getAttribute("value"))
                        .as("%s: channels vs the init's sample entry", r.id())
                        .isEqualTo(Integer.toString(audio[0]));
            }
        }

        // The timeline names exactly the segment files of the Representation's directory.
        Path repDir = dir.resolve(Path.of(r.init()).getName(0).toString());
        Set<String> present = new TreeSet<>();
        try (Stream<Path> files = Files.walk(repDir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".m4s"))
                    .forEach(p -> present.add(dir.relativize(p).toString().replace('\\', '/')));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> named = new TreeSet<>();
        r.segments().forEach(s -> named.add(Path.of(s.path()).normalize().toString()));
        softly.assertThat(named)
                .as("%s: segments the MPD names vs the files in %s", r.id(), repDir)
                .isEqualTo(present);
        softly.assertThat(named.size())
                .as("%s: the MPD names no segment twice", r.id())
                .isEqualTo(r.segments().size());

        if (r.segments().isEmpty()) {
            return;
        }
        Resolved first = r.segments().get(0);
        softly.assertThat(first.t() - r.presentationTimeOffset())
                .as(
                        "%s: the first segment starts the period (S@t - presentationTimeOffset)",
                        r.id())
                .isZero();
        double peak = 0;
        int n = 0;
        for (Resolved s : r.segments()) {
            Path file = dir.resolve(s.path()).normalize();
            if (!Files.isRegularFile(file)) {
                continue;
            }
            byte[] bytes = read(file);
            Fmp4.Parts parts = Fmp4.split(bytes);
            if (parts.fragments().isEmpty()) {
                softly.fail("%s: %s has no moof/mdat", r.id(), s.path());
                continue;
            }
            long tfdt = tfdt(parts.fragments().get(0));
            softly.assertThat(tfdt)
                    .as(
                            "%s segment %d (%s): tfdt vs S@t (presentationTimeOffset %d)",
                            r.id(), n, s.path(), r.presentationTimeOffset())
                    .isEqualTo(s.t());
            long sum = 0;
            for (byte[] frag : parts.fragments()) {
                softly.assertThat(tfdt(frag))
                        .as("%s %s: fragments follow each other", r.id(), s.path())
                        .isEqualTo(s.t() + sum);
                sum += Fmp4.fragmentDuration(frag, init);
            }
            softly.assertThat(sum)
                    .as("%s segment %d (%s): summed sample durations vs S@d", r.id(), n, s.path())
                    .isEqualTo(s.d());
            if (r.contentType().equals("video")) {
                softly.assertThat(firstSampleIsSync(parts.fragments().get(0), init))
                        .as("%s %s starts with a sync sample (startWithSAP=1)", r.id(), s.path())
                        .isTrue();
            }
            if (s.d() > 0) {
                peak = Math.max(peak, bytes.length * 8.0 * r.timescale() / s.d());
            }
            n++;
        }
        softly.assertThat(longAttr(r.element(), "bandwidth"))
                .as("%s@bandwidth vs the measured peak %.1f b/s", r.id(), peak)
                .isGreaterThanOrEqualTo((long) Math.floor(peak));
    }

    /** A Representation's segments resolved through its SegmentTemplate or SegmentList. */
    private static Representation resolve(
            SoftAssertions softly, Element set, Element rep, String type) {
        String id = rep.getAttribute("id");
        Element template = inherited(set, rep, "SegmentTemplate");
        Element list = inherited(set, rep, "SegmentList");
        if ((template == null) == (list == null)) {
            softly.fail("Representation %s needs one SegmentTemplate or SegmentList", id);
            return null;
        }
        Element base = template != null ? template : list;
        long timescale = base.hasAttribute("timescale") ? longAttr(base, "timescale") : 1;
        long pto =
                base.hasAttribute("presentationTimeOffset")
                        ? longAttr(base, "presentationTimeOffset")
                        : 0;
        long startNumber = base.hasAttribute("startNumber") ? longAttr(base, "startNumber") : 1;
        List<long[]> timeline = timeline(softly, id, base);
        List<Resolved> segments = new ArrayList<>();
        String init;
        if (template != null) {
            init = expand(template.getAttribute("initialization"), id, rep, 0, 0);
            for (int i = 0; i < timeline.size(); i++) {
                long[] td = timeline.get(i);
                segments.add(
                        new Resolved(
                                expand(
                                        template.getAttribute("media"),
                                        id,
                                        rep,
                                        startNumber + i,
                                        td[0]),
                                td[0],
                                td[1]));
            }
        } else {
            List<Element> inits = children(list, "Initialization");
            init = inits.isEmpty() ? "" : inits.get(0).getAttribute("sourceURL");
            List<Element> urls = children(list, "SegmentURL");
            softly.assertThat(urls.size())
                    .as("%s: SegmentURLs vs SegmentTimeline entries", id)
                    .isEqualTo(timeline.size());
            for (int i = 0; i < Math.min(urls.size(), timeline.size()); i++) {
                segments.add(
                        new Resolved(
                                urls.get(i).getAttribute("media"),
                                timeline.get(i)[0],
                                timeline.get(i)[1]));
            }
        }
        softly.assertThat(segments).as("%s: segments", id).isNotEmpty();
        return new Representation(id, rep, type, timescale, pto, init, segments, template == null);
    }

    /** The SegmentTimeline as (t, d) pairs: S@t or the previous end, S@d, repeated S@r times. */
    private static List<long[]> timeline(SoftAssertions softly, String id, Element base) {
        List<long[]> out = new ArrayList<>();
        List<Element> timelines = children(base, "SegmentTimeline");
        if (timelines.size() != 1) {
            softly.fail("%s: %d SegmentTimelines", id, timelines.size());
            return out;
        }
        long next = 0;
        for (Element s : children(timelines.get(0), "S")) {
            long t = s.hasAttribute("t") ? longAttr(s, "t") : next;
            long d = longAttr(s, "d");
            long r = s.hasAttribute("r") ? longAttr(s, "r") : 0;
            if (r < 0) {
                softly.fail("%s: S@r=%d in a static MPD", id, r);
                r = 0;
            }
            for (long k = 0; k <= r; k++) {
                out.add(new long[] {t, d});
                t += d;
            }
            next = t;
        }
        return out;
    }

    /** (t - presentationTimeOffset, d) in seconds of every segment. */
    private static List<String> periodTimeline(Representation r) {
        return r.segments().stream()
                .map(
                        s ->
                                String.format(
                                        Locale.ROOT,
                                        "%.6f+%.6f",
                                        (s.t() - r.presentationTimeOffset())
                                                / (double) r.timescale(),
                                        s.d() / (double) r.timescale()))
                .toList();
    }

    /** End of a Representation's last segment on the period's time, measured in the files. */
    private static double measuredEnd(Path dir, Representation r) {
        if (r.segments().isEmpty()) {
            return Double.NaN;
        }
        Resolved last = r.segments().get(r.segments().size() - 1);
        Path file = dir.resolve(last.path()).normalize();
        if (!Files.isRegularFile(file)) {
            return Double.NaN;
        }
        byte[] init = read(dir.resolve(r.init()).normalize());
        List<byte[]> frags = Fmp4.split(read(file)).fragments();
        long end = tfdt(frags.get(0));
        for (byte[] f : frags) {
            end += Fmp4.fragmentDuration(f, init);
        }
        return (end - r.presentationTimeOffset()) / (double) r.timescale();
    }

    /** A SegmentTemplate's uri for one segment (ISO/IEC 23009-1 5.3.9.4.4). */
    private static String expand(String template, String id, Element rep, long number, long time) {
        Matcher m = IDENTIFIER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value =
                    switch (m.group(1)) {
                        case "" -> "$";
                        case "RepresentationID" -> id;
                        case "Number" -> pad(number, m.group(3));
                        case "Time" -> pad(time, m.group(3));
                        case "Bandwidth" -> pad(longAttr(rep, "bandwidth"), m.group(3));
                        default ->
                                throw new AssertionError(
                                        "Unknown identifier " + m.group() + " in " + template);
                    };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String pad(long value, String width) {
        return width == null
                ? Long.toString(value)
                : String.format(Locale.ROOT, "%0" + Integer.parseInt(width) + "d", value);
    }

    /** An xs:duration of hours, minutes and seconds, in seconds. */
    public static Optional<Double> seconds(String duration) {
        Matcher m = DURATION.matcher(duration);
        if (duration.equals("PT") || !m.matches()) {
            return Optional.empty();
        }
        BigDecimal s = BigDecimal.ZERO;
        if (m.group(1) != null)
            s = s.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(3600)));
        if (m.group(2) != null)
            s = s.add(new BigDecimal(m.group(2)).multiply(BigDecimal.valueOf(60)));
        if (m.group(3) != null) s = s.add(new BigDecimal(m.group(3)));
        return Optional.of(s.doubleValue());
    }

    /** A FrameRateType value ({@code 25}, {@code 30000/1001}) in frames per second. */
    public static double rate(String frameRate) {
        if (!frameRate.matches("[0-9]+(/[0-9]+)?")) {
            throw new AssertionError("Not a DASH frame rate: '" + frameRate + "'");
        }
        String[] p = frameRate.split("/");
        return p.length == 1
                ? Double.parseDouble(p[0])
                : Double.parseDouble(p[0]) / Double.parseDouble(p[1]);
    }

    // ---- ISO-BMFF, read independently of the packager ----

    /** A box: where it starts, where its payload starts, where it ends. */
    private record Box(String type, int start, int payload, int end) {}

    private static List<Box> boxes(byte[] d, int from, int to) {
        List<Box> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(d);
        int p = from;
        while (p + 8 <= to) {
            long size = Integer.toUnsignedLong(b.getInt(p));
            int header = 8;
            if (size == 1) {
                size = b.getLong(p + 8);
                header = 16;
            } else if (size == 0) {
                size = to - p;
            }
            if (size < header || p + size > to) {
                throw new AssertionError("Broken box at " + p);
            }
            out.add(
                    new Box(
                            new String(d, p + 4, 4, StandardCharsets.ISO_8859_1),
                            p,
                            p + header,
                            (int) (p + size)));
            p += (int) size;
        }
        return out;
    }

    private static List<Box> all(byte[] d, Box parent, String type) {
        int from = parent == null ? 0 : parent.payload();
        int to = parent == null ? d.length : parent.end();
        return boxes(d, from, to).stream().filter(b -> b.type().equals(type)).toList();
    }

    private static Box one(byte[] d, Box parent, String... path) {
        Box at = parent;
        for (String type : path) {
            List<Box> found = all(d, at, type);
            if (found.isEmpty()) {
                throw new AssertionError("No '" + type + "' box");
            }
            at = found.get(0);
        }
        return at;
    }

    /** edts boxes in every trak of an init segment. */
    public static int editLists(byte[] init) {
        int n = 0;
        for (Box trak : all(init, one(init, null, "moov"), "trak")) {
            n += all(init, trak, "edts").size();
        }
        return n;
    }

    /** The first traf's base media decode time. */
    public static long tfdt(byte[] fragment) {
        Box tfdt = one(fragment, null, "moof", "traf", "tfdt");
        ByteBuffer b = ByteBuffer.wrap(fragment);
        return fragment[tfdt.payload()] == 1
                ? b.getLong(tfdt.payload() + 4)
                : Integer.toUnsignedLong(b.getInt(tfdt.payload() + 4));
    }

    /** The track's width and height from tkhd (16.16 fixed point). */
    public static int[] trackSize(byte[] init) {
        Box tkhd = one(init, null, "moov", "trak", "tkhd");
        int version = init[tkhd.payload()] & 0xff;
        int at = tkhd.payload() + (version == 1 ? 88 : 76);
        ByteBuffer b = ByteBuffer.wrap(init);
        return new int[] {b.getInt(at) >>> 16, b.getInt(at + 4) >>> 16};
    }

    /** Channel count and sample rate of the audio sample entry (ISO/IEC 14496-12 12.2.3). */
    public static int[] audioChannelsAndRate(byte[] init) {
        Box stsd = one(init, null, "moov", "trak", "mdia", "minf", "stbl", "stsd");
        int entry = stsd.payload() + 8;
        ByteBuffer b = ByteBuffer.wrap(init);
        return new int[] {b.getShort(entry + 24) & 0xffff, b.getInt(entry + 32) >>> 16};
    }

    /** Whether a fragment's first sample is a sync sample (sample_is_non_sync_sample clear). */
    static boolean firstSampleIsSync(byte[] frag, byte[] init) {
        ByteBuffer b = ByteBuffer.wrap(frag);
        Box traf = one(frag, null, "moof", "traf");
        Box tfhd = one(frag, traf, "tfhd");
        int tfhdFlags = b.getInt(tfhd.payload()) & 0xFFFFFF;
        int q = tfhd.payload() + 8;
        if ((tfhdFlags & 0x1) != 0) q += 8;
        if ((tfhdFlags & 0x2) != 0) q += 4;
        if ((tfhdFlags & 0x8) != 0) q += 4;
        if ((tfhdFlags & 0x10) != 0) q += 4;
        Integer defaultFlags = (tfhdFlags & 0x20) != 0 ? b.getInt(q) : null;
        Box trun = one(frag, traf, "trun");
        int flags = b.getInt(trun.payload()) & 0xFFFFFF;
        int p = trun.payload() + 8;
        if ((flags & 0x1) != 0) p += 4;
        int sampleFlags;
        if ((flags & 0x4) != 0) {
            sampleFlags = b.getInt(p);
        } else if ((flags & 0x400) != 0) {
            int entry = p + ((flags & 0x100) != 0 ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0);
            sampleFlags = b.getInt(entry);
        } else if (defaultFlags != null) {
            sampleFlags = defaultFlags;
        } else {
            Box trex = one(init, null, "moov", "mvex", "trex");
            sampleFlags = ByteBuffer.wrap(init).getInt(trex.payload() + 20);
        }
        return (sampleFlags & 0x10000) == 0;
    }

    // ---- XML ----

    private static Document parse(Path file) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new AssertionError(file + " is not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** The child elements of the MPD namespace named {@code name}. */
    public static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e
                    && NS.equals(e.getNamespaceURI())
                    && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    /** A segment information element of the Representation, else of its AdaptationSet. */
    private static Element inherited(Element set, Element rep, String name) {
        List<Element> own = children(rep, name);
        if (!own.isEmpty()) {
            return own.get(0);
        }
        List<Element> fromSet = children(set, name);
        return fromSet.isEmpty() ? null : fromSet.get(0);
    }

    private static String contentType(Element set) {
        if (set.hasAttribute("contentType")) {
            return set.getAttribute("contentType");
        }
        String mime = set.getAttribute("mimeType");
        return mime.contains("/") ? mime.substring(0, mime.indexOf('/')) : mime;
    }

    private static int intAttr(Element e, String name) {
        return Math.toIntExact(longAttr(e, name));
    }

    private static long longAttr(Element e, String name) {
        String v = e.getAttribute(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException ex) {
            throw new AssertionError(
                    e.getLocalName() + "@" + name + " is not an integer: '" + v + "'", ex);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
