package org.transcoder.media.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.TranscodeResult;
import org.transcoder.media.Transcoder;
import org.transcoder.media.testing.GeneratedMedia;
import org.transcoder.media.testing.HostileMedia;
import org.transcoder.media.testing.NativeChildren;

/**
 * Uploads built as an attacker would, through the whole-file transcode (probe, validation, staging,
 * encodes, audio, thumbnails): each ends with its reason in at most {@link #MAX_WALL} and with no
 * native child over {@link #MAX_CHILD_MIB} of resident memory (sampled from /proc while it runs);
 * nothing FFmpeg writes or says holds a line of /etc/passwd, and the test's HTTP listener on
 * 127.0.0.1 is never connected to. The files keep their hostile names here (the pipeline gives them
 * neutral ones too): the allowlists alone must hold.
 */
class HostileInputTest {

    static final Duration MAX_WALL = Duration.ofSeconds(10);
    static final long MAX_CHILD_MIB = 1024;

    @TempDir Path tmp;

    private ServerSocket listener;
    private final AtomicInteger connections = new AtomicInteger();

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t =
                new Thread(
                        () -> {
                            while (!listener.isClosed()) {
                                try (Socket s = listener.accept()) {
                                    connections.incrementAndGet();
                                } catch (IOException e) {
                                    return;
                                }
                            }
                        },
                        "ssrf-listener");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void noConnections() throws IOException {
        listener.close();
        assertThat(connections.get()).as("connections to the test's listener").isZero();
    }

    private String http() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    // ---- playlists, scripts, images and garbage under video names ----

    static Stream<Arguments> playlists() {
        List<Arguments> cases = new ArrayList<>();
        for (String entry :
                List.of("file:///etc/passwd", "HTTP/seg0.ts", "concat:/etc/passwd|/etc/passwd")) {
            for (String name : List.of("upload.mp4", "upload.mov")) {
                cases.add(Arguments.of(name, entry, ReasonCode.CORRUPT_INPUT));
            }
            // Named as a playlist, FFmpeg's hls demuxer takes it, and the allowlist refuses it.
            cases.add(Arguments.of("upload.m3u8", entry, ReasonCode.UNSUPPORTED_CONTAINER));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} listing {1}")
    @MethodSource("playlists")
    void hlsPlaylistUnderAVideoName(String name, String entry, ReasonCode reason) throws Exception {
        String uri = entry.replace("HTTP", http());
        String playlist =
                "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
                        + "#EXTINF:10.0,\n"
                        + uri
                        + "\n#EXTINF:10.0,\n"
                        + uri
                        + "\n#EXT-X-ENDLIST\n";
        assertRefused(write(name, playlist), reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("videoNames")
    void ffconcatScriptUnderAVideoName(String name) throws Exception {
        String script =
                "ffconcat version 1.0\nfile 'file:///etc/passwd'\nfile '"
                        + http()
                        + "/a.mp4'\nfile 'concat:/etc/passwd|/etc/passwd'\n";
        assertRefused(write(name, script), ReasonCode.UNSUPPORTED_CONTAINER);
    }

    static Stream<String> videoNames() {
        return Stream.of("upload.mp4", "upload.mov", "upload.ffconcat");
    }

    @Test
    void anImageNamedMp4() throws Exception {
        Path jpeg = image("image.jpg");
        Path upload = Files.copy(jpeg, tmp.resolve("photo.mp4"));
        assertRefused(upload, ReasonCode.UNSUPPORTED_CONTAINER);
    }

    /** image2's pattern would read frame001.mp4, frame002.mp4...: the name is just a name. */
    @Test
    void aNameWithAnImagePattern() throws Exception {
        Path jpeg = image("image.jpg");
        for (String n : List.of("frame%03d.mp4", "frame001.mp4", "frame002.mp4")) {
            Files.copy(jpeg, tmp.resolve(n));
        }
        assertRefused(tmp.resolve("frame%03d.mp4"), ReasonCode.UNSUPPORTED_CONTAINER);
    }

    @Test
    void zeroBytes() throws Exception {
        assertRefused(Files.write(tmp.resolve("empty.mp4"), new byte[0]), ReasonCode.CORRUPT_INPUT);
    }

    @Test
    void randomBytes() throws Exception {
        byte[] noise = new byte[4 * 1024 * 1024];
        new Random(13).nextBytes(noise);
        assertRefused(Files.write(tmp.resolve("noise.mp4"), noise), ReasonCode.CORRUPT_INPUT);
    }

    /**
     * A real Matroska video carrying a playlist of /etc/passwd and the listener as an attachment:
     * the video is transcoded, and nothing the attachment names is opened.
     */
    @Test
    void aRealContainerEmbeddingAPlaylistIsTranscodedWithoutFollowingIt() throws Exception {
        Path playlist =
                write(
                        "embedded.m3u8",
                        "#EXTM3U\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXTINF:10.0,\n"
                                + http()
                                + "/seg.ts\n#EXT-X-ENDLIST\n");
        Path mkv = tmp.resolve("with_playlist.mkv");
        GeneratedMedia.ffmpeg(
                GeneratedMedia.args(
                        "-f lavfi -i testsrc2=size=320x240:rate=25:duration=2",
                        "-c:v libx264 -preset ultrafast -g 25 -attach",
                        playlist.toString(),
                        "-metadata:s:t mimetype=application/vnd.apple.mpegurl -f matroska"),
                mkv);
        Run run = transcode(mkv, TranscodeOptions.defaults());
        assertThat(run.error).isNull();
        assertThat(run.result.presentation().video()).isNotEmpty();
        assertNoPasswd(run);
    }

    // ---- media whose header lies, or whose timeline amplifies the work ----

    /**
     * The header (the first SPS) says 640x360; the stream then switches to 8192x4352 frames, over
     * the default limit of 7680x4320 pixels. The probe and the first-frames check see 640x360; the
     * first decoder that meets a large frame refuses it and its step stops.
     */
    @Test
    void aHeaderThatLiesAboutTheFrameSize() throws Exception {
        Run run = assertRefused(HostileMedia.lyingHeader(), ReasonCode.TOO_MANY_PIXELS);
        assertThat(run.error.getMessage())
                .contains("a decoded frame of 8192x4352, over the limit of 33177600 pixels")
                .doesNotContain("/", "0x");
    }

    /** 16x16 at 1000 fps for 10 minutes (600,000 frames, 9 MB). */
    @Test
    void aThousandFramesPerSecond() throws Exception {
        assertRefused(HostileMedia.thousandFps10Minutes(), ReasonCode.TOO_HIGH_FRAME_RATE);
    }

    /** 60 frames and 2.4 s of audio, with a 3.8-hour jump in the timestamps after frame 30. */
    @Test
    void aTimestampGapOfHours() throws Exception {
        assertRefused(HostileMedia.timestampGap(), ReasonCode.CORRUPT_INPUT);
    }

    /** 1.2 million 16x16 frames (5.7 hours at 60 fps): the probe stops at the frame limit. */
    @Test
    void millionsOfTinyFrames() throws Exception {
        assertRefused(HostileMedia.tinyFrames57Hours(), ReasonCode.TOO_LONG);
    }

    // ---- helpers ----

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
    }

    private Path image(String name) {
        Path out = tmp.resolve(name);
        GeneratedMedia.ffmpeg(
                GeneratedMedia.args(
                        "-f lavfi -i testsrc2=size=320x240:rate=1 -frames:v 1 -f image2"),
                out);
        return out;
    }

    private record Run(
            TranscodeResult result, MediaException error, long millis, long peakMib, Path out) {}

    private Run transcode(Path upload, TranscodeOptions options) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime());
        Transcoder transcoder =
                new Transcoder(
                        options.withThreads(2)
                                .withWorkDir(Files.createDirectories(tmp.resolve("work"))));
        long start = System.nanoTime();
        try (NativeChildren children = new NativeChildren()) {
            TranscodeResult result = null;
            MediaException error = null;
            try {
                result = transcoder.transcode(upload, out);
            } catch (MediaException e) {
                error = e;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(
                    "%s: %s in %d ms, %d native children, largest peak RSS %d MiB%n",
                    upload.getFileName(),
                    error == null ? "READY" : error.toString().lines().findFirst().orElse(""),
                    millis,
                    children.children(),
                    children.peakMib());
            return new Run(result, error, millis, children.peakMib(), out);
        }
    }

    private Run assertRefused(Path upload, ReasonCode reason) throws Exception {
        Run run = transcode(upload, TranscodeOptions.defaults());
        assertThat(run.error).as("refusal of " + upload.getFileName()).isNotNull();
        assertThat(run.error.reason()).as(run.error.getMessage()).isEqualTo(reason);
        assertThat(run.millis).as("wall ms").isLessThanOrEqualTo(MAX_WALL.toMillis());
        assertThat(run.peakMib)
                .as("peak RSS of a native child, MiB")
                .isLessThanOrEqualTo(MAX_CHILD_MIB);
        assertNoPasswd(run);
        return run;
    }

    /** No output file and no message holds a line of /etc/passwd. */
    private static void assertNoPasswd(Run run) throws IOException {
        List<String> lines =
                Files.readAllLines(Path.of("/etc/passwd")).stream()
                        .filter(l -> l.contains(":"))
                        .toList();
        if (run.error != null) {
            for (String l : lines) {
                assertThat(run.error.getMessage()).doesNotContain(l);
            }
        }
        if (!Files.exists(run.out)) {
            return;
        }
        try (Stream<Path> files = Files.walk(run.out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String l : lines) {
                    assertThat(content).as(f.toString()).doesNotContain(l);
                }
            }
        }
    }
}
