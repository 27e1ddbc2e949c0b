package org.transcoder.media.probe;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One video track's packet times as an MP4/MOV file's sample tables declare them (stts, ctts, stss
 * and the edit list in moov), read without its media data: what ffprobe's packet listing of such a
 * file says, for the cost of reading the moov box instead of every sample (ten minutes of 1080p:
 * 0.7 MB instead of 285 MB).
 *
 * <p>Only the plain layout is read: no fragments, one sample description, no sample groups or other
 * tables FFmpeg's demuxer would act on, at most one empty edit and one edit of rate 1 that covers
 * every sample, and every sample inside the file (a cut-off upload is listed by ffprobe, which
 * stops where the data ends). Anything else is {@link Optional#empty()}, and so is any box that
 * does not fit in its parent: the file is untrusted, and the probe then lists the packets with
 * ffprobe as before. The probe also lists the first packets with ffprobe and uses this table only
 * where those agree with it exactly ({@link MediaProbe}): the edit list's shift and the table's
 * reading are checked on the file itself.
 */
final class Mp4SampleTable {

    /** A moov past this is no upload's: not read here (ffprobe lists it, under its limits). */
    private static final int MAX_MOOV_BYTES = 64 << 20;

    /** The sample table boxes that leave the packets' times and flags as stts/ctts/stss say. */
    private static final Set<String> PLAIN_TABLES =
            Set.of("stsd", "stts", "ctts", "stss", "stsc", "stsz", "stco", "co64", "sdtp");

    /**
     * More boxes than this at the top of the file or inside one box are no upload's (a real one has
     * a handful): not read, so that millions of empty boxes cost neither time nor memory.
     */
    private static final int MAX_BOXES = 4096;

    /** ffprobe reads a larger composition offset as a broken table (mov.c, "Invalid CTS"). */
    private static final long MAX_COMPOSITION_OFFSET = 1L << 28;

    private Mp4SampleTable() {}

    /**
     * The samples of the file's {@code trackIndex}-th track (ffprobe's stream index); none past
     * {@code maxSamples} (the listing then stops at the limit and says so).
     */
    static Optional<Packets> read(Path file, int trackIndex, long maxSamples) {
        try (FileChannel channel = FileChannel.open(file)) {
            long fileSize = channel.size();
            ByteBuffer moov = moov(channel, fileSize);
            if (moov == null) {
                return Optional.empty();
            }
            return track(moov, trackIndex, fileSize, maxSamples);
        } catch (IOException | RuntimeException e) {
            // Unreadable or inconsistent (an index out of its box, a count that overflows):
            // ffprobe lists the packets and says what is wrong.
            return Optional.empty();
        }
    }

    /** The one moov box, read whole; null for a fragmented file or none. */
    private static ByteBuffer moov(FileChannel channel, long fileSize) throws IOException {
        ByteBuffer moov = null;
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(16);
        for (int boxes = 0; pos + 8 <= fileSize; boxes++) {
            if (boxes == MAX_BOXES) {
                return null;
            }
            header.clear();
            channel.read(header, pos);
            header.flip();
            if (header.remaining() < 8) {
                return null;
            }
            long size = Integer.toUnsignedLong(header.getInt(0));
            String type = type(header, 4);
            int headerSize = 8;
            if (size == 1) {
                if (header.remaining() < 16) {
                    return null;
                }
                size = header.getLong(8);
                headerSize = 16;
            } else if (size == 0) {
                size = fileSize - pos;
            }
            if (size < headerSize || size > fileSize - pos) {
                return null;
            }
            if (type.equals("moof") || (type.equals("moov") && moov != null)) {
                return null;
            }
            if (type.equals("moov")) {
                if (size > MAX_MOOV_BYTES) {
                    return null;
                }
                moov = ByteBuffer.allocate((int) (size - headerSize));
                while (moov.hasRemaining()) {
                    if (channel.read(moov, pos + headerSize + moov.position()) < 0) {
                        return null;
                    }
                }
                moov.flip();
            }
            pos += size;
        }
        return moov;
    }

    private static Optional<Packets> track(
            ByteBuffer moov, int trackIndex, long fileSize, long maxSamples) {
        List<Box> moovBoxes = children(moov);
        if (child(moovBoxes, "mvex") != null) {
            return Optional.empty(); // fragmented: moof boxes hold the samples
        }
        long movieTimescale = timescale(required(moovBoxes, "mvhd"));
        List<ByteBuffer> tracks = all(moovBoxes, "trak");
        if (trackIndex < 0 || trackIndex >= tracks.size()) {
            return Optional.empty();
        }
        List<Box> trak = children(tracks.get(trackIndex));
        List<Box> mdia = children(required(trak, "mdia"));
        ByteBuffer hdlr = required(mdia, "hdlr");
        if (!type(hdlr, 8).equals("vide")) {
            return Optional.empty();
        }
        long timescale = timescale(required(mdia, "mdhd"));
        List<Box> minf = children(required(mdia, "minf"));
        List<Box> stbl = children(required(minf, "stbl"));
        for (Box box : stbl) {
            if (!PLAIN_TABLES.contains(box.type())) {
                return Optional.empty();
            }
        }
        if (timescale <= 0 || movieTimescale <= 0 || fullBoxCount(required(stbl, "stsd")) != 1) {
            return Optional.empty();
        }
        long[] sizes = sampleSizes(required(stbl, "stsz"), maxSamples);
        int n = sizes.length;
        long[] dts = decodeTimes(required(stbl, "stts"), n);
        long[] offsets = compositionOffsets(child(stbl, "ctts"), n);
        boolean[] keys = keyframes(child(stbl, "stss"), n);
        if (n == 0
                || dts == null
                || offsets == null
                || keys == null
                || !insideFile(stbl, sizes, fileSize)) {
            return Optional.empty();
        }
        Edit edit = edit(child(trak, "edts"), timescale, movieTimescale);
        if (edit == null) {
            return Optional.empty();
        }
        double tick = 1.0 / timescale; // av_q2d of the stream's time base, as ffprobe prints
        double[] times = new double[n];
        double[] durations = new double[n];
        long delta = -1;
        for (int i = 0; i < n; i++) {
            long cts = dts[i] + offsets[i];
            if (edit.duration >= 0 && cts >= edit.mediaTime + edit.duration) {
                return Optional.empty(); // past the edit: FFmpeg drops such samples
            }
            times[i] = printed((cts - edit.mediaTime + edit.emptyTicks) * tick);
            if (dts[i + 1] - dts[i] != delta) { // most samples last as long as the one before
                delta = dts[i + 1] - dts[i];
                durations[i] = printed(delta * tick);
            } else {
                durations[i] = durations[i - 1];
            }
        }
        return Optional.of(new Packets(times, durations, keys));
    }

    /**
     * The edit list's effect: the media time presented first and how long the edit lasts (in the
     * track's ticks; -1 without an edit list), and an empty edit before it (ticks).
     */
    private record Edit(long mediaTime, long duration, long emptyTicks) {}

    private static Edit edit(ByteBuffer edts, long timescale, long movieTimescale) {
        if (edts == null) {
            return new Edit(0, -1, 0);
        }
        List<Box> boxes = children(edts);
        ByteBuffer elst = child(boxes, "elst");
        if (elst == null || boxes.size() != 1) {
            return null;
        }
        int version = elst.get(0);
        int count = elst.getInt(4);
        int at = 8;
        long empty = 0;
        for (int i = 0; i < count; i++) {
            long segment =
                    version == 1 ? elst.getLong(at) : Integer.toUnsignedLong(elst.getInt(at));
            long mediaTime = version == 1 ? elst.getLong(at + 8) : elst.getInt(at + 4);
            int rate = elst.getInt(at + (version == 1 ? 16 : 8));
            at += version == 1 ? 20 : 12;
            if (mediaTime == -1 && i == 0 && count == 2) {
                empty = rescale(segment, timescale, movieTimescale);
                continue;
            }
            if (i != count - 1 || mediaTime < 0 || rate != 0x10000 || segment <= 0) {
                return null; // several edits, a speed change, or a zero-length edit
            }
            return new Edit(mediaTime, rescale(segment, timescale, movieTimescale), empty);
        }
        return count == 0 ? new Edit(0, -1, 0) : null;
    }

    /** FFmpeg's av_rescale: a * b / c rounded to the nearest, halves away from zero. */
    private static long rescale(long a, long b, long c) {
        try {
            long product = Math.multiplyExact(a, b);
            long q = product / c;
            long r = product % c;
            return 2 * Math.abs(r) >= c ? q + Long.signum(product) : q;
        } catch (ArithmeticException overflow) {
            return BigDecimal.valueOf(a)
                    .multiply(BigDecimal.valueOf(b))
                    .divide(BigDecimal.valueOf(c), 0, RoundingMode.HALF_UP)
                    .longValueExact();
        }
    }

    /**
     * A full box's table: its entry count (after version and flags) and then that many entries of
     * {@code width} 32-bit fields each, read at once; throws when the count claims more than the
     * box holds (so a hostile count allocates nothing).
     */
    private static int[] table(ByteBuffer box, int width) {
        return ints(box, 8, Integer.toUnsignedLong(box.getInt(4)) * width);
    }

    private static int[] ints(ByteBuffer box, int from, long count) {
        if (count > (box.limit() - from) / 4) {
            throw new IllegalArgumentException("MP4 table longer than its box");
        }
        int[] out = new int[(int) count];
        box.slice(from, out.length * 4).asIntBuffer().get(out);
        return out;
    }

    /** Sample sizes; none when there are more than {@code max} (nothing is allocated for them). */
    private static long[] sampleSizes(ByteBuffer stsz, long max) {
        long uniform = Integer.toUnsignedLong(stsz.getInt(4));
        long count = Integer.toUnsignedLong(stsz.getInt(8));
        if (count > max) {
            return new long[0];
        }
        long[] sizes = new long[(int) count];
        if (uniform != 0) {
            Arrays.fill(sizes, uniform);
            return sizes;
        }
        int[] table = ints(stsz, 12, count);
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Integer.toUnsignedLong(table[i]);
            if (sizes[i] == 0) {
                return new long[0];
            }
        }
        return sizes;
    }

    /**
     * Decode times from stts, and the end of the last sample at {@code [n]}; null when its counts
     * do not add up to {@code n} or a delta is not positive.
     */
    private static long[] decodeTimes(ByteBuffer stts, int n) {
        long[] dts = new long[n + 1];
        int[] entries = table(stts, 2);
        int i = 0;
        long t = 0;
        for (int e = 0; e < entries.length; e += 2) {
            long count = Integer.toUnsignedLong(entries[e]);
            int delta = entries[e + 1];
            if (delta <= 0 || count > n - i) {
                return null;
            }
            for (long k = 0; k < count; k++) {
                dts[i++] = t;
                t += delta;
            }
        }
        dts[n] = t;
        return i == n ? dts : null;
    }

    /** Composition offsets from ctts (zeros without one); null when they do not fit. */
    private static long[] compositionOffsets(ByteBuffer ctts, int n) {
        long[] offsets = new long[n];
        if (ctts == null) {
            return offsets;
        }
        int[] entries = table(ctts, 2);
        int i = 0;
        for (int e = 0; e < entries.length; e += 2) {
            long count = Integer.toUnsignedLong(entries[e]);
            long offset = entries[e + 1]; // signed, whatever the version says
            if (Math.abs(offset) >= MAX_COMPOSITION_OFFSET || count > n - i) {
                return null;
            }
            Arrays.fill(offsets, i, i + (int) count, offset);
            i += (int) count;
        }
        return i == n ? offsets : null;
    }

    /** Sync samples from stss (all without one); null for an empty stss (FFmpeg parses then). */
    private static boolean[] keyframes(ByteBuffer stss, int n) {
        boolean[] keys = new boolean[n];
        if (stss == null) {
            Arrays.fill(keys, true);
            return keys;
        }
        int[] samples = table(stss, 1);
        if (samples.length == 0) {
            return null;
        }
        for (int sample : samples) {
            if (sample < 1 || sample > n) {
                return null;
            }
            keys[sample - 1] = true;
        }
        return keys;
    }

    /** Whether every sample's bytes (stsc, stco/co64, stsz) lie inside the file. */
    private static boolean insideFile(List<Box> stbl, long[] sizes, long fileSize) {
        ByteBuffer stco = child(stbl, "stco");
        ByteBuffer co64 = child(stbl, "co64");
        if ((stco == null) == (co64 == null)) {
            return false;
        }
        // Chunk offsets: 32-bit, or 64-bit as two fields each.
        int[] offsets = stco != null ? table(stco, 1) : table(co64, 2);
        int chunks = stco != null ? offsets.length : offsets.length / 2;
        int[] runs = table(required(stbl, "stsc"), 3);
        if (chunks == 0 || runs.length == 0) {
            return false;
        }
        int sample = 0;
        for (int r = 0; r < runs.length; r += 3) {
            long first = Integer.toUnsignedLong(runs[r]);
            long perChunk = Integer.toUnsignedLong(runs[r + 1]);
            long last = r + 3 < runs.length ? Integer.toUnsignedLong(runs[r + 3]) - 1 : chunks;
            if (first < 1 || last < first - 1 || last > chunks || perChunk == 0) {
                return false;
            }
            for (int c = (int) first - 1; c < last; c++) {
                long at =
                        stco != null
                                ? Integer.toUnsignedLong(offsets[c])
                                : ((long) offsets[2 * c] << 32)
                                        | Integer.toUnsignedLong(offsets[2 * c + 1]);
                if (at < 0 || perChunk > sizes.length - sample) {
                    return false;
                }
                for (long k = 0; k < perChunk; k++) {
                    at += sizes[sample++];
                }
                if (at > fileSize) {
                    return false;
                }
            }
        }
        return sample == sizes.length;
    }

    /**
     * The time as ffprobe prints it ({@code %f}: rounded to six decimals from the double's exact
     * value) and read back: the very double {@link MediaProbe#decimal} reads from its listing.
     */
    static double printed(double seconds) {
        double magnitude = Math.abs(seconds);
        double scaled = magnitude * 1e6;
        long units = Math.round(scaled);
        if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-3) {
            // Near a half unit the product's rounding may decide it: round the exact value.
            units =
                    new BigDecimal(magnitude)
                            .setScale(6, RoundingMode.HALF_EVEN)
                            .unscaledValue()
                            .longValueExact();
        }
        double value = units / 1e6;
        return seconds < 0 ? -value : value;
    }

    private static long timescale(ByteBuffer fullBox) {
        int version = fullBox.get(0);
        return Integer.toUnsignedLong(fullBox.getInt(version == 1 ? 20 : 12));
    }

    private static int fullBoxCount(ByteBuffer box) {
        return box.getInt(4);
    }

    /** A box: its type and its payload (what follows the header). */
    private record Box(String type, ByteBuffer data) {}

    /** A container's children; a child that overflows its parent throws. */
    private static List<Box> children(ByteBuffer box) {
        List<Box> out = new ArrayList<>();
        int pos = 0;
        int end = box.limit();
        while (pos + 8 <= end) {
            if (out.size() == MAX_BOXES) {
                throw new IllegalArgumentException("Too many MP4 boxes");
            }
            long size = Integer.toUnsignedLong(box.getInt(pos));
            int header = 8;
            if (size == 1) {
                size = box.getLong(pos + 8);
                header = 16;
            } else if (size == 0) {
                size = end - pos;
            }
            if (size < header || size > end - pos) {
                throw new IllegalArgumentException("MP4 box overflows its parent");
            }
            out.add(new Box(type(box, pos + 4), box.slice(pos + header, (int) size - header)));
            pos += (int) size;
        }
        return out;
    }

    private static ByteBuffer child(List<Box> boxes, String type) {
        List<ByteBuffer> found = all(boxes, type);
        return found.isEmpty() ? null : found.get(0);
    }

    private static ByteBuffer required(List<Box> boxes, String type) {
        ByteBuffer b = child(boxes, type);
        if (b == null) {
            throw new IllegalArgumentException("MP4 box '" + type + "' missing");
        }
        return b;
    }

    private static List<ByteBuffer> all(List<Box> boxes, String type) {
        List<ByteBuffer> out = new ArrayList<>();
        for (Box b : boxes) {
            if (b.type().equals(type)) {
                out.add(b.data());
            }
        }
        return out;
    }

    private static String type(ByteBuffer b, int at) {
        byte[] four = new byte[4];
        b.get(at, four);
        return new String(four, StandardCharsets.ISO_8859_1);
    }
}
