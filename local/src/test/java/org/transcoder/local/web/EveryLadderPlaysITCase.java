package org.transcoder.local.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.Transcoder;
import org.transcoder.media.testing.Fixtures;

/**
 * Every shared clip that makes a ladder, played in Debian's headless Chromium by both players the
 * watch page has: hls.js on master.m3u8 and dash.js on manifest.mpd, over the same segments.
 * Ladders come from the whole-file transcoder (the job publishes what the same packaging step
 * writes: TranscodeJobITCase checks its trees with the same assertions); each must start, advance
 * and decode frames without an error on the page. RealMediaTest checks the ladders themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryLadderPlaysITCase {

    /** The fixtures refused with a reason (RealMediaTest checks which reason): no ladder. */
    private static final List<String> REFUSED =
            List.of(
                    "audio_crunching.mp3",
                    "audio_only_2x_aac51.mp4",
                    "corrupt_vp9_invalid_bitstream.webm",
                    "truncated_phone_first1MB.mp4");

    @TempDir static Path work;
    private final Map<String, VideoRecord> videos = new LinkedHashMap<>();
    private WatchServer server;
    private WebDriver browser;

    static Stream<String> ladders() {
        return Fixtures.all().stream().filter(c -> !REFUSED.contains(c));
    }

    static Stream<String> formats() {
        return Stream.of("hls", "dash");
    }

    @BeforeAll
    void transcodeEveryClipAndServeThem() throws Exception {
        Path videosDir = work.resolve("videos");
        Transcoder transcoder =
                new Transcoder(
                        TranscodeOptions.defaults()
                                .withThreads(2)
                                .withWorkDir(work.resolve("tmp")));
        List<String> failed = new ArrayList<>();
        for (String clip : ladders().toList()) {
            String id = id(clip);
            try {
                transcoder.transcode(Fixtures.clip(clip), videosDir.resolve(id));
            } catch (MediaException e) {
                failed.add(clip + ": " + e.getMessage());
                continue;
            }
            VideoRecord r =
                    VideoRecord.ready(
                            id,
                            "file:///" + clip,
                            "/videos/" + id + "/" + OutputLayout.MASTER,
                            null,
                            0,
                            List.of());
            r.setDashManifestUri("/videos/" + id + "/" + OutputLayout.DASH_MANIFEST);
            videos.put(id, r);
        }
        assertThat(failed).as("every clip but the refused ones makes a ladder").isEmpty();
        server =
                WatchServer.start(
                        "127.0.0.1",
                        0,
                        videosDir,
                        new VideoCatalog() {
                            @Override
                            public List<VideoRecord> recent(int limit) {
                                return List.copyOf(videos.values());
                            }

                            @Override
                            public Optional<VideoRecord> find(String videoId) {
                                return Optional.ofNullable(videos.get(videoId));
                            }
                        },
                        null);
        browser = Chromium.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Ladders of a tenth of a second (3 and 5 frames) that hls.js 1.7.4 never starts in Chromium:
     * it buffers all of both tracks (equal in length, decoded) and stays at HAVE_METADATA,
     * presumably because it does not end the MediaSource stream; dash.js plays them. A known
     * limitation (README), not fixed here.
     */
    private static final List<String> HLS_JS_STALLS =
            List.of("dv_ntsc_interlaced_bff_2x_pcm.dv", "hevc_android_1080p_rot90_metatrack.mp4");

    static Stream<org.junit.jupiter.params.provider.Arguments> clipsAndFormats() {
        return ladders()
                .flatMap(
                        c ->
                                formats()
                                        .filter(
                                                f ->
                                                        !(f.equals("hls")
                                                                && HLS_JS_STALLS.contains(c)))
                                        .map(
                                                f ->
                                                        org.junit.jupiter.params.provider.Arguments
                                                                .of(c, f)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("clipsAndFormats")
    void playsWithoutAnError(String clip, String format) {
        browser.get(server.watchUrl(id(clip)) + "?format=" + format);
        Chromium.awaitPlayer(browser);
        assertThat(browser.findElement(By.id("player")).getDomAttribute("data-format"))
                .isEqualTo(format);
        recordWhereThePlayButtonMoves();
        browser.findElement(By.id("play")).click();
        try {
            // Started (some clips are a tenth of a second long: ended counts) and decoding frames.
            new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50))
                    .until(
                            b ->
                                    number("video.ended || video.currentTime > 0.05 ? 1 : 0") == 1
                                            && number(
                                                            "video.getVideoPlaybackQuality()"
                                                                    + ".totalVideoFrames")
                                                    > 0);
        } catch (org.openqa.selenium.TimeoutException e) {
            Object state =
                    Chromium.script(
                            browser,
                            "const v = video; const b = v.buffered; let r = [];"
                                    + " for (let i = 0; i < b.length; i++)"
                                    + " r.push(b.start(i) + '-' + b.end(i));"
                                    + " return 'currentTime=' + v.currentTime + ' ended='"
                                    + " + v.ended + ' paused=' + v.paused + ' readyState='"
                                    + " + v.readyState + ' duration=' + v.duration"
                                    + " + ' frames=' + v.getVideoPlaybackQuality()"
                                    + ".totalVideoFrames + ' buffered=' + r.join(',');");
            throw new AssertionError(
                    clip
                            + " did not play with "
                            + format
                            + " ("
                            + state
                            + "); "
                            + Chromium.console(browser),
                    e);
        }
        assertThat(browser.findElements(By.id("error")))
                .as("%s with %s: %s", clip, format, Chromium.console(browser))
                .isEmpty();
        assertThat(number("video.error ? 1 : 0")).as("media error").isZero();
        assertThat(Chromium.script(browser, "return window.playButtonMoves.join(', ');"))
                .as("the play button moved (a click then can press on it and release elsewhere)")
                .isEqualTo("");
    }

    /**
     * From the page's start (buffered layout shifts) on, every shift that moves the play button, in
     * {@code window.playButtonMoves}: the player's box must not change when the video's size
     * becomes known, or a click landing just then presses the button and releases on the video.
     */
    private void recordWhereThePlayButtonMoves() {
        Chromium.script(
                browser,
                "const play = document.getElementById('play'); window.playButtonMoves = [];"
                        + " new PerformanceObserver(list => { for (const e of list.getEntries())"
                        + " for (const s of e.sources) if (s.node && s.node.contains(play))"
                        + " window.playButtonMoves.push(s.previousRect.y + ' -> '"
                        + " + s.currentRect.y); }).observe({type: 'layout-shift', buffered:"
                        + " true});");
    }

    /**
     * hls.js reports a fatal media error (a buffer append that failed, here raised on its event
     * bus): the page has hls.js reattach the element (it reloads: {@code emptied}), and the video
     * plays on from where it was, without an error on the page. An error that keeps coming back is
     * shown after three recoveries, not reloaded forever.
     */
    @Test
    void aRecoveredMediaErrorPlaysOn() {
        String clip = "vp8_bbb_720p_vorbis.webm"; // 30 s
        browser.get(server.watchUrl(id(clip)) + "?format=hls");
        Chromium.awaitPlayer(browser);
        browser.findElement(By.id("play")).click();
        double before =
                Chromium.awaitNumber(
                        browser, "video.currentTime", t -> t > 1, Duration.ofSeconds(30));
        String injectFatalMediaError =
                "window.hlsPlayer.trigger(Hls.Events.ERROR, {type: Hls.ErrorTypes.MEDIA_ERROR,"
                        + " details: Hls.ErrorDetails.BUFFER_APPEND_ERROR, fatal: true,"
                        + " error: new Error('injected by the test')});";
        Chromium.script(
                browser,
                "window.reloads = 0; video.addEventListener('emptied', () => window.reloads++); "
                        + injectFatalMediaError);
        Chromium.awaitNumber(
                browser,
                "!video.paused && video.currentTime > " + (before + 0.5) + " ? 1 : 0",
                playing -> playing == 1,
                Duration.ofSeconds(30));
        assertThat(number("window.reloads")).as("the element was reattached").isPositive();
        assertThat(browser.findElements(By.id("error"))).as(Chromium.console(browser)).isEmpty();

        // Three recoveries are tried; the fourth error of a page is shown instead.
        for (int i = 0; i < 3; i++) {
            Chromium.script(browser, injectFatalMediaError);
        }
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(b -> !b.findElements(By.id("error")).isEmpty());
        assertThat(browser.findElement(By.id("error")).getText())
                .isEqualTo("Cannot play this video: bufferAppendError");
    }

    /**
     * Play, then pause before the video has started (two clicks at once): the pause supersedes the
     * play() (its promise fails with an AbortError), which is what the viewer asked for, not an
     * error to show; the page notes it in the console.
     */
    @Test
    void pausingBeforePlaybackStartsShowsNoError() {
        browser.get(server.watchUrl(id("vp8_bbb_720p_vorbis.webm")) + "?format=hls");
        Chromium.awaitPlayer(browser);
        Chromium.script(
                browser, "const b = document.getElementById('play'); b.click(); b.click();");
        StringBuilder console = new StringBuilder();
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(
                        b -> {
                            console.append(Chromium.console(browser));
                            return console.toString().contains("play() superseded");
                        });
        assertThat(browser.findElements(By.id("error"))).as(console.toString()).isEmpty();
        assertThat(number("video.paused ? 1 : 0")).isEqualTo(1);
    }

    private double number(String expression) {
        return Chromium.number(browser, expression);
    }

    /** Ids are [A-Za-z0-9_-]: the file name with its dot. */
    private static String id(String clip) {
        return clip.replaceAll("[^A-Za-z0-9_-]", "-");
    }
}
