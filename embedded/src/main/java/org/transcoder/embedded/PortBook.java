package org.transcoder.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The ports a kept work directory's services used last time ({@code ports.properties}), so that a
 * restarted local mode answers where the user's tools (psql, a Kafka console consumer, a player
 * pointed at S3) were connected before. A port taken meanwhile by something else is replaced by a
 * free one; nothing depends on the old ports (the job is started with whatever addresses are
 * current, and its checkpoints hold offsets, not addresses).
 */
final class PortBook {

    private final Path file;
    private final Properties ports = new Properties();

    private PortBook(Path file) {
        this.file = file;
    }

    /** A book kept in {@code file}, or (null) one that always answers a fresh free port. */
    static synchronized PortBook open(Path file) {
        PortBook book = new PortBook(file);
        if (file != null && Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                book.ports.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return book;
    }

    /** The port recorded for {@code service} if it is still free, else a new free one. */
    synchronized int port(String service) {
        String recorded = ports.getProperty(service);
        if (recorded != null && isFree(Integer.parseInt(recorded))) {
            FreePorts.claim(Integer.parseInt(recorded));
            return Integer.parseInt(recorded);
        }
        int port = FreePorts.next();
        ports.setProperty(service, Integer.toString(port));
        save();
        return port;
    }

    private void save() {
        if (file == null) {
            return;
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ports.store(out, "ports of the embedded services, reused on the next start");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
