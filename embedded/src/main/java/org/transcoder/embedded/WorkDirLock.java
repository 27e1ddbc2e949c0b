package org.transcoder.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock on {@code workDir/services.lock}, held while a kept work directory's services
 * run. It is what makes the clean-up of leftovers safe: whoever holds it knows that a server still
 * running on that directory belongs to a dead run, not to a live one. The OS drops the lock with a
 * killed process, so a SIGKILL never leaves the directory locked.
 */
final class WorkDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static WorkDirLock acquire(Path workDir) {
        Path file = workDir.resolve("services.lock");
        try {
            Files.createDirectories(workDir);
            FileChannel ch =
                    FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
                ch.close();
                throw new IllegalStateException(
                        "Another run (pid "
                                + holder.trim()
                                + ") is using "
                                + workDir
                                + ": stop it or choose another work directory");
            }
            ch.truncate(0);
            ch.write(
                    java.nio.ByteBuffer.wrap(
                            Long.toString(ProcessHandle.current().pid())
                                    .getBytes(StandardCharsets.US_ASCII)));
            return new WorkDirLock(ch, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS drops the lock with the process anyway
        }
    }
}
