package org.transcoder.local.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.embedded.EmbeddedServices;
import org.transcoder.local.LocalPipeline;
import org.transcoder.media.testing.Fixtures;

/**
 * The watch page in a real browser: a fixture clip goes through the real pipeline (embedded
 * services, the job on an in-JVM Flink cluster), the origin serves what it published, and Debian's
 * headless Chromium, driven by Selenium, plays it, switches quality through the menu and shows the
 * storyboard preview. Without Chromium the test fails and says how to install it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchPageBrowserITCase {

    private static final String CLIP = "h264_webcam_1080x720_aac.mp4";
    private static final String ID = "h264_webcam_1080x720_aac-mp4";
    private static final Path SCREENSHOT = Path.of("target/browser/watch-page.png");

    /** A video segment's request: /videos/{id}/{rung}/{generation}/seg_NNNNN.m4s. */
    private static final Pattern SEGMENT =
            Pattern.compile("/videos/" + ID + "/([^/]+)/g[0-9a-z]+/seg_\\d+\\.m4s");

    @TempDir static Path work;
    private final List<String> fetched = new CopyOnWriteArrayList<>();
    private PipelineOrigin origin;
    private LocalPipeline pipeline;
    private WatchServer server;
    private WebDriver browser;
    private VideoRecord video;

    @BeforeAll
    void transcodeServeAndOpenABrowser() throws Exception {
        browser = Chromium.start();
        origin =
                PipelineOrigin.start(
                        work,
                        Map.of(),
                        (request, response) -> fetched.add(request.getRequestURI()));
        pipeline = origin.pipeline;
        server = origin.server;
        pipeline.storage().put("uploads/" + CLIP, Fixtures.clip(CLIP));
        pipeline.submit(UploadEvent.of(ID, "s3://" + EmbeddedServices.BUCKET + "/uploads/" + CLIP));
        video = pipeline.awaitTerminal(ID, Duration.ofMinutes(5));
        assertThat(video.getStatus()).as(video.getMessage()).isEqualTo(VideoStatus.READY);
        assertThat(video.getRenditions()).hasSizeGreaterThan(1);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void theListLinksToTheReadyVideo() {
        browser.get(server.url().toString());
        WebElement row = browser.findElement(By.cssSelector("tr[data-video-id='" + ID + "']"));
        assertThat(row.getText()).contains("READY").contains("100%");
        row.findElement(By.linkText(ID)).click();
        assertThat(browser.getCurrentUrl()).isEqualTo(server.watchUrl(ID).toString());
    }

    @Test
    void playbackAdvancesAndTheMenuListsEveryRungPlusAuto() {
        openWatchPage();
        List<String> menu =
                new Select(browser.findElement(By.id("quality")))
                        .getOptions().stream().map(WebElement::getText).toList();
        assertThat(menu.get(0)).startsWith("Auto");
        List<String> expected =
                video.getRenditions().stream()
                        .map(r -> r.getHeight() + "p (" + r.getWidth() + "×" + r.getHeight())
                        .toList();
        assertThat(menu).hasSize(expected.size() + 1);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(menu.get(i + 1)).startsWith(expected.get(i)); // highest first, as stored
        }
        assertThat(fetched).anyMatch(u -> u.endsWith("/" + ID + "/thumbnails/poster.jpg"));

        browser.findElement(By.id("play")).click();
        double first = awaitNumber("video.currentTime", t -> t > 0);
        awaitNumber("video.currentTime", t -> t > first);
        assertThat(number("video.played.length > 0 ? video.played.end(0) : 0")).isPositive();
    }

    @Test
    void choosingARungInTheMenuFetchesThatRungsSegments() {
        openWatchPage();
        browser.findElement(By.id("play")).click();
        // The clip is one segment long: once it has played, nothing is loading any more.
        awaitNumber("video.ended ? 1 : 0", ended -> ended == 1);
        // hls.js reports the switch once the new rung's first fragment is buffered
        switchesToAnotherRungAndFetchesOnlyItsSegments();
    }

    /**
     * After a playback to the end: choosing the lowest rung but the one just played, then playing
     * again, fetches that rung's segments only, and the player reports the switch.
     */
    private void switchesToAnotherRungAndFetchesOnlyItsSegments() {
        String before = lastRungFetched().orElseThrow();
        RenditionRecord target =
                video.getRenditions().stream()
                        .filter(r -> !r.getName().equals(before))
                        .reduce((a, b) -> b) // the lowest other rung
                        .orElseThrow();
        int mark = fetched.size();

        new Select(browser.findElement(By.id("quality")))
                .selectByValue(levelIndexOfHeight(target.getHeight()));
        browser.findElement(By.id("play")).click(); // plays again from the start

        awaitNumber("video.currentTime > 0 && !video.paused ? 1 : 0", playing -> playing == 1);
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(b -> rungsFetchedSince(mark).contains(target.getName()));
        assertThat(rungsFetchedSince(mark)).containsOnly(target.getName());
        awaitNumber("Number(player.dataset.level)", h -> h == target.getHeight());
        assertThat(browser.findElements(By.id("error"))).isEmpty();
    }

    @Test
    void hoveringTheSeekBarShowsTheStoryboardTile() throws Exception {
        openWatchPage();
        awaitNumber("Number(player.dataset.storyboardTiles || 0)", n -> n > 0);
        awaitNumber("video.duration || 0", d -> d > 0);
        WebElement preview = browser.findElement(By.id("preview"));
        assertThat(preview.isDisplayed()).isFalse();

        new Actions(browser).moveToElement(browser.findElement(By.id("seek"))).perform();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> preview.isDisplayed());
        WebElement tile = browser.findElement(By.id("preview-tile"));
        assertThat(tile.getCssValue("background-image"))
                .contains("/videos/" + ID + "/thumbnails/storyboard.jpg");
        assertThat(tile.getSize().getWidth()).isPositive();
        assertThat(browser.findElement(By.id("preview-time")).getText()).matches("\\d+:\\d\\d");
        assertThat(fetched)
                .anyMatch(u -> u.endsWith("/" + ID + "/thumbnails/storyboard.vtt"))
                .anyMatch(u -> u.endsWith("/" + ID + "/thumbnails/storyboard.jpg"));

        Files.createDirectories(SCREENSHOT.getParent());
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(SCREENSHOT)).isPositive();
    }

    /** Loads the page and waits for hls.js to have parsed the master (the menu is built). */
    /**
     * dash.js on manifest.mpd (the same CMAF segments the HLS ladder lists): it lists every
     * Representation, plays, and after choosing the lowest rung plays again from that rung's
     * segments only (the lowest but the one it played), reporting the switch.
     */
    @Test
    void dashJsPlaysTheMpdAndSwitchesRepresentation() {
        assertThat(video.getDashManifestUri()).endsWith("/" + ID + "/manifest.mpd");
        // Segments are immutable and the other tests played them: from the origin, not the cache.
        ((org.openqa.selenium.chrome.ChromeDriver) browser)
                .executeCdpCommand("Network.clearBrowserCache", Map.of());
        int opened = fetched.size();
        browser.get(server.watchUrl(ID) + "?format=dash");
        Chromium.awaitPlayer(browser);
        assertThat(fetched.subList(opened, fetched.size()))
                .anyMatch(u -> u.endsWith("/" + ID + "/manifest.mpd"))
                .noneMatch(u -> u.endsWith(".m3u8"));
        assertThat(browser.findElement(By.id("player")).getDomAttribute("data-format"))
                .isEqualTo("dash");
        assertThat(number("Number(player.dataset.levels)")).isEqualTo(video.getRenditions().size());

        browser.findElement(By.id("play")).click();
        double first = awaitNumber("video.currentTime", t -> t > 0);
        awaitNumber("video.currentTime", t -> t > first);
        awaitNumber("video.ended ? 1 : 0", ended -> ended == 1);
        assertThat(fetched.subList(opened, fetched.size()))
                .anyMatch(u -> SEGMENT.matcher(u).matches());

        switchesToAnotherRungAndFetchesOnlyItsSegments();
    }

    private void openWatchPage() {
        browser.get(server.watchUrl(ID).toString());
        Chromium.awaitPlayer(browser);
    }

    /** The menu's value for the hls.js level of that height. */
    private String levelIndexOfHeight(int height) {
        return browser.findElement(By.cssSelector("#quality option[data-height='" + height + "']"))
                .getDomAttribute("value");
    }

    private Optional<String> lastRungFetched() {
        return rungsFetched(fetched).reduce((a, b) -> b);
    }

    private List<String> rungsFetchedSince(int mark) {
        return rungsFetched(fetched.subList(mark, fetched.size())).distinct().toList();
    }

    private static java.util.stream.Stream<String> rungsFetched(List<String> uris) {
        return uris.stream()
                .map(SEGMENT::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .filter(rung -> !rung.equals("audio"));
    }

    private double number(String expression) {
        return Chromium.number(browser, expression);
    }

    private double awaitNumber(String expression, java.util.function.DoublePredicate done) {
        return Chromium.awaitNumber(browser, expression, done, Duration.ofSeconds(30));
    }
}
