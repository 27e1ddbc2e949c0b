package org.transcoder.local.web;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Debian's headless Chromium and chromedriver, both by path: Selenium Manager fetches nothing. */
final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** A browser, or a failure naming the install command where there is none (never a skip). */
    static WebDriver start() {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            fail(
                    "The watch page test needs Chromium and its driver (%s, %s): run"
                            + " `apt-get install -y chromium chromium-driver` (.ci/run does)",
                    BINARY, DRIVER);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(belowThePipeline().toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // CI runs as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--autoplay-policy=no-user-gesture-required",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1024,768");
        // The page's console, for the message of a test that waits in vain.
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(new File(DRIVER.toString()))
                        .usingAnyFreePort()
                        .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Chromium at niceness 15: a viewer's browser is not on the encoding machine, and here its
     * software decoding and compositing should not take the CPU from the pipeline in this JVM (the
     * same session, so the same autogroup: there the nice value counts). The encoders run in
     * sessions of their own and share the CPU with this whole group.
     */
    private static Path belowThePipeline() {
        try {
            Path script = Files.createTempFile("chromium-nice", ".sh");
            Files.writeString(
                    script, "#!/bin/sh\nexec /usr/bin/nice -n 15 " + BINARY + " \"$@\"\n");
            script.toFile().setExecutable(true);
            script.toFile().deleteOnExit();
            return script;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until the watch page has no error and hls.js has parsed the master (menu built). */
    static void awaitPlayer(WebDriver browser) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .until(
                            b ->
                                    b.findElements(By.id("error")).isEmpty()
                                            && b.findElement(By.id("player"))
                                                            .getDomAttribute("data-levels")
                                                    != null);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("The player did not start; " + console(browser), e);
        }
    }

    /**
     * Runs {@code script} on the watch page, with {@code video} and {@code player} (its elements)
     * in scope; returns what the script returns.
     */
    static Object script(WebDriver browser, String script) {
        return ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript(
                        "const video = document.getElementById('video');"
                                + " const player = document.getElementById('player'); "
                                + script);
    }

    /** A number the page's {@code expression} gives (see {@link #script}). */
    static double number(WebDriver browser, String expression) {
        return ((Number) script(browser, "return " + expression + ";")).doubleValue();
    }

    /**
     * Waits until {@code expression} gives a number {@code done} accepts; returns it, or fails with
     * the last value, the page's error and its console.
     */
    static double awaitNumber(
            WebDriver browser,
            String expression,
            java.util.function.DoublePredicate done,
            Duration timeout) {
        double[] last = {Double.NaN};
        try {
            new WebDriverWait(browser, timeout, Duration.ofMillis(50))
                    .until(
                            b -> {
                                last[0] = number(browser, expression);
                                return done.test(last[0]);
                            });
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError(
                    expression + " stayed " + last[0] + "; " + console(browser), e);
        }
        return last[0];
    }

    /** What the page wrote to its console, one line per entry. */
    static String console(WebDriver browser) {
        StringBuilder b = new StringBuilder("browser console:");
        for (var entry : browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
            b.append("\n  ").append(entry.getLevel()).append(' ').append(entry.getMessage());
        }
        browser.findElements(By.id("error"))
                .forEach(e -> b.append("\n  page error: ").append(e.getText()));
        return b.toString();
    }
}
