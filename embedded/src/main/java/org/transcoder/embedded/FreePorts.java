package org.transcoder.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Picks free loopback ports for the embedded services. A port is free only until something binds
 * it, and the kernel may offer a just-closed port again: services starting in parallel (Kafka's
 * broker and controller, S3, PostgreSQL) were once handed the same one. So no port is handed out
 * twice by this JVM.
 */
public final class FreePorts {

    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {}

    public static synchronized int next() {
        for (int tries = 0; tries < 100; tries++) {
            int port = probe();
            if (GIVEN.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no loopback port that was not handed out already");
    }

    /** Marks a port as taken (one reused from an earlier run), so it is not handed out again. */
    static synchronized void claim(int port) {
        GIVEN.add(port);
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
