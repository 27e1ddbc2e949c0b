package org.transcoder.local.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.lindstrom.m3u8.model.MasterPlaylist;
import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.model.Variant;
import io.lindstrom.m3u8.parser.MasterPlaylistParser;
import io.lindstrom.m3u8.parser.MediaPlaylistParser;
import io.lindstrom.m3u8.parser.ParsingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.jobs.Seams;
import org.transcoder.jobs.TranscodeJobConfig;
import org.transcoder.local.LocalPipeline;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.media.encode.FfmpegChunkEncoder;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.testing.GeneratedMedia;

/**
 * Watching a video while it is encoded (issue "Watch before the ladder is done"): a 30 s 480p clip
 * goes through the real pipeline; the watch page is opened while the video is PROCESSING (its first
 * chunk held back a few seconds), shows the player by itself once the video is PLAYABLE (the viewer
 * does not reload), and hls.js in headless Chromium plays it from the start to the end, without a
 * stall or an error, while its EVENT playlists grow; the quality is switched during playback; the
 * video ends READY. Meanwhile every playlist is read from storage every 300 ms: it only grows, its
 * TARGETDURATION never changes and holds every EXTINF, and each segment it lists exists when it is
 * listed and decodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgressivePlaybackITCase {

    private static final String ID = "progressive-480p";

    /** How long the first chunk's encode is held back: longer than the page's 3 s refresh. */
    private static final long FIRST_CHUNK_HELD_MILLIS = 5_000;

    /** Time after a quality switch in which hls.js may wait for the new rung's buffer. */
    private static final long SWITCH_GRACE_MILLIS = 3_000;

    @TempDir static Path work;
    private PipelineOrigin origin;
    private LocalPipeline pipeline;
    private MetadataCatalog catalog;
    private WatchServer server;
    private WebDriver browser;
    private ObjectStorage storage;

    /** Each playlist's texts as read, in order; what went wrong while reading them. */
    private final Map<String, List<String>> reads =
            java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    private final List<String> problems = new CopyOnWriteArrayList<>();

    /** When each playlist grew, and to how many segments: the message of a stall. */
    private final List<String> growth = new CopyOnWriteArrayList<>();

    private final AtomicBoolean watching = new AtomicBoolean(true);

    @BeforeAll
    void start() throws Exception {
        browser = Chromium.start();
        // 4 s chunks after the 2 s first one: on 2 cores the ladder of this 480p clip is encoded
        // a few times faster than it plays.
        origin =
                PipelineOrigin.start(
                        work,
                        Map.of(TranscodeJobConfig.CHUNK_SECONDS.key(), "4"),
                        null,
                        new Seams((event, attempt) -> {}, ProgressivePlaybackITCase::encoder));
        pipeline = origin.pipeline;
        catalog = origin.catalog;
        server = origin.server;
        storage = pipeline.storage();
    }

    /** The real encoder, which holds a video's first chunk back: the video stays PROCESSING. */
    private static ChunkEncoder encoder() {
        ChunkEncoder real = new FfmpegChunkEncoder(Duration.ofMinutes(2));
        return (staged, chunk, origin, spec, out) -> {
            if (chunk.index() == 0) {
                try {
                    Thread.sleep(FIRST_CHUNK_HELD_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.encode(staged, chunk, origin, spec, out);
        };
    }

    @AfterAll
    void stop() throws Exception {
        watching.set(false);
        if (browser != null) {
            browser.quit();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void hlsJsPlaysTheVideoWhileItIsEncodedToTheEndAndItEndsReady() throws Exception {
        storage.put("uploads/clip.mp4", GeneratedMedia.clip30s480p30Gop2s());
        pipeline.submit(
                UploadEvent.of(ID, "s3://" + EmbeddedServices.BUCKET + "/uploads/clip.mp4"));
        // The viewer opens the page while the video is still PROCESSING: no player yet.
        awaitStatus(VideoStatus.PROCESSING);
        browser.get(server.watchUrl(ID).toString());
        assertThat(browser.findElements(By.id("player"))).isEmpty();
        assertThat(browser.findElement(By.className("state")).getText()).contains("PROCESSING");

        VideoRecord playable = awaitPlayable();
        assertThat(playable.getManifestUri()).endsWith("/videos/" + ID + "/master.m3u8");

        Thread watcher = new Thread(this::watchPlaylists, "playlist-watcher");
        watcher.setDaemon(true);
        watcher.start();

        // The page shows the player by itself (it refreshes while the video cannot play yet).
        Chromium.awaitPlayer(browser);
        js(
                "window.__events = [];"
                        + " for (const type of ['playing', 'waiting', 'stalled', 'error', 'ended', 'seeking']) {"
                        + "   document.getElementById('video').addEventListener(type, function () {"
                        + "     window.__events.push({ type: type, at: Date.now(),"
                        + "       position: video.currentTime }); }); }");
        int levels = ((Number) js("return Number(player.dataset.levels);")).intValue();
        String startedStatus = catalog.find(ID).orElseThrow().getStatus().name();
        int segmentsAtStart = segmentsListed();

        browser.findElement(By.id("play")).click();
        awaitNumber("video.currentTime", t -> t > 1.0, Duration.ofSeconds(30));
        // Switch to the lowest rung during playback, as a viewer would from the menu.
        Select quality = new Select(browser.findElement(By.id("quality")));
        quality.selectByIndex(quality.getOptions().size() - 1);
        long switchedAt = ((Number) js("return Date.now();")).longValue();
        awaitNumber("video.ended ? 1 : 0", e -> e == 1, Duration.ofSeconds(120));
        watching.set(false);
        watcher.join(5_000);

        // It was watched while it was encoded: PLAYABLE when playback started, segments were
        // appended after that, and it ended READY.
        assertThat(startedStatus).isEqualTo(VideoStatus.PLAYABLE.name());
        assertThat(segmentsAtStart).isLessThan(segmentsListed());
        VideoRecord ready = pipeline.awaitTerminal(ID, Duration.ofMinutes(2));
        assertThat(ready.getStatus()).as(ready.getMessage()).isEqualTo(VideoStatus.READY);
        assertThat(levels).isEqualTo(ready.getRenditions().size()).isGreaterThan(1);

        // Played to the end, without an error or a stall (but for the switch's own refill).
        assertThat(number("video.duration"))
                .isCloseTo(30.0, org.assertj.core.data.Offset.offset(0.5));
        List<Map<String, Object>> events = events();
        long firstPlaying =
                events.stream()
                        .filter(e -> e.get("type").equals("playing"))
                        .mapToLong(e -> ((Number) e.get("at")).longValue())
                        .min()
                        .orElseThrow();
        assertThat(events).noneMatch(e -> e.get("type").equals("error"));
        assertThat(events)
                .as(
                        "stalls after playback started (switch at %d); playlists grew %s; %s",
                        switchedAt, growth, Chromium.console(browser))
                .noneMatch(
                        e -> {
                            long at = ((Number) e.get("at")).longValue();
                            return e.get("type").equals("waiting")
                                    && at > firstPlaying
                                    && !(at >= switchedAt && at < switchedAt + SWITCH_GRACE_MILLIS);
                        });
        assertThat(browser.findElements(By.id("error"))).isEmpty();
        assertThat(Number.class.cast(js("return Number(player.dataset.level || 0);")).intValue())
                .isEqualTo(ready.getRenditions().get(ready.getRenditions().size() - 1).getHeight());

        // The playlists as they grew.
        assertThat(problems).isEmpty();
        assertThat(reads).isNotEmpty();
        for (Map.Entry<String, List<String>> e : reads.entrySet()) {
            growsOnly(e.getKey(), e.getValue());
        }
        everyListedSegmentDecodes();
    }

    /** The metadata store's record once it is PLAYABLE (failing if it went READY first). */
    private VideoRecord awaitPlayable() throws Exception {
        return awaitStatus(VideoStatus.PLAYABLE);
    }

    /** The cached record once it has {@code status} (failing if the video ended first). */
    private VideoRecord awaitStatus(VideoStatus status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            var r = pipeline.cached(ID);
            if (r.isPresent()) {
                assertThat(r.get().getStatus())
                        .as("published before it was done")
                        .isNotIn(VideoStatus.READY, VideoStatus.FAILED);
                if (r.get().getStatus() == status) {
                    return r.get();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Not " + status + " within 3 min");
    }

    /** Reads the master's media playlists every 300 ms, checking each new segment exists. */
    private void watchPlaylists() {
        try {
            String masterKey = OutputLayout.videoFile(ID, OutputLayout.MASTER);
            MasterPlaylist master =
                    new MasterPlaylistParser().readPlaylist(storage.readString(masterKey));
            List<String> playlists = new ArrayList<>();
            master.variants().stream().map(Variant::uri).forEach(playlists::add);
            master.alternativeRenditions().forEach(a -> a.uri().ifPresent(playlists::add));
            boolean last = false;
            while (!last) {
                last = !watching.get();
                for (String playlist : playlists) {
                    String key = OutputLayout.videoFile(ID, playlist);
                    String text = read(key);
                    List<String> seen = reads.computeIfAbsent(playlist, k -> new ArrayList<>());
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(text)) {
                        seen.add(text);
                        growth.add(
                                System.currentTimeMillis()
                                        + " "
                                        + playlist
                                        + " "
                                        + parse(text).mediaSegments().size());
                        for (MediaSegment s : parse(text).mediaSegments()) {
                            String segment = OutputLayout.videoFile(ID, sibling(playlist, s.uri()));
                            if (!storage.exists(segment) || storage.size(segment) == 0) {
                                problems.add(playlist + " lists " + s.uri() + " before it exists");
                            }
                        }
                    }
                }
                Thread.sleep(300);
            }
        } catch (Exception e) {
            problems.add("reading the playlists: " + e);
        }
    }

    /**
     * The object's text; a read that fails is tried again twice (100 ms apart), as a player retries
     * a playlist: a playlist replaced while it is read fails that read (seen once in a CI run
     * against the embedded S3; S3A checks that an object does not change under a read).
     */
    private String read(String key) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return storage.readString(key);
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Every read of one playlist extends the one before; the rules hold in each. */
    private static void growsOnly(String playlist, List<String> texts) {
        assertThat(texts).as(playlist).isNotEmpty();
        String target = null;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            MediaPlaylist media = parse(text);
            assertThat(text).as(playlist).contains("#EXT-X-PLAYLIST-TYPE:EVENT\n");
            assertThat(text).as(playlist).contains("#EXT-X-START:TIME-OFFSET=0\n");
            String t = "#EXT-X-TARGETDURATION:" + media.targetDuration() + "\n";
            assertThat(target == null || target.equals(t)).as(playlist + ": " + t).isTrue();
            target = t;
            for (MediaSegment s : media.mediaSegments()) {
                assertThat(s.duration()).as(playlist).isLessThanOrEqualTo(media.targetDuration());
            }
            if (i > 0) {
                assertThat(text).as(playlist + " only appended to").startsWith(texts.get(i - 1));
            }
            boolean ended = text.contains("#EXT-X-ENDLIST");
            assertThat(ended).as(playlist + " ENDLIST only last").isEqualTo(i == texts.size() - 1);
        }
        assertThat(texts.size()).as(playlist + " was read growing").isGreaterThan(2);
    }

    /** Each rung's init + every segment decodes with the bundled ffmpeg. */
    private void everyListedSegmentDecodes() throws Exception {
        FfmpegBinaries ff = FfmpegBinaries.get();
        for (Map.Entry<String, List<String>> e : reads.entrySet()) {
            List<String> texts = e.getValue();
            MediaPlaylist media = parse(texts.get(texts.size() - 1));
            String init = media.mediaSegments().get(0).segmentMap().orElseThrow().uri();
            Path file = work.resolve(e.getKey().replace('/', '_') + ".mp4");
            try (var out = Files.newOutputStream(file)) {
                out.write(storage.readBytes(OutputLayout.videoFile(ID, sibling(e.getKey(), init))));
                for (MediaSegment s : media.mediaSegments()) {
                    out.write(
                            storage.readBytes(
                                    OutputLayout.videoFile(ID, sibling(e.getKey(), s.uri()))));
                }
            }
            ProcessBuilder pb =
                    new ProcessBuilder(
                                    ff.ffmpeg().toString(),
                                    "-v",
                                    "error",
                                    "-xerror",
                                    "-i",
                                    file.toString(),
                                    "-f",
                                    "null",
                                    "-")
                            .redirectErrorStream(true);
            pb.environment().putAll(ff.environment());
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(e.getKey() + " decodes: " + output).isZero();
        }
    }

    /** Segments the top rung's playlist lists now. */
    private int segmentsListed() throws Exception {
        String master = storage.readString(OutputLayout.videoFile(ID, OutputLayout.MASTER));
        String top = new MasterPlaylistParser().readPlaylist(master).variants().get(0).uri();
        return parse(storage.readString(OutputLayout.videoFile(ID, top))).mediaSegments().size();
    }

    private static MediaPlaylist parse(String text) {
        try {
            return new MediaPlaylistParser(ParsingMode.LENIENT).readPlaylist(text);
        } catch (io.lindstrom.m3u8.parser.PlaylistParserException e) {
            throw new AssertionError("Unparsable playlist:\n" + text, e);
        }
    }

    /** A URI relative to a playlist, as a path under the video's directory. */
    private static String sibling(String playlist, String uri) {
        int slash = playlist.lastIndexOf('/');
        return slash < 0 ? uri : playlist.substring(0, slash + 1) + uri;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events() {
        return (List<Map<String, Object>>) js("return window.__events;");
    }

    private Object js(String script) {
        return Chromium.script(browser, script);
    }

    private double number(String expression) {
        return Chromium.number(browser, expression);
    }

    private void awaitNumber(
            String expression, java.util.function.DoublePredicate done, Duration timeout) {
        Chromium.awaitNumber(browser, expression, done, timeout);
    }
}
