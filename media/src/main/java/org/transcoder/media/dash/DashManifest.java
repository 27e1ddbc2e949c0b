package org.transcoder.media.dash;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.BitRates;
import org.transcoder.media.manifest.ManifestWriter;
import org.transcoder.media.manifest.Presentation;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.manifest.VideoTrack;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A static MPEG-DASH MPD (ISO/IEC 23009-1) of a {@link Presentation}, describing the very init and
 * media segments the HLS playlists list: one Period, one video AdaptationSet with every rung as a
 * Representation, one audio AdaptationSet.
 *
 * <p>Each Representation addresses its segments with a SegmentTemplate ({@code $Number%05d$})
 * derived from the segments' own uris and a SegmentTimeline of their exact tfdt and durations
 * (run-length coded); the template is only used when it reproduces every uri, else the
 * Representation lists its segments (SegmentList) and the MPD claims the main profile instead of
 * the live one (which allows SegmentTemplate only).
 *
 * <p>Profiles: ISO live ({@code urn:mpeg:dash:profile:isoff-live:2011}). The CMAF profile ({@code
 * urn:mpeg:dash:profile:cmaf:2019}) is not claimed: it requires CMAF tracks, and the encoders' init
 * segments carry no CMAF brand ({@code cmfc}) in their ftyp (iso5, iso6, mp41).
 *
 * <p>Bandwidth is each Representation's measured peak ({@link BitRates#peak}) and minBufferTime the
 * longest segment: a client receiving at @bandwidth downloads any segment in at most its own
 * duration, so a buffer of the longest segment never runs dry.
 */
public final class DashManifest implements ManifestWriter {

    public static final String NAMESPACE = "urn:mpeg:dash:schema:mpd:2011";
    public static final String PROFILE_LIVE = "urn:mpeg:dash:profile:isoff-live:2011";
    public static final String PROFILE_MAIN = "urn:mpeg:dash:profile:isoff-main:2011";
    public static final String AUDIO_CHANNEL_CONFIGURATION =
            "urn:mpeg:dash:23003:3:audio_channel_configuration:2011";

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    @Override
    public String entryPoint() {
        return OutputLayout.DASH_MANIFEST;
    }

    @Override
    public LinkedHashMap<String, String> manifests(Presentation presentation) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        out.put(OutputLayout.DASH_MANIFEST, mpd(presentation));
        return out;
    }

    /** The MPD's text (UTF-8 XML). */
    public static String mpd(Presentation p) {
        if (p.video().isEmpty()) {
            throw new IllegalArgumentException("A presentation without video has no MPD");
        }
        Document doc = newDocument();
        Element mpd = doc.createElementNS(NAMESPACE, "MPD");
        doc.appendChild(mpd);

        List<Addressing> video = new ArrayList<>();
        for (VideoTrack v : p.video()) {
            video.add(Addressing.of(v.directory(), v.segments()));
        }
        Optional<Addressing> audio =
                p.audio().map(a -> Addressing.of(OutputLayout.AUDIO_DIR, a.segments()));
        boolean listed =
                video.stream().anyMatch(a -> a.template() == null)
                        || audio.map(a -> a.template() == null).orElse(false);

        List<Segment> top = p.video().get(0).segments();
        long start = top.get(0).startTicks();
        long end = top.get(top.size() - 1).endTicks();
        long timescale = top.get(0).timescale();
        double longest =
                p.video().stream()
                        .flatMap(v -> v.segments().stream())
                        .mapToDouble(Segment::durationSeconds)
                        .max()
                        .orElse(0);
        for (Segment s : p.audio().map(AudioTrack::segments).orElse(List.of())) {
            longest = Math.max(longest, s.durationSeconds());
        }

        mpd.setAttribute("type", "static");
        mpd.setAttribute("profiles", listed ? PROFILE_MAIN : PROFILE_LIVE);
        mpd.setAttribute(
                "minBufferTime",
                duration(BigDecimal.valueOf(longest).setScale(3, RoundingMode.CEILING)));
        mpd.setAttribute("mediaPresentationDuration", duration(end - start, timescale));

        Element period = child(mpd, "Period");
        period.setAttribute("id", "0");
        period.setAttribute("start", "PT0S");

        Element videoSet = child(period, "AdaptationSet");
        videoSet.setAttribute("id", "0");
        videoSet.setAttribute("contentType", "video");
        videoSet.setAttribute("mimeType", "video/mp4");
        videoSet.setAttribute("segmentAlignment", "true");
        videoSet.setAttribute("startWithSAP", "1");
        videoSet.setAttribute(
                "maxWidth",
                Integer.toString(p.video().stream().mapToInt(VideoTrack::width).max().orElse(0)));
        videoSet.setAttribute(
                "maxHeight",
                Integer.toString(p.video().stream().mapToInt(VideoTrack::height).max().orElse(0)));
        videoSet.setAttribute(
                "maxFrameRate",
                frameRate(p.video().stream().mapToDouble(VideoTrack::frameRate).max().orElse(0)));
        for (int i = 0; i < p.video().size(); i++) {
            VideoTrack v = p.video().get(i);
            Element rep = child(videoSet, "Representation");
            rep.setAttribute("id", representationId(v.name()));
            rep.setAttribute("codecs", v.codecs());
            rep.setAttribute("bandwidth", Long.toString(bandwidth(v.segments())));
            rep.setAttribute("width", Integer.toString(v.width()));
            rep.setAttribute("height", Integer.toString(v.height()));
            rep.setAttribute("frameRate", frameRate(v.frameRate()));
            rep.setAttribute("sar", "1:1");
            segments(rep, video.get(i), v.segments());
        }

        if (p.audio().isPresent()) {
            AudioTrack a = p.audio().get();
            Element audioSet = child(period, "AdaptationSet");
            audioSet.setAttribute("id", "1");
            audioSet.setAttribute("contentType", "audio");
            audioSet.setAttribute("mimeType", "audio/mp4");
            audioSet.setAttribute("lang", "und");
            audioSet.setAttribute("segmentAlignment", "true");
            audioSet.setAttribute("startWithSAP", "1");
            Element rep = child(audioSet, "Representation");
            rep.setAttribute("id", representationId(OutputLayout.AUDIO_DIR));
            rep.setAttribute("codecs", a.codecs());
            rep.setAttribute("bandwidth", Long.toString(bandwidth(a.segments())));
            rep.setAttribute("audioSamplingRate", Integer.toString(a.sampleRate()));
            Element channels = child(rep, "AudioChannelConfiguration");
            channels.setAttribute("schemeIdUri", AUDIO_CHANNEL_CONFIGURATION);
            channels.setAttribute("value", Integer.toString(a.channels()));
            segments(rep, audio.get(), a.segments());
        }
        return serialize(doc);
    }

    /**
     * How a Representation's segments are addressed: the media template ({@code $Number%05d$}) and
     * the first number, or null where no template reproduces every uri.
     */
    record Addressing(String directory, String template, long startNumber) {

        static Addressing of(String directory, List<Segment> segments) {
            if (segments.isEmpty()) {
                throw new IllegalArgumentException(directory + " has no segments");
            }
            String first = segments.get(0).uri();
            for (int[] run : numberRuns(first)) {
                String digits = first.substring(run[0], run[1]);
                if (digits.length() > 18) {
                    continue;
                }
                long startNumber = Long.parseLong(digits);
                String prefix = escape(first.substring(0, run[0]));
                String suffix = escape(first.substring(run[1]));
                List<String> candidates = new ArrayList<>();
                if (digits.length() > 1) {
                    candidates.add(prefix + "$Number%0" + digits.length() + "d$" + suffix);
                }
                candidates.add(prefix + "$Number$" + suffix);
                for (String t : candidates) {
                    if (matchesAll(t, startNumber, segments)) {
                        return new Addressing(directory, t, startNumber);
                    }
                }
            }
            return new Addressing(directory, null, 0);
        }

        /**
         * The runs of digits of a uri that may be its number, most likely first: those in the file
         * name's stem (seg_00003 of seg_00003.m4s, not the 4 of m4s), last first, then the others.
         */
        private static List<int[]> numberRuns(String uri) {
            int name = uri.lastIndexOf('/') + 1;
            int dot = uri.lastIndexOf('.');
            int stemEnd = dot > name ? dot : uri.length();
            List<int[]> stem = new ArrayList<>();
            List<int[]> other = new ArrayList<>();
            Matcher m = DIGITS.matcher(uri);
            while (m.find()) {
                int[] run = {m.start(), m.end()};
                (m.start() >= name && m.end() <= stemEnd ? stem : other).add(0, run);
            }
            stem.addAll(other);
            return stem;
        }

        private static boolean matchesAll(String template, long startNumber, List<Segment> s) {
            for (int i = 0; i < s.size(); i++) {
                if (!expand(template, startNumber + i).equals(s.get(i).uri())) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The uri of segment {@code number} by a template of ISO/IEC 23009-1 5.3.9.4.4: {@code $$} is a
     * dollar sign, {@code $Number$} the number, {@code $Number%0Nd$} the number padded to N digits.
     */
    public static String expand(String template, long number) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            int close = template.indexOf('$', i + 1);
            if (close < 0) {
                throw new IllegalArgumentException("Unclosed $ in template " + template);
            }
            String id = template.substring(i + 1, close);
            if (id.isEmpty()) {
                out.append('$');
            } else if (id.equals("Number")) {
                out.append(number);
            } else if (id.matches("Number%0[0-9]+d")) {
                int width = Integer.parseInt(id.substring(8, id.length() - 1));
                out.append(String.format(Locale.ROOT, "%0" + width + "d", number));
            } else {
                throw new IllegalArgumentException("Unsupported identifier $" + id + "$");
            }
            i = close + 1;
        }
        return out.toString();
    }

    /** A literal in a template: every {@code $} doubled. */
    static String escape(String literal) {
        return literal.replace("$", "$$");
    }

    private static void segments(Element rep, Addressing a, List<Segment> segments) {
        long timescale = segments.get(0).timescale();
        for (Segment s : segments) {
            if (s.timescale() != timescale) {
                throw new IllegalArgumentException(
                        a.directory() + " mixes timescales " + timescale + " and " + s.timescale());
            }
            if (!s.initUri().equals(segments.get(0).initUri())) {
                throw new IllegalArgumentException(
                        a.directory() + " has more than one init segment");
            }
        }
        String dir = a.directory() + "/";
        long offset = segments.get(0).startTicks();
        Element base;
        if (a.template() != null) {
            base = child(rep, "SegmentTemplate");
            base.setAttribute("timescale", Long.toString(timescale));
            if (offset != 0) {
                base.setAttribute("presentationTimeOffset", Long.toString(offset));
            }
            base.setAttribute("startNumber", Long.toString(a.startNumber()));
            base.setAttribute("initialization", escape(dir + segments.get(0).initUri()));
            base.setAttribute("media", escape(dir) + a.template());
            timeline(base, segments);
        } else {
            base = child(rep, "SegmentList");
            base.setAttribute("timescale", Long.toString(timescale));
            if (offset != 0) {
                base.setAttribute("presentationTimeOffset", Long.toString(offset));
            }
            child(base, "Initialization")
                    .setAttribute("sourceURL", dir + segments.get(0).initUri());
            timeline(base, segments);
            for (Segment s : segments) {
                child(base, "SegmentURL").setAttribute("media", dir + s.uri());
            }
        }
    }

    /**
     * The SegmentTimeline: S@t (on the media timeline, the tfdt) where a run starts or the timeline
     * jumps, S@d each duration, S@r the number of repeats of equal, contiguous durations.
     */
    private static void timeline(Element parent, List<Segment> segments) {
        Element timeline = child(parent, "SegmentTimeline");
        Element run = null;
        long runDuration = 0;
        long repeats = 0;
        long expectedStart = Long.MIN_VALUE;
        for (Segment s : segments) {
            boolean contiguous = s.startTicks() == expectedStart;
            if (run != null && contiguous && s.durationTicks() == runDuration) {
                repeats++;
            } else {
                if (run != null && repeats > 0) {
                    run.setAttribute("r", Long.toString(repeats));
                }
                run = child(timeline, "S");
                if (!contiguous) {
                    run.setAttribute("t", Long.toString(s.startTicks()));
                }
                run.setAttribute("d", Long.toString(s.durationTicks()));
                runDuration = s.durationTicks();
                repeats = 0;
            }
            expectedStart = s.endTicks();
        }
        if (run != null && repeats > 0) {
            run.setAttribute("r", Long.toString(repeats));
        }
    }

    private static long bandwidth(List<Segment> segments) {
        return Math.max(1, BitRates.peak(segments));
    }

    /** A Representation@id: no whitespace (StringNoWhitespaceType). */
    private static String representationId(String name) {
        return name.replaceAll("\\s", "_");
    }

    /**
     * A DASH frame rate (FrameRateType, {@code N} or {@code N/M}): an integer rate, an NTSC rate
     * ({@code 30000/1001}), else the closest fraction with a denominator up to 1001.
     */
    public static String frameRate(double fps) {
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("Frame rate " + fps);
        }
        double tolerance = 5e-4;
        long n = Math.round(fps);
        if (n > 0 && Math.abs(fps - n) < tolerance) {
            return Long.toString(n);
        }
        long ntsc = Math.round(fps * 1.001);
        if (ntsc > 0 && Math.abs(fps - ntsc * 1000 / 1001.0) < tolerance) {
            return (ntsc * 1000) + "/1001";
        }
        long bestNum = Math.max(1, n);
        long bestDen = 1;
        for (long den = 2; den <= 1001; den++) {
            long num = Math.round(fps * den);
            if (num > 0
                    && Math.abs(fps - num / (double) den)
                            < Math.abs(fps - bestNum / (double) bestDen)) {
                bestNum = num;
                bestDen = den;
            }
        }
        long g = BigInteger.valueOf(bestNum).gcd(BigInteger.valueOf(bestDen)).longValue();
        bestNum /= g;
        bestDen /= g;
        return bestDen == 1 ? Long.toString(bestNum) : bestNum + "/" + bestDen;
    }

    /** An xs:duration of ticks at a timescale: exact to the nanosecond. */
    static String duration(long ticks, long timescale) {
        return duration(
                BigDecimal.valueOf(ticks)
                        .divide(BigDecimal.valueOf(timescale), 9, RoundingMode.HALF_UP));
    }

    /** An xs:duration ({@code PT1H2M3.5S}) of seconds. */
    static String duration(BigDecimal seconds) {
        if (seconds.signum() < 0) {
            throw new IllegalArgumentException("Negative duration " + seconds);
        }
        BigDecimal[] hm = seconds.divideAndRemainder(BigDecimal.valueOf(3600));
        BigDecimal[] ms = hm[1].divideAndRemainder(BigDecimal.valueOf(60));
        StringBuilder d = new StringBuilder("PT");
        if (hm[0].signum() > 0) {
            d.append(hm[0].toBigInteger()).append('H');
        }
        if (ms[0].signum() > 0) {
            d.append(ms[0].toBigInteger()).append('M');
        }
        BigDecimal s = ms[1].stripTrailingZeros();
        d.append(s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString()).append('S');
        return d.toString();
    }

    private static Element child(Element parent, String name) {
        Element e = parent.getOwnerDocument().createElementNS(NAMESPACE, name);
        parent.appendChild(e);
        return e;
    }

    private static Document newDocument() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document doc = f.newDocumentBuilder().newDocument();
            doc.setXmlStandalone(true);
            return doc;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String serialize(Document doc) {
        try {
            TransformerFactory f = TransformerFactory.newInstance();
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = f.newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(w));
            String xml = w.toString();
            // The JDK's serializer puts the first element on the declaration's line.
            return xml.replaceFirst("\\?><", "?>\n<") + (xml.endsWith("\n") ? "" : "\n");
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
