package org.transcoder.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.metadata.RedisSettings;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real redis-server (the binary bundled by embedded-redis) as a child process on a loopback port,
 * stopped on close and by a shutdown hook if the JVM ends first. Without a directory it keeps
 * nothing; with one ({@link Persistence#KEEP}) it keeps an append-only file and a pid file there,
 * and a watchdog stops it if this JVM is killed.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final int port;
    private final Path dir;
    private final Thread shutdownHook;
    private RedisServer server;
    private Process watchdog;
    private volatile boolean closed;

    private EmbeddedRedis(int port, Path dir) {
        this.port = port;
        this.dir = dir;
        this.shutdownHook = new Thread(this::closeNow, "embedded-redis-shutdown");
    }

    /** A throwaway server on a free port, without persistence. */
    public static EmbeddedRedis start() {
        return start(null, FreePorts.next());
    }

    /**
     * A server on {@code port}; with a {@code dir}, its data survive a restart (AOF, fsync every
     * second) and a server left running there by a killed earlier run is stopped first.
     */
    public static EmbeddedRedis start(Path dir, int port) {
        if (dir != null) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
            ChildProcesses.stopLeftover(dir.resolve("redis.pid"), "redis", "TERM");
        }
        EmbeddedRedis redis = new EmbeddedRedis(port, dir);
        redis.restart();
        Runtime.getRuntime().addShutdownHook(redis.shutdownHook);
        return redis;
    }

    /**
     * Starts the server again after {@link #stop()} on the same port (with the same data where it
     * has a directory); a no-op while it runs.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("embedded Redis is closed");
        }
        if (server != null) {
            return;
        }
        // embedded-redis writes its binary to a temp file and runs it at once; if another thread
        // forks a process meanwhile (Kafka, PostgreSQL starting beside it), the child inherits the
        // open file and exec fails with ETXTBSY. That is transient: try again.
        IOException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                RedisServerBuilder b =
                        RedisServer.newRedisServer()
                                .port(port)
                                .bind("127.0.0.1")
                                .setting("daemonize no");
                if (dir == null) {
                    b.setting("save \"\"").setting("appendonly no");
                } else {
                    b.setting("dir \"" + dir.toAbsolutePath() + "\"")
                            .setting(
                                    "pidfile \"" + dir.toAbsolutePath().resolve("redis.pid") + "\"")
                            .setting("save \"\"")
                            .setting("appendonly yes")
                            .setting("appendfsync everysec");
                }
                RedisServer s = b.build();
                s.start();
                server = s;
                if (dir != null) {
                    awaitPid()
                            .flatMap(pid -> ChildProcesses.watchdog(pid, "TERM"))
                            .ifPresent(w -> watchdog = w);
                }
                LOG.info(
                        "Embedded Redis up on port {}{}",
                        port,
                        dir == null ? "" : " (" + dir + ")");
                return;
            } catch (IOException e) {
                last = e;
                LOG.warn("Embedded Redis did not start (attempt {}): {}", attempt, e.toString());
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new UncheckedIOException("cannot start embedded Redis", last);
    }

    /** Redis writes its pid file right after it starts listening: give it a moment. */
    private Optional<Long> awaitPid() {
        for (int i = 0; i < 50; i++) {
            Optional<Long> pid = serverPid();
            if (pid.isPresent()) {
                return pid;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    public int port() {
        return port;
    }

    public RedisSettings settings() {
        return new RedisSettings("redis://127.0.0.1:" + port);
    }

    public synchronized boolean isActive() {
        return server != null && server.isActive();
    }

    /** The server's pid where it keeps a pid file (a persistent server). */
    public Optional<Long> serverPid() {
        return dir == null ? Optional.empty() : ChildProcesses.readPid(dir.resolve("redis.pid"));
    }

    /** Stops the server (SIGTERM: it writes its AOF and exits); {@link #restart()} restarts it. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            LOG.warn("embedded Redis did not stop cleanly", e);
        } finally {
            server = null;
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
        stop();
        closed = true;
    }

    @Override
    public void close() {
        closeNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down
        }
    }
}
