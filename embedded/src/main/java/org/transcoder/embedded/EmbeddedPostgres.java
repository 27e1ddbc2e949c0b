package org.transcoder.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.metadata.JdbcSettings;

/**
 * A real PostgreSQL server (zonky's bundled binaries) as a child process on a loopback port,
 * stopped on close and, if the JVM ends first, by a shutdown hook; if the JVM is killed, a watchdog
 * stops it (see {@link ChildProcesses}).
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private final Path dataDir;
    private final int port;
    private final Persistence persistence;
    private final Thread shutdownHook;
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg;
    private Process watchdog;
    private volatile boolean closed;

    private EmbeddedPostgres(Path dataDir, int port, Persistence persistence) {
        this.dataDir = dataDir;
        this.port = port;
        this.persistence = persistence;
        this.shutdownHook = new Thread(this::closeNow, "embedded-postgres-shutdown");
    }

    /** Starts a fresh cluster with its data directory under {@code workDir} (deleted on close). */
    public static EmbeddedPostgres start(Path workDir) {
        try {
            Path dataDir = Files.createTempDirectory(Files.createDirectories(workDir), "postgres-");
            return start(dataDir, Persistence.EPHEMERAL, FreePorts.next());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /**
     * Starts PostgreSQL on {@code dataDir}: an existing cluster there is reused with its data
     * (zonky runs initdb only where there is no postgresql.conf), a new one is created otherwise. A
     * postmaster left running on that directory by a killed earlier run is stopped first.
     */
    public static EmbeddedPostgres start(Path dataDir, Persistence persistence, int port) {
        ChildProcesses.stopLeftover(dataDir.resolve("postmaster.pid"), "postgres", "INT");
        EmbeddedPostgres pg = new EmbeddedPostgres(dataDir, port, persistence);
        pg.restart();
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        return pg;
    }

    /**
     * Starts the server again after {@link #stop()}, on the same port with the same data (for tests
     * of an outage); a no-op while it runs.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("embedded PostgreSQL is closed");
        }
        if (pg != null) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            pg =
                    io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                            .setDataDirectory(dataDir)
                            // We delete an ephemeral directory ourselves on close: a stop for an
                            // outage test must keep it.
                            .setCleanDataDirectory(false)
                            // Our hook, not zonky's: one owner decides when the server stops.
                            .setRegisterShutdownHook(false)
                            .setPort(port)
                            .setServerConfig("listen_addresses", "127.0.0.1")
                            // Safe against a killed JVM (the OS still writes the pages); only an
                            // OS crash could lose a kept work directory's last transactions.
                            .setServerConfig("fsync", "off")
                            .setServerConfig("synchronous_commit", "off")
                            .setServerConfig("full_page_writes", "off")
                            .start();
            ChildProcesses.readPid(dataDir.resolve("postmaster.pid"))
                    .flatMap(pid -> ChildProcesses.watchdog(pid, "QUIT"))
                    .ifPresent(w -> watchdog = w);
            LOG.info("Embedded PostgreSQL up on port {} ({})", port, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + dataDir, e);
        }
    }

    public int port() {
        return port;
    }

    /** The {@code postgres} database as the {@code postgres} superuser. */
    public JdbcSettings settings() {
        return new JdbcSettings(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
    }

    /** The process zonky started ({@code pg_ctl}, which has handed over to the postmaster). */
    public synchronized Process process() {
        return pg == null ? null : pg.getProcess();
    }

    /** The postmaster's pid while it runs (for checks that nothing is left behind). */
    public Optional<Long> serverPid() {
        return ChildProcesses.readPid(dataDir.resolve("postmaster.pid"));
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the server (fast shutdown) and keeps its data; {@link #restart()} brings it back. */
    public synchronized void stop() {
        if (pg == null) {
            return;
        }
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly", e);
            serverPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        } finally {
            pg = null;
            if (watchdog != null) {
                watchdog.destroy();
                watchdog = null;
            }
        }
    }

    private synchronized void closeNow() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (persistence == Persistence.EPHEMERAL) {
                Dirs.deleteQuietly(dataDir);
            }
        }
    }

    @Override
    public void close() {
        closeNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down; the hook runs (and finds us closed)
        }
    }
}
