package org.transcoder.local.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.Optional;

/**
 * What the origin adds in front of Jetty's file servlet: read-only methods, only the media files of
 * {@link MediaFile} (never a hidden file), CORS for players on other origins (a page on another
 * host, a player's demo page), and each kind's Cache-Control. Ranges, ETags and the mapping of a
 * path into the tree are the file servlet's.
 */
final class OriginFilter extends HttpFilter {

    private static final String METHODS = "GET, HEAD, OPTIONS";

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        res.setHeader("Access-Control-Allow-Origin", "*");
        res.setHeader("X-Content-Type-Options", "nosniff");
        switch (req.getMethod()) {
            case "OPTIONS" -> {
                // The preflight of a cross-origin Range request.
                res.setHeader("Access-Control-Allow-Methods", METHODS);
                res.setHeader("Access-Control-Allow-Headers", "Range");
                res.setHeader("Access-Control-Max-Age", "86400");
                res.setStatus(HttpServletResponse.SC_NO_CONTENT);
                return;
            }
            case "GET", "HEAD" -> {}
            default -> {
                res.setHeader("Allow", METHODS);
                res.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
                return;
            }
        }
        // Decoded and canonical already: Jetty resolved "." and ".." segments and refused
        // ambiguous encodings (%2e%2e, %2f) and paths above the root with 400.
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        Optional<MediaFile> kind = MediaFile.of(path);
        if (kind.isEmpty() || path.contains("/.")) {
            res.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        res.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag");
        res.setHeader("Cache-Control", kind.get().cacheControl);
        chain.doFilter(req, new ErrorsNotCached(res));
    }

    /**
     * Error statuses the file servlet sets itself (416) must not be cached for a year, and Jetty 11
     * leaves the file's Content-Length on its bodiless 416, so a client waits for bytes that never
     * come. (Errors sent with sendError go through Jetty's error handler, which sends no-store.)
     */
    private static final class ErrorsNotCached extends HttpServletResponseWrapper {
        ErrorsNotCached(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setStatus(int sc) {
            if (sc >= 400) {
                setHeader("Cache-Control", "no-store");
            }
            if (sc == HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE) {
                setContentLengthLong(0);
            }
            super.setStatus(sc);
        }
    }
}
