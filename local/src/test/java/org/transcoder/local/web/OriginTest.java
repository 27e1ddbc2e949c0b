package org.transcoder.local.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.transcoder.connectors.events.VideoRecord;

/** The origin half of {@link WatchServer}: what it serves from the tree, how, and what not. */
class OriginTest {

    private static final String SECRET = "SECRET-OUTSIDE-THE-TREE";

    @TempDir static Path root;
    private static Path videos;
    private static byte[] segment;
    private static WatchServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void serveATree() throws Exception {
        videos = root.resolve("bucket/videos");
        Path v = videos.resolve("v1");
        write(v.resolve("master.m3u8"), "#EXTM3U\n");
        write(v.resolve("manifest.mpd"), "<MPD/>\n");
        write(v.resolve("720p/index.m3u8"), "#EXTM3U\n");
        write(v.resolve("720p/init_0fc64fdffd3c.mp4"), "init");
        segment = new byte[1000];
        for (int i = 0; i < segment.length; i++) {
            segment[i] = (byte) i;
        }
        Files.createDirectories(v.resolve("720p/g1"));
        Files.write(v.resolve("720p/g1/seg_00000.m4s"), segment);
        write(v.resolve("thumbnails/poster.jpg"), "jpeg");
        write(v.resolve("thumbnails/storyboard.vtt"), "WEBVTT\n");
        // What must never be served: files above the tree (with a served extension), s3proxy's
        // temporary upload files, hidden files, and symbolic links out of the tree.
        write(root.resolve("bucket/secret.m3u8"), SECRET);
        write(root.resolve("secret.m3u8"), SECRET);
        write(v.resolve("master.m3u8-5d0c1f3e-3c1b-4f4e-9a8e-0d1f2e3c4b5a"), SECRET);
        write(v.resolve(".hidden.m3u8"), SECRET);
        Files.createSymbolicLink(v.resolve("link.m3u8"), root.resolve("secret.m3u8"));
        Files.createSymbolicLink(videos.resolve("out"), root);
        server = WatchServer.start("127.0.0.1", 0, videos, new NoVideos(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url().resolve(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> send(String method, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(server.url().resolve(path))
                        .method(method, HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "v1/master.m3u8|application/vnd.apple.mpegurl|no-cache",
                "v1/manifest.mpd|application/dash+xml|no-cache",
                "v1/720p/index.m3u8|application/vnd.apple.mpegurl|no-cache",
                "v1/720p/g1/seg_00000.m4s|video/iso.segment|public, max-age=31536000, immutable",
                "v1/720p/init_0fc64fdffd3c.mp4|video/mp4|public, max-age=31536000, immutable",
                "v1/thumbnails/poster.jpg|image/jpeg|no-cache",
                "v1/thumbnails/storyboard.vtt|text/vtt;charset=utf-8|no-cache"
            })
    void everyKindHasItsMediaTypeCachingAndCors(String row) throws Exception {
        String[] c = row.split("\\|");
        HttpResponse<byte[]> r = get("/videos/" + c[0]);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Content-Type").replace(" ", "")).isEqualTo(c[1].replace(" ", ""));
        assertThat(header(r, "Cache-Control")).isEqualTo(c[2]);
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(r, "Accept-Ranges")).isEqualTo("bytes");
        assertThat(header(r, "ETag")).isNotBlank();
        assertThat(r.body()).isEqualTo(Files.readAllBytes(videos.resolve(c[0])));
    }

    @Test
    void aRangeIsPartialContent() throws Exception {
        HttpResponse<byte[]> r = get("/videos/v1/720p/g1/seg_00000.m4s", "Range", "bytes=100-199");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes 100-199/1000");
        assertThat(r.body()).isEqualTo(Arrays.copyOfRange(segment, 100, 200));

        HttpResponse<byte[]> suffix = get("/videos/v1/720p/g1/seg_00000.m4s", "Range", "bytes=-10");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(header(suffix, "Content-Range")).isEqualTo("bytes 990-999/1000");
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(segment, 990, 1000));
    }

    @Test
    void aRangeBeyondTheEndIs416WithTheLength() throws Exception {
        HttpResponse<byte[]> r = get("/videos/v1/720p/g1/seg_00000.m4s", "Range", "bytes=5000-");
        assertThat(r.statusCode()).isEqualTo(416);
        assertThat(header(r, "Content-Range")).isEqualTo("bytes */1000");
        assertThat(header(r, "Cache-Control")).isEqualTo("no-store");
        assertThat(r.body()).isEmpty();
    }

    @Test
    void anUnchangedFileIs304() throws Exception {
        String etag = header(get("/videos/v1/master.m3u8"), "ETag");
        HttpResponse<byte[]> r = get("/videos/v1/master.m3u8", "If-None-Match", etag);
        assertThat(r.statusCode()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void thePreflightOfACrossOriginRangeRequestIsAllowed() throws Exception {
        HttpResponse<byte[]> r =
                HTTP.send(
                        HttpRequest.newBuilder(
                                        server.url().resolve("/videos/v1/720p/g1/seg_00000.m4s"))
                                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                                .header("Origin", "https://player.example")
                                .header("Access-Control-Request-Method", "GET")
                                .header("Access-Control-Request-Headers", "range")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(r, "Access-Control-Allow-Headers")).isEqualTo("Range");
        assertThat(header(r, "Access-Control-Allow-Methods")).contains("GET");
    }

    @Test
    void itIsReadOnly() throws Exception {
        for (String method : List.of("PUT", "POST", "DELETE")) {
            HttpResponse<byte[]> r = send(method, "/videos/v1/master.m3u8");
            assertThat(r.statusCode()).as(method).isEqualTo(405);
        }
        assertThat(Files.readString(videos.resolve("v1/master.m3u8"))).isEqualTo("#EXTM3U\n");
    }

    @Test
    void missingFilesDirectoriesAndOtherKindsAre404AndNotCached() throws Exception {
        for (String path :
                List.of(
                        "/videos/v1/720p/g1/seg_00099.m4s",
                        "/videos/v1/",
                        "/videos/v1/720p",
                        "/videos/v1/master.m3u8-5d0c1f3e-3c1b-4f4e-9a8e-0d1f2e3c4b5a",
                        "/videos/v1/.hidden.m3u8")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain(SECRET);
            assertThat(header(r, "Cache-Control")).as(path).contains("no-store");
        }
    }

    /** Sent as raw bytes: an HTTP client would normalise some of these before they leave. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/videos/../secret.m3u8",
                "/videos/v1/../../secret.m3u8",
                "/videos/v1/../../../secret.m3u8",
                "/videos/%2e%2e/secret.m3u8",
                "/videos/%2E%2E/secret.m3u8",
                "/videos/v1/%2e%2e%2f%2e%2e%2fsecret.m3u8",
                "/videos/..%2fsecret.m3u8",
                "/videos/%252e%252e/secret.m3u8",
                "/videos/v1/..%5c..%5csecret.m3u8",
                "/videos/v1/..\\..\\secret.m3u8",
                "/videos/%c0%ae%c0%ae/secret.m3u8",
                "/videos/v1/link.m3u8",
                "/videos/out/secret.m3u8",
                "/videos/out/bucket/secret.m3u8",
                "/videos/v1/master.m3u8%00.jpg"
            })
    void nothingOutsideTheTreeIsServed(String path) throws Exception {
        String response = rawGet(path);
        int status = Integer.parseInt(response.substring(9, 12));
        assertThat(status).as(path).isIn(400, 403, 404);
        assertThat(response).as(path).doesNotContain(SECRET);
    }

    @Test
    void aVideoPublishedAfterTheStartIsServed(@TempDir Path other) throws Exception {
        Path later = other.resolve("videos"); // does not exist yet
        try (WatchServer s = WatchServer.start("127.0.0.1", 0, later, new NoVideos(), null)) {
            URI master = s.url().resolve("/videos/late/master.m3u8");
            HttpRequest req = HttpRequest.newBuilder(master).build();
            assertThat(HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(404);
            write(later.resolve("late/master.m3u8"), "#EXTM3U\n");
            assertThat(HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aTakenPortFallsBackToAFreeOne() throws Exception {
        int taken = server.url().getPort();
        try (WatchServer s = WatchServer.start("127.0.0.1", taken, videos, new NoVideos(), null)) {
            assertThat(s.url().getPort()).isNotEqualTo(taken).isPositive();
            assertThat(s.url().getHost()).isEqualTo("127.0.0.1");
            HttpResponse<byte[]> r =
                    HTTP.send(
                            HttpRequest.newBuilder(s.url().resolve("/videos/v1/master.m3u8"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    private static String rawGet(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.url().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The origin needs no catalog. */
    private static final class NoVideos implements VideoCatalog {
        @Override
        public List<VideoRecord> recent(int limit) {
            return List.of();
        }

        @Override
        public Optional<VideoRecord> find(String videoId) {
            return Optional.empty();
        }
    }
}
