package org.transcoder.local.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code /static/*}: the player's script, its stylesheet and the vendored hls.js and dash.js, from
 * the classpath. A fixed set of names, so no request path ever reaches a resource lookup.
 */
final class StaticAssets extends HttpServlet {

    /** The vendored hls.js (see vendor/hls.js/VERSION next to it). */
    static final String HLS_JS = "vendor/hls.js/hls.min.js";

    /** The vendored dash.js (see vendor/dash.js/VERSION next to it). */
    static final String DASH_JS = "vendor/dash.js/dash.all.min.js";

    private record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Asset> assets = new HashMap<>();

    StaticAssets() {
        add("hls.min.js", HLS_JS, "text/javascript;charset=utf-8");
        add("dash.all.min.js", DASH_JS, "text/javascript;charset=utf-8");
        add("watch.js", "watch.js", "text/javascript;charset=utf-8");
        add("watch.css", "watch.css", "text/css;charset=utf-8");
    }

    private void add(String name, String resource, String contentType) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            assets.put("/" + name, new Asset(in.readAllBytes(), contentType));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Asset a = req.getPathInfo() == null ? null : assets.get(req.getPathInfo());
        if (a == null) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        res.setContentType(a.contentType());
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setContentLength(a.bytes().length);
        res.getOutputStream().write(a.bytes());
    }
}
