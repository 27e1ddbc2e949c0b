package org.transcoder.local.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The watch page of a local mode that a person started, in Chromium: {@code .ci/run} runs the
 * README's first command with {@code --exit}, starts local mode again on the same work directory
 * and runs this check against it ({@code -Dtest=FirstCommandPageCheck}, with the printed watch page
 * URL and the video's id): the first run's video is listed READY, its page plays and lists its
 * rungs. Not part of {@code mvn verify} (its name matches no test pattern): it needs that running
 * local mode, and fails without one.
 */
class FirstCommandPageCheck {

    @Test
    void theFirstRunsVideoIsListedAndPlays() throws IOException {
        String url = System.getProperty("transcoder.watch-url");
        String id = System.getProperty("transcoder.video-id");
        assertThat(url).as("-Dtranscoder.watch-url (local mode prints it)").isNotBlank();
        assertThat(id).as("-Dtranscoder.video-id").isNotBlank();
        WebDriver browser = Chromium.start();
        try {
            browser.get(url);
            WebElement row = browser.findElement(By.cssSelector("tr[data-video-id='" + id + "']"));
            assertThat(row.getText()).contains("READY").contains("100%");
            row.findElement(By.linkText(id)).click();
            Chromium.awaitPlayer(browser);
            List<String> menu =
                    new Select(browser.findElement(By.id("quality")))
                            .getOptions().stream().map(WebElement::getText).toList();
            assertThat(menu.get(0)).startsWith("Auto");
            assertThat(menu).hasSizeGreaterThan(2);
            browser.findElement(By.id("play")).click();
            double first = await(browser, 0);
            await(browser, first);
            Path shot = Path.of("target/browser/first-command.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    /** Waits until the video's currentTime passes {@code after}; returns it. */
    private static double await(WebDriver browser, double after) {
        return new WebDriverWait(browser, Duration.ofSeconds(30))
                .until(
                        b -> {
                            Object t =
                                    ((JavascriptExecutor) b)
                                            .executeScript(
                                                    "return document.getElementById('video')"
                                                            + ".currentTime;");
                            double v = ((Number) t).doubleValue();
                            return v > after ? v : null;
                        });
    }
}
