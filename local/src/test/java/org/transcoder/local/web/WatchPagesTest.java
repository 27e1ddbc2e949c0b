package org.transcoder.local.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;

/** The pages half of {@link WatchServer}: the list, a watch page, escaping, the assets. */
class WatchPagesTest {

    private static final String SCRIPT = "<script>alert('x')</script>";

    @TempDir static Path videos;
    private static WatchServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final VideoRecord READY =
            VideoRecord.ready(
                    "cat-42",
                    "s3://transcoder/uploads/cat-42.mp4",
                    "s3://transcoder/videos/cat-42/master.m3u8",
                    "s3://transcoder/videos/cat-42/thumbnails/poster.jpg",
                    30.0,
                    List.of(
                            new RenditionRecord(
                                    "720p",
                                    1280,
                                    720,
                                    1_728_590,
                                    1_182_174,
                                    "avc1.64001f,mp4a.40.2",
                                    "s3://transcoder/videos/cat-42/720p/index.m3u8"),
                            new RenditionRecord(
                                    "240p",
                                    426,
                                    240,
                                    504_882,
                                    369_571,
                                    "avc1.640015,mp4a.40.2",
                                    "s3://transcoder/videos/cat-42/240p/index.m3u8")));

    /**
     * Ids are validated by the job ([A-Za-z0-9_-]); the pages escape them all the same. (No "/": a
     * %2F in a path is refused by Jetty before any page sees it.)
     */
    private static final String HOSTILE_ID = "evil<script>alert('id')";

    private static final VideoRecord HOSTILE =
            VideoRecord.failed(HOSTILE_ID, null, "CORRUPT_INPUT", "<img src=x onerror=alert(1)>");

    private static final VideoRecord BUSY =
            VideoRecord.processing("busy-1", "s3://transcoder/uploads/busy.mp4", 40);

    @BeforeAll
    static void start() throws Exception {
        READY.setLabels(Map.of("title", SCRIPT, "user", "u1"));
        READY.setDashManifestUri("s3://transcoder/videos/cat-42/manifest.mpd");
        server = WatchServer.start("127.0.0.1", 0, videos, new Fixed(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(server.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theListShowsEveryVideoWithStatusProgressAndALink() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'");
        String html = r.body();
        assertThat(html)
                .contains("<a href=\"/watch/cat-42\">cat-42</a>")
                .contains("status-ready\">READY")
                .contains("status-processing\">PROCESSING")
                .contains("<progress max=\"100\" value=\"40\"></progress> 40%")
                .contains("720p · 240p")
                .contains("src=\"/videos/cat-42/thumbnails/poster.jpg\"")
                .contains("CORRUPT_INPUT")
                // a video still in flight: the list refreshes itself
                .contains("http-equiv=\"refresh\"");
    }

    @Test
    void everyStringFromARecordIsEscaped() throws Exception {
        String list = get("/").body();
        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;";
        assertThat(list)
                .doesNotContain(SCRIPT)
                .doesNotContain("<img src=x")
                .contains("title=" + escaped)
                .doesNotContain("<script>alert('id')")
                .contains(">evil&lt;script&gt;alert(&#39;id&#39;)</a>")
                .contains("&lt;img src=x onerror=alert(1)&gt;")
                // the link's path segment is encoded, then escaped
                .contains("href=\"/watch/evil%3Cscript%3Ealert%28%27id%27%29\"");

        String watch = get("/watch/cat-42").body();
        assertThat(watch).doesNotContain(SCRIPT).contains("title=" + escaped);

        String hostile = get("/watch/evil%3Cscript%3Ealert%28%27id%27%29").body();
        assertThat(hostile)
                .doesNotContain("<script>alert")
                .contains("<h1>evil&lt;script&gt;alert(&#39;id&#39;)</h1>");

        HttpResponse<String> unknown = get("/watch/%3Cscript%3Enope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).doesNotContain("<script>nope").contains("&lt;script&gt;nope");
    }

    @Test
    void aReadyVideosPageHasThePlayerWithItsSourcesAndQualityMenu() throws Exception {
        String html = get("/watch/cat-42").body();
        assertThat(html)
                .contains("data-src=\"/videos/cat-42/master.m3u8\"")
                .contains("data-storyboard=\"/videos/cat-42/thumbnails/storyboard.vtt\"")
                .contains("poster=\"/videos/cat-42/thumbnails/poster.jpg\"")
                .contains("<select id=\"quality\"><option value=\"-1\">Auto</option></select>")
                .contains("<script src=\"/static/hls.min.js\"></script>")
                .contains("<td>720p</td><td>1280×720</td><td>1729 kb/s</td><td>1182 kb/s</td>")
                .doesNotContain("http-equiv=\"refresh\"");
    }

    @Test
    void theDashFormatPlaysTheMpdWithDashJs() throws Exception {
        assertThat(get("/watch/cat-42").body())
                .contains("data-format=\"hls\"")
                .contains("<a href=\"?format=dash\">DASH</a>");
        String html = get("/watch/cat-42?format=dash").body();
        assertThat(html)
                .contains("data-format=\"dash\"")
                .contains("data-src=\"/videos/cat-42/manifest.mpd\"")
                .contains("<script src=\"/static/dash.all.min.js\"></script>")
                .contains("<a href=\"?format=hls\">HLS</a>")
                .doesNotContain("hls.min.js");
        // A video without a DASH manifest (published before DASH) stays on HLS.
        VideoRecord old = READY.copy();
        old.setDashManifestUri(null);
        assertThat(Pages.watch(old, true))
                .contains("data-format=\"hls\"")
                .doesNotContain("?format=");
    }

    @Test
    void theVendoredDashJsIsServedIntact() throws Exception {
        Properties version = new Properties();
        try (InputStream in = StaticAssets.class.getResourceAsStream("vendor/dash.js/VERSION")) {
            version.load(in);
        }
        HttpResponse<byte[]> r =
                HTTP.send(
                        HttpRequest.newBuilder(server.url().resolve("/static/dash.all.min.js"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body()));
        assertThat(sha256).isEqualTo(version.getProperty("dash.all.min.js.sha256"));
        assertThat(StaticAssets.class.getResource("vendor/dash.js/LICENSE")).isNotNull();
    }

    @Test
    void aVideoInFlightShowsItsProgressAndRefreshes() throws Exception {
        String html = get("/watch/busy-1").body();
        assertThat(html)
                .doesNotContain("id=\"player\"")
                .contains("<progress max=\"100\" value=\"40\"></progress> 40%")
                .contains("http-equiv=\"refresh\" content=\"3\"");
    }

    @Test
    void unknownPagesAre404() throws Exception {
        assertThat(get("/watch/").statusCode()).isEqualTo(404);
        assertThat(get("/watch/nope").statusCode()).isEqualTo(404);
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        assertThat(get("/static/nothing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void theVendoredHlsJsIsServedIntact() throws Exception {
        Properties version = new Properties();
        try (InputStream in = StaticAssets.class.getResourceAsStream("vendor/hls.js/VERSION")) {
            version.load(in);
        }
        HttpResponse<byte[]> r =
                HTTP.send(
                        HttpRequest.newBuilder(server.url().resolve("/static/hls.min.js")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/javascript");
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body()));
        assertThat(sha256).isEqualTo(version.getProperty("hls.min.js.sha256"));
        assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"" + version.getProperty("version") + "\"");
        assertThat(StaticAssets.class.getResource("vendor/hls.js/LICENSE")).isNotNull();
        assertThat(get("/static/watch.js").body()).contains("hls.currentLevel");
    }

    /** Three videos: ready (with a hostile label), failed (hostile id and message), in flight. */
    private static final class Fixed implements VideoCatalog {
        @Override
        public List<VideoRecord> recent(int limit) {
            return List.of(BUSY, READY, HOSTILE);
        }

        @Override
        public Optional<VideoRecord> find(String videoId) {
            return recent(10).stream().filter(v -> v.getVideoId().equals(videoId)).findFirst();
        }
    }
}
