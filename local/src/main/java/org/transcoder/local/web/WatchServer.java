package org.transcoder.local.web;

import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.servlet.DefaultServlet;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.resource.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's stand-in for a CDN and a video site: an HTTP origin serving the published output
 * tree read-only under {@code /videos/} (media types, byte ranges, CORS, cache headers, nothing
 * outside the tree), the list of videos at {@code /} and a player page per video at {@code
 * /watch/{id}}.
 *
 * <p>Jetty 11, the one s3proxy already runs on: its file servlet does ranges (206, 416, multipart),
 * ETags and conditional requests, and its URI handling canonicalizes paths and refuses ambiguous
 * encodings, which is the part of a file server most easily got wrong.
 */
public final class WatchServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchServer.class);

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;

    private final Server server;
    private final URI url;

    private WatchServer(Server server, URI url) {
        this.server = server;
        this.url = url;
    }

    /**
     * Serves {@code videosDir} (the tree holding {@code {id}/master.m3u8}, which need not exist
     * yet) and the pages over {@code catalog} on {@code host:port}, or on a free port if that one
     * is taken ({@code port} 0: a free port).
     *
     * @param requestLog sees every request (tests use it to see which segments a player fetched)
     */
    public static WatchServer start(
            String host, int port, Path videosDir, VideoCatalog catalog, RequestLog requestLog)
            throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        try {
            connector.open();
        } catch (IOException e) {
            if (port == 0) {
                throw e;
            }
            LOG.info(
                    "Port {} is taken ({}); the watch page takes a free one", port, e.getMessage());
            connector.setPort(0);
            connector.open();
        }
        server.addConnector(connector);
        server.setHandler(new ContextHandlerCollection(origin(videosDir), pages(catalog)));
        server.setErrorHandler(quietErrors());
        if (requestLog != null) {
            server.setRequestLog(requestLog);
        }
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        String shownHost = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        return new WatchServer(
                server, URI.create("http://" + shownHost + ":" + connector.getLocalPort() + "/"));
    }

    /** {@code /videos/...}: the files of the tree, through {@link OriginFilter}. */
    private static ServletContextHandler origin(Path videosDir) throws IOException {
        ServletContextHandler origin = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        origin.setContextPath("/videos");
        // The real path, so a work directory reached through a symbolic link is no alias; then
        // no alias is allowed at all: a symbolic link in the tree (s3proxy writes none) is 404,
        // wherever it points.
        Path parent = videosDir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path base = parent.toRealPath().resolve(videosDir.getFileName());
        origin.setBaseResource(Resource.newResource(base));
        origin.clearAliasChecks();
        MediaFile.register(origin.getMimeTypes());
        origin.addFilter(
                new FilterHolder(new OriginFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder files = new ServletHolder("files", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        files.setInitParameter("acceptRanges", "true");
        files.setInitParameter("welcomeServlets", "false");
        files.setInitParameter("redirectWelcome", "false");
        files.setInitParameter("etags", "true");
        // Files change under it (a re-upload rewrites the master): read them from disk each time.
        files.setInitParameter("maxCacheSize", "0");
        files.setInitParameter("useFileMappedBuffer", "false");
        origin.addServlet(files, "/");
        origin.setErrorHandler(quietErrors());
        return origin;
    }

    private static ServletContextHandler pages(VideoCatalog catalog) {
        ServletContextHandler pages = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        pages.setContextPath("/");
        pages.addServlet(new ServletHolder("pages", new PagesServlet(catalog)), "/");
        pages.addServlet(new ServletHolder("static", new StaticAssets()), "/static/*");
        pages.setErrorHandler(quietErrors());
        return pages;
    }

    /** Error pages without stack traces or servlet names. */
    private static ErrorHandler quietErrors() {
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowServlet(false);
        errors.setShowMessageInTitle(false);
        return errors;
    }

    /** {@code http://host:port/}, the list page. */
    public URI url() {
        return url;
    }

    /** The watch page of a video. */
    public URI watchUrl(String videoId) {
        return url.resolve(Pages.watchUrl(videoId));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
