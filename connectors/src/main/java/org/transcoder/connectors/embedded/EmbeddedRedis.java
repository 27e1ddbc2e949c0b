package org.transcoder.connectors.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transcoder.connectors.metadata.RedisSettings;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the binary bundled by embedded-redis) as a child process on a free loopback
 * port, without persistence, stopped on close and by a shutdown hook if the JVM ends first.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final RedisServer server;
    private final int port;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
        this.shutdownHook = new Thread(this::stop, "embedded-redis-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static EmbeddedRedis start() {
        // embedded-redis writes its binary to a temp file and runs it at once; if another thread
        // forks a process meanwhile (Kafka, PostgreSQL starting beside it), the child inherits the
        // open file and exec fails with ETXTBSY. That is transient: try again.
        IOException last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            int port = FreePorts.next();
            try {
                RedisServer server =
                        RedisServer.newRedisServer()
                                .port(port)
                                .bind("127.0.0.1")
                                .setting("save \"\"")
                                .setting("appendonly no")
                                .setting("daemonize no")
                                .build();
                server.start();
                LOG.info("Embedded Redis up on port {}", port);
                return new EmbeddedRedis(server, port);
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

    public int port() {
        return port;
    }

    public RedisSettings settings() {
        return new RedisSettings("redis://127.0.0.1:" + port);
    }

    public boolean isActive() {
        return server.isActive();
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
        } catch (IOException e) {
            LOG.warn("embedded Redis did not stop cleanly", e);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down
        }
    }
}
