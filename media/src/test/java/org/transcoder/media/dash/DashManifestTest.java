package org.transcoder.media.dash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.namespace.NamespaceContext;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.Transcoder;
import org.transcoder.media.fmp4.Fmp4;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.BitRates;
import org.transcoder.media.manifest.Packaging;
import org.transcoder.media.manifest.Presentation;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.manifest.VideoTrack;
import org.transcoder.media.testing.DashAssertions;
import org.transcoder.media.testing.Fixtures;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class DashManifestTest {

    private static final long V = 90_000;
    private static final long A = 48_000;

    // ---- a presentation built here: every rule of the MPD, read back with DOM/XPath ----

    /** 4 segments of 4.004 s and one of 2.002 s; segment i is {@code bytes[i]} long. */
    private static List<Segment> video(String init, long... bytes) {
        List<Segment> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < bytes.length; i++) {
            long d = i < 4 ? 360_360 : 180_180;
            out.add(
                    new Segment(
                            String.format("seg_%05d.m4s", i), init, t, d, V, bytes[i], List.of()));
            t += d;
        }
        return out;
    }

    private static AudioTrack audio() {
        long[] durations = {192_512, 192_512, 191_488, 192_512, 96_256};
        List<Segment> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < durations.length; i++) {
            out.add(
                    new Segment(
                            String.format("seg_%05d.m4s", i),
                            "init.mp4",
                            t,
                            durations[i],
                            A,
                            64_000 + i,
                            List.of()));
            t += durations[i];
        }
        return new AudioTrack("mp4a.40.2", 2, 48_000, out);
    }

    private static Presentation twoRungs() {
        return new Presentation(
                List.of(
                        new VideoTrack(
                                "1080p",
                                1920,
                                1080,
                                "avc1.640028",
                                30000 / 1001.0,
                                VideoTrack.SDR,
                                video(
                                        "g1abc/init_0123456789ab.mp4",
                                        2_000_000,
                                        2_600_000,
                                        1_900_000,
                                        2_100_000,
                                        900_000)),
                        new VideoTrack(
                                "720p",
                                1280,
                                720,
                                "avc1.64001f",
                                30000 / 1001.0,
                                VideoTrack.SDR,
                                video(
                                        "init_ba9876543210.mp4",
                                        1_000_000,
                                        1_300_000,
                                        950_000,
                                        1_050_000,
                                        450_000))),
                Optional.of(audio()));
    }

    @Test
    void describesEveryRungAndTheAudio() throws Exception {
        Presentation p = twoRungs().verify();
        DashManifest dash = new DashManifest();
        LinkedHashMap<String, String> files = dash.manifests(p);
        assertThat(dash.entryPoint()).isEqualTo("manifest.mpd");
        assertThat(files.keySet()).containsExactly("manifest.mpd");
        String text = files.get("manifest.mpd");
        System.out.println(text);
        Mpd mpd = Mpd.parse(text);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"");
        softly.assertThat(mpd.str("/d:MPD/@type")).isEqualTo("static");
        softly.assertThat(mpd.str("/d:MPD/@profiles"))
                .isEqualTo("urn:mpeg:dash:profile:isoff-live:2011");
        // 4 x 4.004 + 2.002 = 18.018 s, exactly.
        softly.assertThat(mpd.str("/d:MPD/@mediaPresentationDuration")).isEqualTo("PT18.018S");
        softly.assertThat(DashAssertions.seconds(mpd.str("/d:MPD/@mediaPresentationDuration")))
                .contains(p.durationSeconds());
        // The longest segment: the audio's 192512 / 48000 = 4.010667 s, rounded up.
        softly.assertThat(mpd.str("/d:MPD/@minBufferTime")).isEqualTo("PT4.011S");
        softly.assertThat(mpd.count("/d:MPD/d:Period")).isEqualTo(1);
        softly.assertThat(mpd.count("//d:AdaptationSet")).isEqualTo(2);

        String vs = "/d:MPD/d:Period/d:AdaptationSet[@contentType='video']";
        softly.assertThat(mpd.str(vs + "/@mimeType")).isEqualTo("video/mp4");
        softly.assertThat(mpd.str(vs + "/@segmentAlignment")).isEqualTo("true");
        softly.assertThat(mpd.str(vs + "/@startWithSAP")).isEqualTo("1");
        softly.assertThat(mpd.str(vs + "/@maxWidth")).isEqualTo("1920");
        softly.assertThat(mpd.str(vs + "/@maxHeight")).isEqualTo("1080");
        softly.assertThat(mpd.str(vs + "/@maxFrameRate")).isEqualTo("30000/1001");
        softly.assertThat(mpd.strings(vs + "/d:Representation/@id"))
                .containsExactly("1080p", "720p");

        String r1 = vs + "/d:Representation[@id='1080p']";
        softly.assertThat(mpd.str(r1 + "/@codecs")).isEqualTo("avc1.640028");
        // Peak: 2.6 MB in 4.004 s.
        softly.assertThat(mpd.str(r1 + "/@bandwidth"))
                .isEqualTo(Long.toString((long) Math.ceil(2_600_000 * 8 / 4.004))) // rounded up
                .isEqualTo(Long.toString(BitRates.peak(p.video().get(0).segments())));
        softly.assertThat(mpd.str(r1 + "/@width")).isEqualTo("1920");
        softly.assertThat(mpd.str(r1 + "/@height")).isEqualTo("1080");
        softly.assertThat(mpd.str(r1 + "/@frameRate")).isEqualTo("30000/1001");
        softly.assertThat(mpd.str(r1 + "/@sar")).isEqualTo("1:1");
        String t1 = r1 + "/d:SegmentTemplate";
        softly.assertThat(mpd.str(t1 + "/@timescale")).isEqualTo("90000");
        softly.assertThat(mpd.str(t1 + "/@startNumber")).isEqualTo("0");
        softly.assertThat(mpd.count(t1 + "/@presentationTimeOffset")).isZero();
        softly.assertThat(mpd.str(t1 + "/@initialization"))
                .isEqualTo("1080p/g1abc/init_0123456789ab.mp4");
        softly.assertThat(mpd.str(t1 + "/@media")).isEqualTo("1080p/seg_$Number%05d$.m4s");
        // Run-length: four of 4.004 s from 0, then one of 2.002 s.
        softly.assertThat(mpd.timeline(t1 + "/d:SegmentTimeline/d:S"))
                .containsExactly("t=0 d=360360 r=3", "t= d=180180 r=");
        softly.assertThat(mpd.str(vs + "/d:Representation[@id='720p']/d:SegmentTemplate/@media"))
                .isEqualTo("720p/seg_$Number%05d$.m4s");
        softly.assertThat(
                        mpd.str(
                                vs
                                        + "/d:Representation[@id='720p']/d:SegmentTemplate"
                                        + "/@initialization"))
                .isEqualTo("720p/init_ba9876543210.mp4");
        softly.assertThat(mpd.str(vs + "/d:Representation[@id='720p']/@bandwidth"))
                .isEqualTo(Long.toString((long) Math.ceil(1_300_000 * 8 / 4.004)));

        String as = "/d:MPD/d:Period/d:AdaptationSet[@contentType='audio']";
        softly.assertThat(mpd.str(as + "/@mimeType")).isEqualTo("audio/mp4");
        softly.assertThat(mpd.str(as + "/@lang")).isEqualTo("und");
        String ar = as + "/d:Representation";
        softly.assertThat(mpd.count(ar)).isEqualTo(1);
        softly.assertThat(mpd.str(ar + "/@codecs")).isEqualTo("mp4a.40.2");
        softly.assertThat(mpd.str(ar + "/@audioSamplingRate")).isEqualTo("48000");
        softly.assertThat(mpd.str(ar + "/@bandwidth"))
                .isEqualTo(Long.toString(BitRates.peak(p.audio().get().segments())));
        softly.assertThat(mpd.str(ar + "/d:AudioChannelConfiguration/@schemeIdUri"))
                .isEqualTo("urn:mpeg:dash:23003:3:audio_channel_configuration:2011");
        softly.assertThat(mpd.str(ar + "/d:AudioChannelConfiguration/@value")).isEqualTo("2");
        softly.assertThat(mpd.str(ar + "/d:SegmentTemplate/@timescale")).isEqualTo("48000");
        softly.assertThat(mpd.str(ar + "/d:SegmentTemplate/@initialization"))
                .isEqualTo("audio/init.mp4");
        softly.assertThat(mpd.timeline(ar + "/d:SegmentTemplate/d:SegmentTimeline/d:S"))
                .containsExactly(
                        "t=0 d=192512 r=1", "t= d=191488 r=", "t= d=192512 r=", "t= d=96256 r=");
        // Schema order: AudioChannelConfiguration (RepresentationBase) before SegmentTemplate.
        softly.assertThat(mpd.str("name(" + ar + "/*[1])")).isEqualTo("AudioChannelConfiguration");

        // Expanding the template gives back every segment's own uri.
        for (VideoTrack v : p.video()) {
            for (int i = 0; i < v.segments().size(); i++) {
                softly.assertThat(
                                DashManifest.expand(
                                        mpd.str(
                                                vs
                                                        + "/d:Representation[@id='"
                                                        + v.name()
                                                        + "']/d:SegmentTemplate/@media"),
                                        i))
                        .isEqualTo(v.name() + "/" + v.segments().get(i).uri());
            }
        }
        softly.assertAll();
    }

    @Test
    void packagingPutsTheMpdAmongTheEntryPoints() throws Exception {
        LinkedHashMap<String, String> all =
                new Packaging(List.of(new DashManifest())).manifests(twoRungs());
        assertThat(all.keySet()).containsExactly("manifest.mpd");
        assertThat(all.get("manifest.mpd")).isEqualTo(DashManifest.mpd(twoRungs()));
    }

    @Test
    void videoOnlyHasNoAudioAdaptationSet() throws Exception {
        Presentation p = new Presentation(twoRungs().video(), Optional.empty());
        Mpd mpd = Mpd.parse(DashManifest.mpd(p));
        assertThat(mpd.count("//d:AdaptationSet")).isEqualTo(1);
        assertThat(mpd.strings("//d:AdaptationSet/@contentType")).containsExactly("video");
    }

    @Test
    void escapesNamesCodecsAndDollars() throws Exception {
        String name = "a&b<\"c'>$1";
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            segs.add(
                    new Segment(
                            String.format("s&$_%05d.m4s", i),
                            "init&$.mp4",
                            i * 180_180L,
                            180_180,
                            V,
                            1000,
                            List.of()));
        }
        Presentation p =
                new Presentation(
                        List.of(new VideoTrack(name, 640, 360, "avc1.64001e\"&<", 25, "SDR", segs)),
                        Optional.empty());
        String text = DashManifest.mpd(p);
        assertThat(text).doesNotContain("a&b").contains("a&amp;b&lt;");
        Mpd mpd = Mpd.parse(text);
        String rep = "//d:Representation";
        assertThat(mpd.str(rep + "/@codecs")).isEqualTo("avc1.64001e\"&<");
        assertThat(mpd.str(rep + "/@frameRate")).isEqualTo("25");
        assertThat(mpd.str(rep + "/@id")).isEqualTo(name);
        // In a template a literal $ is $$ (ISO/IEC 23009-1 5.3.9.4.4).
        String media = mpd.str(rep + "/d:SegmentTemplate/@media");
        assertThat(media).isEqualTo("a&b<\"c'>$$1/s&$$_$Number%05d$.m4s");
        assertThat(mpd.str(rep + "/d:SegmentTemplate/@initialization"))
                .isEqualTo("a&b<\"c'>$$1/init&$$.mp4");
        for (int i = 0; i < 3; i++) {
            assertThat(DashManifest.expand(media, i)).isEqualTo(name + "/" + segs.get(i).uri());
        }
    }

    @Test
    void presentationTimeOffsetWhereTheFirstSegmentDoesNotStartAtZero() throws Exception {
        long start = 10 * V + 3003;
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            segs.add(
                    new Segment(
                            String.format("seg_%05d.m4s", 7 + i),
                            "init_x.mp4",
                            start + i * 180_180L,
                            180_180,
                            V,
                            5000,
                            List.of()));
        }
        Presentation p =
                new Presentation(
                        List.of(new VideoTrack("480p", 854, 480, "avc1.64001e", 24, "SDR", segs)),
                        Optional.empty());
        Mpd mpd = Mpd.parse(DashManifest.mpd(p));
        String t = "//d:Representation/d:SegmentTemplate";
        assertThat(mpd.str(t + "/@presentationTimeOffset")).isEqualTo(Long.toString(start));
        assertThat(mpd.str(t + "/@startNumber")).isEqualTo("7");
        // S@t is on the media timeline (the tfdt); minus the offset it is the period's time, 0.
        assertThat(mpd.timeline(t + "/d:SegmentTimeline/d:S"))
                .containsExactly("t=" + start + " d=180180 r=2");
        assertThat(mpd.str("/d:MPD/@mediaPresentationDuration")).isEqualTo("PT6.006S");
    }

    @Test
    void aGapInTheTimelineRestartsItWithAnExplicitTime() throws Exception {
        List<Segment> segs =
                List.of(
                        new Segment("seg_00000.m4s", "i.mp4", 0, 180_180, V, 10, List.of()),
                        new Segment("seg_00001.m4s", "i.mp4", 180_180, 180_180, V, 10, List.of()),
                        new Segment("seg_00002.m4s", "i.mp4", 400_000, 180_180, V, 10, List.of()));
        Presentation p =
                new Presentation(
                        List.of(new VideoTrack("x", 2, 2, "avc1.42c00a", 30, "SDR", segs)),
                        Optional.empty());
        assertThat(Mpd.parse(DashManifest.mpd(p)).timeline("//d:S"))
                .containsExactly("t=0 d=180180 r=1", "t=400000 d=180180 r=");
    }

    @Test
    void segmentListWhereNoTemplateMatchesEveryUri() throws Exception {
        // seg_00002 is missing from the names: no $Number$ template gives segment 2's uri.
        List<Segment> segs = new ArrayList<>();
        String[] uris = {"seg_00000.m4s", "seg_00001.m4s", "seg_00003.m4s"};
        for (int i = 0; i < uris.length; i++) {
            segs.add(new Segment(uris[i], "init_y.mp4", i * 360_360L, 360_360, V, 9, List.of()));
        }
        Presentation p =
                new Presentation(
                        List.of(new VideoTrack("360p", 640, 360, "avc1.64001e", 30, "SDR", segs)),
                        Optional.of(audio()));
        Mpd mpd = Mpd.parse(DashManifest.mpd(p));
        String rep = "//d:AdaptationSet[@contentType='video']/d:Representation";
        assertThat(mpd.count(rep + "/d:SegmentTemplate")).isZero();
        assertThat(mpd.str(rep + "/d:SegmentList/@timescale")).isEqualTo("90000");
        assertThat(mpd.str(rep + "/d:SegmentList/d:Initialization/@sourceURL"))
                .isEqualTo("360p/init_y.mp4");
        assertThat(mpd.strings(rep + "/d:SegmentList/d:SegmentURL/@media"))
                .containsExactly("360p/seg_00000.m4s", "360p/seg_00001.m4s", "360p/seg_00003.m4s");
        assertThat(mpd.timeline(rep + "/d:SegmentList/d:SegmentTimeline/d:S"))
                .containsExactly("t=0 d=360360 r=2");
        // The live profile allows SegmentTemplate only; the main profile allows SegmentList.
        assertThat(mpd.str("/d:MPD/@profiles")).isEqualTo("urn:mpeg:dash:profile:isoff-main:2011");
        // The audio, numbered regularly, keeps its template.
        assertThat(mpd.str("//d:AdaptationSet[@contentType='audio']//d:SegmentTemplate/@media"))
                .isEqualTo("audio/seg_$Number%05d$.m4s");
    }

    @Test
    void unpaddedNumbersAndTheDigitsOfTheExtension() throws Exception {
        // s9.m4s, s10.m4s: no fixed width; the 4 of .m4s is not the number.
        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            segs.add(
                    new Segment("s" + (9 + i) + ".m4s", "i.mp4", i * 3003L, 3003, V, 9, List.of()));
        }
        Presentation p =
                new Presentation(
                        List.of(new VideoTrack("r", 2, 2, "avc1.42c00a", 30, "SDR", segs)),
                        Optional.empty());
        Mpd mpd = Mpd.parse(DashManifest.mpd(p));
        assertThat(mpd.str("//d:SegmentTemplate/@media")).isEqualTo("r/s$Number$.m4s");
        assertThat(mpd.str("//d:SegmentTemplate/@startNumber")).isEqualTo("9");

        // One segment: the template is still the segment's number, not the extension's 4.
        Presentation one =
                new Presentation(
                        List.of(
                                new VideoTrack(
                                        "r", 2, 2, "avc1.42c00a", 30, "SDR", segs.subList(0, 1))),
                        Optional.empty());
        assertThat(Mpd.parse(DashManifest.mpd(one)).str("//d:SegmentTemplate/@media"))
                .isEqualTo("r/s$Number$.m4s");
    }

    @Test
    void frameRatesAndDurations() {
        assertThat(DashManifest.frameRate(30000 / 1001.0)).isEqualTo("30000/1001");
        assertThat(DashManifest.frameRate(24000 / 1001.0)).isEqualTo("24000/1001");
        assertThat(DashManifest.frameRate(60000 / 1001.0)).isEqualTo("60000/1001");
        assertThat(DashManifest.frameRate(90000 / 3003.0)).isEqualTo("30000/1001");
        assertThat(DashManifest.frameRate(25)).isEqualTo("25");
        assertThat(DashManifest.frameRate(12.5)).isEqualTo("25/2");
        assertThat(DashManifest.frameRate(90000 / 2999.0)).matches("[0-9]+/[0-9]+");
        assertThat(DashAssertions.rate(DashManifest.frameRate(90000 / 2999.0)))
                .isCloseTo(90000 / 2999.0, org.assertj.core.data.Offset.offset(1e-4));

        assertThat(DashManifest.duration(3723 * V + V / 2, V)).isEqualTo("PT1H2M3.5S");
        assertThat(DashManifest.duration(60 * V, V)).isEqualTo("PT1M0S");
        assertThat(DashManifest.duration(90090, V)).isEqualTo("PT1.001S");
        // 1 tick of 48 kHz is not a finite decimal: to the nanosecond.
        assertThat(DashManifest.duration(1, 48_000)).isEqualTo("PT0.000020833S");
    }

    // ---- a real output tree, checked by DashAssertions against its files ----

    @Test
    void realOutputTree(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        new Transcoder(
                        TranscodeOptions.defaults()
                                .withThreads(2)
                                .withWorkDir(Files.createDirectories(tmp.resolve("work"))))
                .transcode(Fixtures.clip("h264_webcam_1080x720_aac.mp4"), out);
        Presentation p = presentationOf(out).verify();
        assertThat(p.video()).hasSizeGreaterThan(1);
        assertThat(p.audio()).isPresent();
        Files.writeString(out.resolve(OutputLayout.DASH_MANIFEST), DashManifest.mpd(p));
        System.out.println(Files.readString(out.resolve(OutputLayout.DASH_MANIFEST)));

        SoftAssertions softly = new SoftAssertions();
        DashAssertions.check(softly, out);
        softly.assertAll();

        // The checker is not blind: each of these breaks one rule and is reported.
        String good = Files.readString(out.resolve(OutputLayout.DASH_MANIFEST));
        String top = p.video().get(0).name();
        assertThat(errors(out, good.replaceFirst("bandwidth=\"[0-9]+\"", "bandwidth=\"1000\"")))
                .anyMatch(e -> e.contains("@bandwidth"));
        assertThat(errors(out, good.replaceFirst(" d=\"([0-9]+)\"", " d=\"$11\"")))
                .anyMatch(e -> e.contains("summed sample durations"));
        assertThat(
                        errors(
                                out,
                                good.replaceFirst(
                                        "codecs=\"avc1[^\"]*\"", "codecs=\"avc1.42c01e\"")))
                .anyMatch(e -> e.contains("codec string"));
        assertThat(errors(out, good.replaceFirst(" t=\"0\"", " t=\"3003\"")))
                .anyMatch(e -> e.contains("tfdt vs S@t"));
        assertThat(
                        errors(
                                out,
                                good.replaceAll(
                                        "(?s)<AdaptationSet contentType=\"audio\".*?</AdaptationSet>",
                                        "")))
                .anyMatch(e -> e.contains("audio Representations"));
        Path extra = out.resolve(top).resolve("seg_09999.m4s");
        Files.copy(out.resolve(top).resolve(p.video().get(0).segments().get(0).uri()), extra);
        assertThat(errors(out, good)).anyMatch(e -> e.contains("vs the files in"));
        Files.delete(extra);
        assertThat(errors(out, good)).isEmpty();
    }

    @Test
    void theCheckerFindsAnEditList() {
        byte[] tkhd = box("tkhd", new byte[84]);
        byte[] elst = box("elst", new byte[16]);
        byte[] plain = box("moov", box("trak", tkhd));
        byte[] edited = box("moov", box("trak", concat(tkhd, box("edts", elst))));
        assertThat(DashAssertions.editLists(plain)).isZero();
        assertThat(DashAssertions.editLists(concat(box("ftyp", new byte[8]), edited))).isEqualTo(1);
    }

    private static byte[] box(String type, byte[] payload) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + payload.length);
        b.putInt(8 + payload.length).put(type.getBytes(StandardCharsets.ISO_8859_1)).put(payload);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<String> errors(Path out, String mpd) throws IOException {
        Files.writeString(out.resolve(OutputLayout.DASH_MANIFEST), mpd);
        SoftAssertions softly = new SoftAssertions();
        DashAssertions.check(softly, out);
        return softly.errorsCollected().stream().map(Throwable::getMessage).toList();
    }

    /**
     * The Presentation of an output tree as the packager would build it, read from the files: each
     * directory holding an init_*.mp4 and seg_*.m4s is a rung ({@code audio/} the audio), its
     * segments' tfdt, summed durations and sizes measured with {@link Fmp4}; rungs best first.
     */
    static Presentation presentationOf(Path videoDir) throws IOException {
        List<VideoTrack> video = new ArrayList<>();
        Optional<AudioTrack> audio = Optional.empty();
        List<Path> dirs;
        try (Stream<Path> s = Files.list(videoDir)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path dir : dirs) {
            List<Path> inits;
            List<Path> segFiles;
            try (Stream<Path> s = Files.walk(dir)) {
                inits = s.filter(f -> f.getFileName().toString().matches("init.*\\.mp4")).toList();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                segFiles =
                        s.filter(f -> f.getFileName().toString().endsWith(".m4s"))
                                .sorted()
                                .toList();
            }
            if (inits.size() != 1 || segFiles.isEmpty()) {
                continue;
            }
            byte[] init = Files.readAllBytes(inits.get(0));
            long timescale = Fmp4.timescale(init);
            List<Segment> segments = new ArrayList<>();
            long samples = 0;
            long ticks = 0;
            for (Path f : segFiles) {
                byte[] bytes = Files.readAllBytes(f);
                List<byte[]> frags = Fmp4.split(bytes).fragments();
                long d = 0;
                for (byte[] frag : frags) {
                    d += Fmp4.fragmentDuration(frag, init);
                    samples += Fmp4.sampleCount(frag);
                }
                ticks += d;
                segments.add(
                        new Segment(
                                dir.relativize(f).toString(),
                                dir.relativize(inits.get(0)).toString(),
                                DashAssertions.tfdt(frags.get(0)),
                                d,
                                timescale,
                                bytes.length,
                                List.of()));
            }
            String name = dir.getFileName().toString();
            if (name.equals(OutputLayout.AUDIO_DIR)) {
                int[] cr = DashAssertions.audioChannelsAndRate(init);
                audio = Optional.of(new AudioTrack(Fmp4.codecString(init), cr[0], cr[1], segments));
            } else {
                int[] size = DashAssertions.trackSize(init);
                video.add(
                        new VideoTrack(
                                name,
                                size[0],
                                size[1],
                                Fmp4.codecString(init),
                                samples * (double) timescale / ticks,
                                VideoTrack.SDR,
                                segments));
            }
        }
        video.sort((a, b) -> Integer.compare(b.width() * b.height(), a.width() * a.height()));
        return new Presentation(video, audio);
    }

    /** An MPD parsed namespace-aware, queried with XPath (prefix d: the MPD namespace). */
    private record Mpd(Document doc, XPath xpath) {

        static Mpd parse(String text) throws Exception {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document doc =
                    f.newDocumentBuilder()
                            .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            XPath xpath = XPathFactory.newInstance().newXPath();
            xpath.setNamespaceContext(
                    new NamespaceContext() {
                        @Override
                        public String getNamespaceURI(String prefix) {
                            return prefix.equals("d")
                                    ? DashManifest.NAMESPACE
                                    : XMLConstants.NULL_NS_URI;
                        }

                        @Override
                        public String getPrefix(String uri) {
                            return null;
                        }

                        @Override
                        public Iterator<String> getPrefixes(String uri) {
                            return null;
                        }
                    });
            return new Mpd(doc, xpath);
        }

        String str(String expr) throws Exception {
            return xpath.evaluate(expr, doc);
        }

        int count(String expr) throws Exception {
            return ((Double) xpath.evaluate("count(" + expr + ")", doc, XPathConstants.NUMBER))
                    .intValue();
        }

        List<String> strings(String expr) throws Exception {
            NodeList nodes = (NodeList) xpath.evaluate(expr, doc, XPathConstants.NODESET);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                out.add(nodes.item(i).getNodeValue());
            }
            return out;
        }

        /** Each S as "t=.. d=.. r=.." (empty where the attribute is absent). */
        List<String> timeline(String expr) throws Exception {
            NodeList nodes = (NodeList) xpath.evaluate(expr, doc, XPathConstants.NODESET);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                Element s = (Element) nodes.item(i);
                out.add(
                        "t="
                                + s.getAttribute("t")
                                + " d="
                                + s.getAttribute("d")
                                + " r="
                                + s.getAttribute("r"));
            }
            return out;
        }
    }
}
