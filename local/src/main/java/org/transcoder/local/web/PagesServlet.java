package org.transcoder.local.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.transcoder.connectors.events.VideoRecord;

/**
 * {@code /}: the list of videos; {@code /watch/{id}}: a video's page (HLS, or DASH with {@code
 * ?format=dash}); anything else 404.
 */
final class PagesServlet extends HttpServlet {

    private static final int LIST_LIMIT = 200;

    /**
     * Scripts and media from this origin only, so a string that escaped escaping still could not
     * run; hls.js runs its transmuxer in a worker made from a blob and plays through MSE (blob:).
     */
    private static final String CSP =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
                    + " media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self';"
                    + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private final VideoCatalog catalog;

    PagesServlet(VideoCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.equals("/")) {
            send(res, HttpServletResponse.SC_OK, Pages.list(catalog.recent(LIST_LIMIT)));
            return;
        }
        String prefix = "/watch/";
        if (path.startsWith(prefix)) {
            String id = path.substring(prefix.length());
            Optional<VideoRecord> video =
                    id.isEmpty() || id.contains("/") ? Optional.empty() : catalog.find(id);
            if (video.isPresent()) {
                boolean dash = "dash".equals(req.getParameter("format"));
                send(res, HttpServletResponse.SC_OK, Pages.watch(video.get(), dash));
                return;
            }
            send(res, HttpServletResponse.SC_NOT_FOUND, Pages.notFound(id));
            return;
        }
        send(res, HttpServletResponse.SC_NOT_FOUND, Pages.notFound(path));
    }

    private static void send(HttpServletResponse res, int status, String html) throws IOException {
        res.setStatus(status);
        res.setContentType("text/html;charset=utf-8");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Content-Security-Policy", CSP);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }
}
