package org.transcoder.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transcoder.media.OutputLayout;

/**
 * Time to first play: from the upload event (job) or the process start (CLI, media) until a player
 * could start the video from storage. That is when the master playlist is readable, every media
 * playlist it names (each rung's, and the audio's when the master lists one) is readable, and each
 * of them lists at least one segment whose file exists and is not empty (and its {@code #EXT-X-MAP}
 * init segment, where it names one, exists and is not empty too).
 *
 * <p>It only reads the output directory, so it does not care how the playlists got there: written
 * once at the end (VOD, the master as the publish point), or early and growing (EVENT playlists
 * published with the first segments). A {@link Watcher} looks every {@link #PERIOD_MILLIS} ms from
 * a thread of its own while the run goes, and once more when it is closed, so the time is accurate
 * to one period (it is the time of the look that found the video playable: an upper bound).
 */
final class FirstPlay {

    /** How often a watcher looks at the output directories. */
    static final long PERIOD_MILLIS = 100;

    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

    private FirstPlay() {}

    /**
     * What still keeps a player from starting the video in {@code videoDir} (the directory holding
     * its master playlist), empty once it could start.
     */
    static Optional<String> missing(Path videoDir) {
        Path master = videoDir.resolve(OutputLayout.MASTER);
        Optional<List<String>> masterLines = readLines(master);
        if (masterLines.isEmpty()) {
            return Optional.of("no master playlist");
        }
        List<String> playlists = mediaPlaylists(masterLines.get());
        if (playlists.isEmpty()) {
            return Optional.of("the master playlist names no media playlist yet");
        }
        for (String uri : playlists) {
            Optional<Path> playlist = resolve(master, uri);
            if (playlist.isEmpty()) {
                return Optional.of("media playlist " + uri + " is not a local file");
            }
            Optional<List<String>> lines = readLines(playlist.get());
            if (lines.isEmpty()) {
                return Optional.of("no media playlist " + uri);
            }
            Optional<String> problem = unplayable(playlist.get(), lines.get());
            if (problem.isPresent()) {
                return Optional.of(uri + ": " + problem.get());
            }
        }
        return Optional.empty();
    }

    static boolean playable(Path videoDir) {
        return missing(videoDir).isEmpty();
    }

    /**
     * The media playlists a master names: the URI on the line after each {@code #EXT-X-STREAM-INF}
     * and the {@code URI} of each {@code #EXT-X-MEDIA} (the audio). I-frame playlists are not
     * needed to start playing and are not counted.
     */
    static List<String> mediaPlaylists(List<String> master) {
        List<String> out = new ArrayList<>();
        boolean variantNext = false;
        for (String raw : master) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#EXT-X-STREAM-INF")) {
                variantNext = true;
            } else if (line.startsWith("#EXT-X-MEDIA:") || line.equals("#EXT-X-MEDIA")) {
                Matcher m = URI_ATTRIBUTE.matcher(line);
                if (m.find() && !out.contains(m.group(1))) {
                    out.add(m.group(1));
                }
            } else if (!line.startsWith("#") && variantNext) {
                if (!out.contains(line)) {
                    out.add(line);
                }
                variantNext = false;
            }
        }
        return out;
    }

    /** Empty when the media playlist lists a segment that is there (and its init, if any). */
    private static Optional<String> unplayable(Path playlist, List<String> lines) {
        boolean listed = false;
        String missingInit = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#EXT-X-MAP")) {
                Matcher m = URI_ATTRIBUTE.matcher(line);
                if (m.find() && missingInit == null && !present(playlist, m.group(1))) {
                    missingInit = m.group(1);
                }
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                listed = true;
                if (present(playlist, line)) {
                    return missingInit == null
                            ? Optional.empty()
                            : Optional.of("init segment " + missingInit + " missing or empty");
                }
            }
        }
        return Optional.of(
                listed ? "no listed segment exists with bytes in it" : "no segment listed yet");
    }

    /** The file a URI of a playlist names exists and is not empty. */
    private static boolean present(Path playlist, String uri) {
        Optional<Path> p = resolve(playlist, uri);
        try {
            return p.isPresent() && Files.isRegularFile(p.get()) && Files.size(p.get()) > 0;
        } catch (IOException e) {
            return false; // deleted between the two looks
        }
    }

    /**
     * A URI of a playlist as a local path: relative to the playlist's directory, or a file: URI;
     * empty for anything else (http://...).
     */
    static Optional<Path> resolve(Path playlist, String uri) {
        String u = uri.strip();
        int cut = indexOfAny(u, '?', '#');
        if (cut >= 0) {
            u = u.substring(0, cut);
        }
        if (u.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (u.startsWith("file:")) {
                return Optional.of(Path.of(URI.create(u)));
            }
            if (u.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
                return Optional.empty();
            }
            return Optional.of(playlist.toAbsolutePath().getParent().resolve(u).normalize());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    /**
     * A playlist's lines, empty when it is not (yet) readable: missing, empty, or not ending with a
     * line break (caught while being written in place; every writer ends its last line).
     */
    private static Optional<List<String>> readLines(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.isEmpty() || !text.endsWith("\n")) {
                return Optional.empty();
            }
            return Optional.of(text.lines().toList());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // being replaced right now, or not text yet
        }
    }

    /**
     * Polls {@code videoDir} every {@code periodMillis} until the video could play: seconds from
     * {@code originNanos} (a {@link System#nanoTime()}) to the look that found it so, empty when it
     * did not within {@code timeout}.
     */
    static Optional<Double> poll(
            Path videoDir, long originNanos, long periodMillis, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (playable(videoDir)) {
                return Optional.of((System.nanoTime() - originNanos) / 1e9);
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(periodMillis);
        }
    }

    /**
     * Watches the output directories of one or more videos from a thread of its own while a run
     * goes: {@link #add} a video when its upload event is sent (or its process started), read its
     * time after {@link #close} (which looks once more at every video not yet playable).
     */
    static final class Watcher implements AutoCloseable {

        private static final class Watch {
            final Path dir;
            final long originNanos;
            volatile long playableNanos = -1;
            volatile String missing = "not looked at";
            volatile boolean finished;

            Watch(Path dir, long originNanos) {
                this.dir = dir;
                this.originNanos = originNanos;
            }

            /** True once playable (then it is never looked at again, nor once finished). */
            synchronized boolean look() {
                if (playableNanos >= 0 || finished) {
                    return playableNanos >= 0;
                }
                Optional<String> m = FirstPlay.missing(dir);
                if (m.isEmpty()) {
                    playableNanos = System.nanoTime();
                    missing = null;
                    return true;
                }
                missing = m.get();
                return false;
            }
        }

        private final Map<String, Watch> watches = new LinkedHashMap<>();
        private final long periodMillis;
        private final Thread thread;
        private volatile boolean stop;

        private Watcher(long periodMillis) {
            this.periodMillis = periodMillis;
            this.thread = new Thread(this::loop, "first-play-watcher");
            thread.setDaemon(true);
        }

        /** A watcher looking every {@code periodMillis}, with no video yet. */
        static Watcher start(long periodMillis) {
            Watcher w = new Watcher(periodMillis);
            w.thread.start();
            return w;
        }

        /** A watcher of one video whose clock starts now. */
        static Watcher watch(String key, Path videoDir) {
            Watcher w = start(PERIOD_MILLIS);
            w.add(key, videoDir, System.nanoTime());
            return w;
        }

        /** Starts watching a video; its clock started at {@code originNanos}. */
        synchronized Watcher add(String key, Path videoDir, long originNanos) {
            watches.put(key, new Watch(videoDir, originNanos));
            return this;
        }

        private void loop() {
            while (!stop) {
                lookAll();
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void lookAll() {
            List<Watch> open;
            synchronized (this) {
                open =
                        watches.values().stream()
                                .filter(w -> w.playableNanos < 0 && !w.finished)
                                .toList();
            }
            for (Watch w : open) {
                w.look();
            }
        }

        /**
         * Milliseconds from the video's origin to first play; -1 while (or if) it never was
         * playable; empty for a video never added.
         */
        synchronized Optional<Long> millis(String key) {
            Watch w = watches.get(key);
            if (w == null) {
                return Optional.empty();
            }
            long at = w.playableNanos;
            return Optional.of(at < 0 ? -1L : (at - w.originNanos) / 1_000_000);
        }

        /**
         * The video's run has ended (its READY record, its process exit): looks at it once more
         * now, stops looking at it, and gives {@link #millis}.
         */
        Optional<Long> finish(String key) {
            Watch w;
            synchronized (this) {
                w = watches.get(key);
            }
            if (w != null) {
                synchronized (w) {
                    w.look();
                    w.finished = true;
                }
            }
            return millis(key);
        }

        /** Seconds from the video's origin to first play, empty while (or if) it never was. */
        Optional<Double> seconds(String key) {
            return millis(key).filter(ms -> ms >= 0).map(ms -> ms / 1000.0);
        }

        /** What kept the video from playing at the last look (null once playable). */
        synchronized String missing(String key) {
            Watch w = watches.get(key);
            return w == null ? "not watched" : w.missing;
        }

        /**
         * Stops the thread and looks once more at every video not yet playable (once: closing again
         * does nothing).
         */
        @Override
        public void close() {
            if (stop) {
                return;
            }
            stop = true;
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lookAll();
        }
    }
}
