package org.transcoder.media.testing;

import io.lindstrom.m3u8.model.AlternativeRendition;
import io.lindstrom.m3u8.model.MasterPlaylist;
import io.lindstrom.m3u8.model.MediaType;
import io.lindstrom.m3u8.model.Variant;
import io.lindstrom.m3u8.parser.MasterPlaylistParser;
import io.lindstrom.m3u8.parser.ParsingMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One transcoded video's HLS output tree, read and measured like a player would: master playlist
 * parsed with a real HLS parser, each rendition glued (init + segments) into a temp file and probed
 * once. Knows only the output layout, nothing of the transcoder's internals. Close it to delete the
 * glued files.
 */
public final class HlsLadder implements AutoCloseable {

    /** One video rung: its master entry, the glued rendition and what ffprobe measured on it. */
    public record Rung(
            String name,
            Variant variant,
            Ffprobe.Rendition rendition,
            Ffprobe.VideoStream stream,
            List<Ffprobe.Packet> packets,
            int decodedFrames) {

        public Path dir() {
            return rendition.playlist().getParent();
        }

        /** Presentation duration of the rendition's video. */
        public double duration() {
            return Ffprobe.span(packets);
        }

        /** Smallest pts among the packets of each segment (NaN where a segment has none). */
        public List<Double> segmentStarts() {
            List<Double> starts = new ArrayList<>();
            for (int i = 0; i < rendition.segments().size(); i++) {
                starts.add(Double.NaN);
            }
            for (Ffprobe.Packet p : packets) {
                int s = rendition.segmentAt(p.pos());
                if (s >= 0 && (Double.isNaN(starts.get(s)) || p.ptsTime() < starts.get(s))) {
                    starts.set(s, p.ptsTime());
                }
            }
            return starts;
        }

        /** First packet (decode order) of each segment; null where a segment has none. */
        public List<Ffprobe.Packet> firstPackets() {
            List<Ffprobe.Packet> first = new ArrayList<>();
            for (int i = 0; i < rendition.segments().size(); i++) {
                first.add(null);
            }
            for (Ffprobe.Packet p : packets) {
                int s = rendition.segmentAt(p.pos());
                if (s >= 0 && first.get(s) == null) {
                    first.set(s, p);
                }
            }
            return first;
        }
    }

    /** The audio rendition: its EXT-X-MEDIA entry, glued file, stream and packets. */
    public record Audio(
            AlternativeRendition media,
            Ffprobe.Rendition rendition,
            Ffprobe.AudioStream stream,
            List<Ffprobe.Packet> packets) {

        public double duration() {
            return Ffprobe.span(packets);
        }
    }

    private final Path dir;
    private final Path masterFile;
    private final MasterPlaylist master;
    private final List<Rung> rungs;
    private final Optional<Audio> audio;
    private final Path tmp;

    private HlsLadder(
            Path dir,
            Path masterFile,
            MasterPlaylist master,
            List<Rung> rungs,
            Optional<Audio> audio,
            Path tmp) {
        this.dir = dir;
        this.masterFile = masterFile;
        this.master = master;
        this.rungs = rungs;
        this.audio = audio;
        this.tmp = tmp;
    }

    /** Reads and measures the tree under {@code outDir} (which holds master.m3u8). */
    public static HlsLadder read(Path outDir) {
        Path masterFile = outDir.resolve("master.m3u8");
        if (!Files.isRegularFile(masterFile)) {
            throw new AssertionError("No master playlist at " + masterFile);
        }
        MasterPlaylist master;
        try {
            master = new MasterPlaylistParser(ParsingMode.LENIENT).readPlaylist(masterFile);
        } catch (IOException e) {
            throw new AssertionError("master.m3u8 does not parse: " + e.getMessage(), e);
        }
        Path tmp;
        try {
            tmp = Files.createTempDirectory("hls-ladder-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Rung> rungs = new ArrayList<>();
        for (Variant v : master.variants()) {
            Path playlist = outDir.resolve(v.uri()).normalize();
            Path rel = outDir.relativize(playlist);
            String name = rel.getNameCount() > 1 ? rel.getName(0).toString() : rel.toString();
            if (!Files.isRegularFile(playlist)) {
                throw new AssertionError(
                        "Rung " + name + ": variant URI " + v.uri() + " does not exist");
            }
            Ffprobe.Rendition r =
                    Ffprobe.concatRendition(playlist, tmp.resolve(name + "-video.mp4"));
            Ffprobe.VideoStream stream =
                    Ffprobe.video(r.file())
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    "Rung " + name + " has no video stream"));
            rungs.add(
                    new Rung(
                            name,
                            v,
                            r,
                            stream,
                            Ffprobe.videoPackets(r.file()),
                            Ffprobe.decodedFrameCount(r.file())));
        }
        rungs.sort(
                Comparator.comparingInt(
                                (Rung r) -> Math.min(r.stream().width(), r.stream().height()))
                        .reversed());
        Optional<Audio> audio = Optional.empty();
        for (AlternativeRendition m : master.alternativeRenditions()) {
            if (m.type() == MediaType.AUDIO && m.uri().isPresent()) {
                Path playlist = outDir.resolve(m.uri().get()).normalize();
                if (!Files.isRegularFile(playlist)) {
                    throw new AssertionError(
                            "Audio rendition URI " + m.uri().get() + " does not exist");
                }
                Ffprobe.Rendition r = Ffprobe.concatRendition(playlist, tmp.resolve("audio.mp4"));
                Ffprobe.AudioStream s =
                        Ffprobe.audio(r.file())
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "Audio rendition has no audio stream"));
                audio = Optional.of(new Audio(m, r, s, Ffprobe.audioPackets(r.file())));
                break;
            }
        }
        return new HlsLadder(outDir, masterFile, master, List.copyOf(rungs), audio, tmp);
    }

    public Path dir() {
        return dir;
    }

    public Path masterFile() {
        return masterFile;
    }

    public MasterPlaylist master() {
        return master;
    }

    /** Video rungs, largest (by short side) first. */
    public List<Rung> rungs() {
        return rungs;
    }

    /** The largest rung. */
    public Rung top() {
        if (rungs.isEmpty()) {
            throw new AssertionError("The master playlist lists no variant");
        }
        return rungs.get(0);
    }

    public Optional<Rung> rung(String name) {
        return rungs.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public Optional<Audio> audio() {
        return audio;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(tmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
