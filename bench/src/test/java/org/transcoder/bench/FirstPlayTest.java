package org.transcoder.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time to first play on a fake output directory built step by step (no timed assertions). */
class FirstPlayTest {

    @TempDir Path dir;

    private static final String MASTER =
            """
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="default",DEFAULT=YES,URI="audio/index.m3u8"
            #EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,AUDIO="aud"
            1080p/index.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=1000000,RESOLUTION=640x360,AUDIO="aud"
            360p/index.m3u8
            #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI="1080p/iframes.m3u8"
            """;

    private static String media(String... segments) {
        StringBuilder p =
                new StringBuilder(
                        "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n"
                                + "#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MAP:URI=\"init.mp4\"\n");
        for (String s : segments) {
            p.append("#EXTINF:4.000000,\n").append(s).append('\n');
        }
        return p.toString();
    }

    @Test
    void theMasterNamesEveryRungAndTheAudioButNotTheIFramePlaylists() {
        assertEquals(
                List.of("audio/index.m3u8", "1080p/index.m3u8", "360p/index.m3u8"),
                FirstPlay.mediaPlaylists(MASTER.lines().toList()));
    }

    @Test
    void playableOnlyOnceEveryPlaylistListsASegmentThatIsThere() throws IOException {
        // Segments and inits first, as the job and ffmpeg write them; no master yet.
        for (String track : List.of("1080p", "360p", "audio")) {
            write(track + "/init.mp4", "init");
            write(track + "/g1/seg_00000.m4s", "media");
        }
        assertEquals(Optional.of("no master playlist"), FirstPlay.missing(dir));

        write("master.m3u8", MASTER.substring(0, MASTER.indexOf("360p/") + 2)); // being written
        assertEquals(Optional.of("no master playlist"), FirstPlay.missing(dir));

        write("master.m3u8", MASTER);
        assertEquals(Optional.of("no media playlist audio/index.m3u8"), FirstPlay.missing(dir));

        write("audio/index.m3u8", media("g1/seg_00000.m4s"));
        write("1080p/index.m3u8", media("g1/seg_00000.m4s"));
        write("360p/index.m3u8", media()); // a rung without segments
        assertEquals(Optional.of("360p/index.m3u8: no segment listed yet"), FirstPlay.missing(dir));

        write("360p/index.m3u8", media("g1/seg_00001.m4s")); // listed, not written
        assertEquals(
                Optional.of("360p/index.m3u8: no listed segment exists with bytes in it"),
                FirstPlay.missing(dir));

        write("360p/g1/seg_00001.m4s", ""); // there, but empty
        assertFalse(FirstPlay.playable(dir));

        write("360p/g1/seg_00001.m4s", "media");
        assertEquals(Optional.empty(), FirstPlay.missing(dir));
        assertTrue(FirstPlay.playable(dir));

        Files.delete(dir.resolve("1080p/init.mp4"));
        assertEquals(
                Optional.of("1080p/index.m3u8: init segment init.mp4 missing or empty"),
                FirstPlay.missing(dir));
    }

    @Test
    void aMasterWithoutAudioNeedsOnlyItsRungs() throws IOException {
        write(
                "master.m3u8",
                "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8?v=1\n"
                        + "#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n");
        write("720p/index.m3u8", "#EXTM3U\n#EXTINF:4,\nseg_00000.m4s\n#EXT-X-ENDLIST\n");
        assertFalse(FirstPlay.playable(dir));
        write("720p/seg_00000.m4s", "media");
        assertTrue(FirstPlay.playable(dir));
    }

    @Test
    void theWatcherTimesEachVideoFromItsOwnOriginAndLooksOnceMoreOnClose() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        long origin = System.nanoTime();
        FirstPlay.Watcher w = FirstPlay.Watcher.start(10_000); // one look now, the next much later
        w.add("a", a, origin).add("b", b, origin);
        playableVideo(a);
        w.close(); // looks again: a is playable now, b never was
        assertTrue(w.millis("a").orElseThrow() >= 0);
        assertEquals(w.millis("a").get() / 1000.0, w.seconds("a").orElseThrow(), 1e-9);
        assertEquals(Optional.of(-1L), w.millis("b"));
        assertEquals(Optional.empty(), w.seconds("b"));
        assertEquals("no master playlist", w.missing("b"));
        assertEquals(Optional.empty(), w.millis("c"));
    }

    @Test
    void finishLooksNowAndThenStopsLookingAtThatVideo() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        try (FirstPlay.Watcher w = FirstPlay.Watcher.start(10_000)) {
            w.add("a", a, System.nanoTime());
            playableVideo(a); // its READY record came before the watcher's next look
            assertTrue(w.finish("a").orElseThrow() >= 0);
            long first = w.millis("a").orElseThrow();
            Thread.sleep(5);
            assertEquals(Optional.of(first), w.finish("a")); // the time stays the first look's
        }
        Path b = Files.createDirectories(dir.resolve("b"));
        try (FirstPlay.Watcher w = FirstPlay.Watcher.start(10_000)) {
            w.add("b", b, System.nanoTime());
            assertEquals(Optional.of(-1L), w.finish("b")); // FAILED: never playable
            playableVideo(b);
            w.close();
            assertEquals(Optional.of(-1L), w.millis("b")); // finished: not looked at again
        }
    }

    @Test
    void pollReturnsOnceThePlaylistsAreThereAndGivesUpAfterItsTimeout() throws Exception {
        Path v = Files.createDirectories(dir.resolve("v"));
        long origin = System.nanoTime();
        assertEquals(Optional.empty(), FirstPlay.poll(v, origin, 1, Duration.ZERO));
        playableVideo(v);
        Optional<Double> s = FirstPlay.poll(v, origin, 1, Duration.ofSeconds(10));
        assertTrue(s.orElseThrow() >= 0);
    }

    private void playableVideo(Path v) throws IOException {
        Files.writeString(
                v.resolve("master.m3u8"), "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nr/index.m3u8\n");
        Files.createDirectories(v.resolve("r"));
        Files.writeString(v.resolve("r/index.m3u8"), media("seg_00000.m4s"));
        Files.writeString(v.resolve("r/init.mp4"), "init");
        Files.writeString(v.resolve("r/seg_00000.m4s"), "media");
    }

    private void write(String relative, String content) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
