package org.transcoder.media.fmp4;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The few ISO-BMFF (fragmented MP4) operations a packager needs: split a file into its init segment
 * and its fragments, re-time fragments onto the video's timeline, and read what the playlists must
 * say (timescale, durations, RFC 6381 codec string).
 *
 * <p>Each chunk is encoded on its own, starting at time zero; its fragments are then moved to the
 * chunk's place on the timeline by rewriting tfdt, and the encoder's B-frame delay is removed from
 * the composition offsets (trun version 1, negative offsets as CMAF does), so the first frame of
 * every segment is presented exactly at its tfdt in every rendition.
 */
public final class Fmp4 {

    private Fmp4() {}

    /** An fMP4 file taken apart: init (ftyp + moov) and the moof/mdat pairs, in order. */
    public record Parts(byte[] init, List<byte[]> fragments) {}

    public static Parts split(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        ByteBuffer init = ByteBuffer.allocate(file.length);
        List<byte[]> fragments = new ArrayList<>();
        int pos = 0;
        int fragStart = -1;
        while (pos + 8 <= file.length) {
            long size = Integer.toUnsignedLong(b.getInt(pos));
            String type = type(file, pos + 4);
            int header = 8;
            if (size == 1) {
                size = b.getLong(pos + 8);
                header = 16;
            } else if (size == 0) {
                size = file.length - pos;
            }
            if (size < header || pos + size > file.length) {
                throw new IllegalArgumentException("Broken MP4 box '" + type + "' at " + pos);
            }
            int end = (int) (pos + size);
            switch (type) {
                case "ftyp", "moov" -> init.put(file, pos, end - pos);
                case "moof" -> fragStart = pos;
                case "mdat" -> {
                    if (fragStart >= 0) {
                        byte[] frag = new byte[end - fragStart];
                        System.arraycopy(file, fragStart, frag, 0, frag.length);
                        fragments.add(frag);
                        fragStart = -1;
                    }
                }
                default -> {
                    // styp, sidx, mfra, free...: not needed by HLS
                }
            }
            pos = end;
        }
        byte[] initBytes = new byte[init.position()];
        init.flip();
        init.get(initBytes);
        return new Parts(initBytes, fragments);
    }

    /** Timescale of the (single) track, from mdhd. */
    public static long timescale(byte[] init) {
        int mdhd = find(init, 0, init.length, "moov", "trak", "mdia", "mdhd");
        ByteBuffer b = ByteBuffer.wrap(init);
        int version = init[mdhd + 8] & 0xff;
        return Integer.toUnsignedLong(b.getInt(mdhd + 8 + 4 + (version == 1 ? 16 : 8)));
    }

    /**
     * Re-times one chunk's fragments onto the video's timeline: the chunk's first presented frame
     * lands at {@code tfdtOffset}, the chunk lasts exactly {@code durationTicks} in decode time,
     * and mfhd is renumbered from {@code firstSequence}. Sizes do not change.
     *
     * @throws IllegalArgumentException when two samples have the same presentation time or one is
     *     presented at or past the chunk's end: no sane timing (every sample lasting until the next
     *     is presented, none for zero ticks) can be written then
     *     <p>The encoder's decode times start a B-frame delay before the first frame; with variable
     *     frame rate that delay is not even a whole number of frames, so decode time and
     *     presentation time drift apart and chunks would overlap. Instead each sample's decode time
     *     becomes the i-th smallest presentation time (the CMAF way: trun version 1, signed
     *     composition offsets), so decode time advances with presentation time and every chunk ends
     *     where the next begins.
     */
    public static void retime(
            List<byte[]> fragments, long tfdtOffset, int firstSequence, long durationTicks) {
        List<Sample> samples = new ArrayList<>();
        int seq = firstSequence;
        for (int f = 0; f < fragments.size(); f++) {
            // Every sample gets a duration of its own: the muxer writes one default duration in
            // tfhd when a fragment's frames all last the same, and re-timed samples need not.
            fragments.set(f, withSampleDurations(fragments.get(f)));
        }
        for (byte[] frag : fragments) {
            ByteBuffer b = ByteBuffer.wrap(frag);
            int moofEnd = b.getInt(0);
            b.putInt(find(frag, 0, moofEnd, "moof", "mfhd") + 12, seq++);
            for (int traf : findAll(frag, 8, moofEnd, "traf")) {
                int trafEnd = traf + b.getInt(traf);
                int tfdt = find(frag, traf + 8, trafEnd, "tfdt");
                long dts =
                        frag[tfdt + 8] == 1
                                ? b.getLong(tfdt + 12)
                                : Integer.toUnsignedLong(b.getInt(tfdt + 12));
                int defaultDurationPos = tfhdDefaultDurationPos(frag, traf + 8, trafEnd);
                boolean first = true;
                for (int trun : findAll(frag, traf + 8, trafEnd, "trun")) {
                    int flags = b.getInt(trun + 8) & 0xFFFFFF;
                    boolean ownDurations = (flags & 0x100) != 0;
                    if (!ownDurations && defaultDurationPos < 0) {
                        throw new IllegalArgumentException("No sample durations in trun or tfhd");
                    }
                    int version = frag[trun + 8];
                    int count = b.getInt(trun + 12);
                    int p = trun + 16;
                    if ((flags & 0x1) != 0) p += 4;
                    if ((flags & 0x4) != 0) p += 4;
                    int stride = Integer.bitCount(flags & 0xF00) * 4;
                    int ctoAt = (flags & 0x800) == 0 ? -1 : stride - 4;
                    if (ctoAt >= 0) {
                        frag[trun + 8] = 1; // signed composition offsets from here on
                    }
                    for (int i = 0; i < count; i++) {
                        int entry = p + i * stride;
                        int durationPos = ownDurations ? entry : defaultDurationPos;
                        long duration = Integer.toUnsignedLong(b.getInt(durationPos));
                        long cto = 0;
                        if (ctoAt >= 0) {
                            cto =
                                    version == 0
                                            ? Integer.toUnsignedLong(b.getInt(entry + ctoAt))
                                            : b.getInt(entry + ctoAt);
                        }
                        samples.add(
                                new Sample(
                                        frag,
                                        durationPos,
                                        ctoAt < 0 ? -1 : entry + ctoAt,
                                        first ? tfdt : -1,
                                        dts + cto));
                        first = false;
                        dts += duration;
                    }
                }
            }
        }
        if (samples.isEmpty()) {
            return;
        }
        long[] order = samples.stream().mapToLong(Sample::pts).sorted().toArray();
        long origin = order[0];
        for (int i = 1; i < order.length; i++) {
            if (order[i] == order[i - 1]) {
                throw new IllegalArgumentException(
                        "Two samples presented at the same time " + (order[i] - origin));
            }
        }
        if (order[order.length - 1] - origin >= durationTicks) {
            throw new IllegalArgumentException(
                    "A sample is presented at "
                            + (order[order.length - 1] - origin)
                            + ", past the chunk's end "
                            + durationTicks);
        }
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            ByteBuffer b = ByteBuffer.wrap(s.frag());
            long newDts = order[i] - origin;
            long next = i + 1 < order.length ? order[i + 1] - origin : durationTicks;
            b.putInt(s.entry(), (int) (next - newDts));
            if (s.ctoPos() >= 0) {
                b.putInt(s.ctoPos(), (int) (s.pts() - order[i]));
            } else if (s.pts() != order[i]) {
                throw new IllegalArgumentException("Reordered samples without composition offsets");
            }
            if (s.tfdtPos() >= 0) {
                long v = newDts + tfdtOffset;
                if (s.frag()[s.tfdtPos() + 8] == 1) {
                    b.putLong(s.tfdtPos() + 12, v);
                } else if (v <= 0xFFFFFFFFL) {
                    b.putInt(s.tfdtPos() + 12, (int) v);
                } else {
                    throw new IllegalArgumentException("tfdt overflow in a version 0 box");
                }
            }
        }
    }

    /**
     * The fragment with a duration field in every trun entry (trun flag 0x100), taken from the tfhd
     * default where the trun had none; sizes and data offsets adjusted. The same array when every
     * trun has them already. Needs a tfhd default duration (trex defaults are not read).
     */
    static byte[] withSampleDurations(byte[] frag) {
        ByteBuffer b = ByteBuffer.wrap(frag);
        int moofEnd = b.getInt(0);
        int growth = 0;
        for (int traf : findAll(frag, 8, moofEnd, "traf")) {
            int trafEnd = traf + b.getInt(traf);
            for (int trun : findAll(frag, traf + 8, trafEnd, "trun")) {
                if ((b.getInt(trun + 8) & 0x100) == 0) {
                    growth += 4 * b.getInt(trun + 12);
                }
            }
        }
        if (growth == 0) {
            return frag;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(frag.length + growth);
        out.write(frag, 0, 8); // moof header, size fixed below
        for (int child : children(frag, 8, moofEnd)) {
            int childEnd = child + b.getInt(child);
            if (!type(frag, child + 4).equals("traf")) {
                out.write(frag, child, childEnd - child);
                continue;
            }
            int defaultPos = tfhdDefaultDurationPos(frag, child + 8, childEnd);
            java.io.ByteArrayOutputStream traf = new java.io.ByteArrayOutputStream();
            for (int box : children(frag, child + 8, childEnd)) {
                int boxEnd = box + b.getInt(box);
                int flags = b.getInt(box + 8) & 0xFFFFFF;
                if (!type(frag, box + 4).equals("trun") || (flags & 0x100) != 0) {
                    traf.write(frag, box, boxEnd - box);
                    continue;
                }
                if (defaultPos < 0) {
                    throw new IllegalArgumentException("No sample durations in trun or tfhd");
                }
                int count = b.getInt(box + 12);
                ByteBuffer t = ByteBuffer.allocate(boxEnd - box + 4 * count);
                t.putInt(boxEnd - box + 4 * count).put(frag, box + 4, 4);
                t.putInt((b.getInt(box + 8) & 0xFF000000) | flags | 0x100).putInt(count);
                int p = box + 16;
                if ((flags & 0x1) != 0) {
                    t.putInt(b.getInt(p) + growth); // data offset: the mdat moves by growth
                    p += 4;
                }
                if ((flags & 0x4) != 0) {
                    t.putInt(b.getInt(p));
                    p += 4;
                }
                int stride = Integer.bitCount(flags & 0xF00) * 4;
                for (int i = 0; i < count; i++) {
                    t.putInt(b.getInt(defaultPos));
                    t.put(frag, p + i * stride, stride);
                }
                t.put(frag, p + count * stride, boxEnd - (p + count * stride));
                traf.write(t.array(), 0, t.capacity());
            }
            byte[] trafBody = traf.toByteArray();
            out.write(ByteBuffer.allocate(4).putInt(8 + trafBody.length).array(), 0, 4);
            out.write(frag, child + 4, 4);
            out.write(trafBody, 0, trafBody.length);
        }
        out.write(frag, moofEnd, frag.length - moofEnd);
        byte[] result = out.toByteArray();
        ByteBuffer.wrap(result).putInt(0, moofEnd + growth);
        return result;
    }

    /**
     * Where one sample's fields sit, and its presentation time in the encoder's timeline. A sample
     * without a duration of its own shares the tfhd default (one-sample fragments).
     */
    private record Sample(byte[] frag, int entry, int ctoPos, int tfdtPos, long pts) {}

    /** Offset of tfhd's default_sample_duration, or -1 when the tfhd has none. */
    private static int tfhdDefaultDurationPos(byte[] frag, int from, int to) {
        int tfhd = find(frag, from, to, "tfhd");
        int flags = ByteBuffer.wrap(frag).getInt(tfhd + 8) & 0xFFFFFF;
        if ((flags & 0x8) == 0) {
            return -1;
        }
        int q = tfhd + 16;
        if ((flags & 0x1) != 0) q += 8;
        if ((flags & 0x2) != 0) q += 4;
        return q;
    }

    /**
     * Sum of sample durations of one fragment, in timescale ticks (init may be null if unknown).
     */
    public static long fragmentDuration(byte[] frag, byte[] init) {
        long total = 0;
        for (long d : sampleDurations(frag, init)) {
            total += d;
        }
        return total;
    }

    /**
     * Every sample's duration in the fragment, in order (trun, else tfhd's, else trex's default).
     */
    private static long[] sampleDurations(byte[] frag, byte[] init) {
        ByteBuffer b = ByteBuffer.wrap(frag);
        int moofEnd = b.getInt(0);
        List<Long> out = new ArrayList<>();
        for (int traf : findAll(frag, 8, moofEnd, "traf")) {
            int trafEnd = traf + b.getInt(traf);
            int defaultPos = tfhdDefaultDurationPos(frag, traf + 8, trafEnd);
            long defaultDuration =
                    defaultPos >= 0
                            ? Integer.toUnsignedLong(b.getInt(defaultPos))
                            : trexDefaultDuration(init);
            for (int trun : findAll(frag, traf + 8, trafEnd, "trun")) {
                int flags = b.getInt(trun + 8) & 0xFFFFFF;
                int count = b.getInt(trun + 12);
                int p = trun + 16;
                if ((flags & 0x1) != 0) p += 4;
                if ((flags & 0x4) != 0) p += 4;
                int stride = Integer.bitCount(flags & 0xF00) * 4;
                for (int i = 0; i < count; i++) {
                    out.add(
                            (flags & 0x100) != 0
                                    ? Integer.toUnsignedLong(b.getInt(p + i * stride))
                                    : defaultDuration);
                }
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The shortest sample duration of one fragment, in timescale ticks (init may be null if
     * unknown); Long.MAX_VALUE for a fragment without samples.
     */
    public static long minSampleDuration(byte[] frag, byte[] init) {
        return minSampleDuration(frag, init, false);
    }

    /** Samples (frames) in one fragment. */
    public static int sampleCount(byte[] frag) {
        ByteBuffer b = ByteBuffer.wrap(frag);
        int moofEnd = b.getInt(0);
        int n = 0;
        for (int traf : findAll(frag, 8, moofEnd, "traf")) {
            int trafEnd = traf + b.getInt(traf);
            for (int trun : findAll(frag, traf + 8, trafEnd, "trun")) {
                n += b.getInt(trun + 12);
            }
        }
        return n;
    }

    private static long trexDefaultDuration(byte[] init) {
        int trex = find(init, 0, init.length, "moov", "mvex", "trex");
        return Integer.toUnsignedLong(ByteBuffer.wrap(init).getInt(trex + 20));
    }

    /**
     * RFC 6381 codec string of the track: avc1.PPCCLL from the avcC record for H.264, mp4a.40.N
     * from the AudioSpecificConfig for AAC.
     */
    public static String codecString(byte[] init) {
        int stsd = find(init, 0, init.length, "moov", "trak", "mdia", "minf", "stbl", "stsd");
        int entry = stsd + 16;
        String format = type(init, entry + 4);
        int entryEnd = entry + ByteBuffer.wrap(init).getInt(entry);
        if (format.equals("avc1") || format.equals("avc3")) {
            int avcC = find(init, entry + 8 + 78, entryEnd, "avcC");
            return String.format(
                    Locale.ROOT,
                    "%s.%02x%02x%02x",
                    format,
                    init[avcC + 9] & 0xff,
                    init[avcC + 10] & 0xff,
                    init[avcC + 11] & 0xff);
        }
        if (format.equals("mp4a")) {
            int esds = find(init, entry + 8 + 28, entryEnd, "esds");
            int objectType =
                    audioObjectType(init, esds + 12, esds + ByteBuffer.wrap(init).getInt(esds));
            return "mp4a.40." + objectType;
        }
        return format;
    }

    /** Walks the ES descriptor to the DecoderSpecificInfo (tag 5) and reads its first 5 bits. */
    private static int audioObjectType(byte[] d, int p, int end) {
        while (p < end) {
            int tag = d[p++] & 0xff;
            int len = 0;
            for (int i = 0; i < 4; i++) {
                int c = d[p++] & 0xff;
                len = (len << 7) | (c & 0x7f);
                if ((c & 0x80) == 0) break;
            }
            switch (tag) {
                case 3 -> {
                    int flags = d[p + 2] & 0xff;
                    p += 3;
                    if ((flags & 0x80) != 0) p += 2;
                    if ((flags & 0x40) != 0) p += 1 + (d[p] & 0xff);
                    if ((flags & 0x20) != 0) p += 2;
                }
                case 4 -> p += 13;
                case 5 -> {
                    return (d[p] & 0xff) >> 3;
                }
                default -> p += len;
            }
        }
        return 2;
    }

    /** Offset of the box at the end of {@code path}, searched from [from, to). */
    static int find(byte[] d, int from, int to, String... path) {
        int start = from;
        int end = to;
        int found = -1;
        for (String name : path) {
            found = -1;
            for (int p : children(d, start, end)) {
                if (type(d, p + 4).equals(name)) {
                    found = p;
                    break;
                }
            }
            if (found < 0) {
                throw new IllegalArgumentException("MP4 box '" + name + "' not found");
            }
            start = found + 8 + fullBoxHeader(name);
            end = found + ByteBuffer.wrap(d).getInt(found);
        }
        return found;
    }

    private static List<Integer> findAll(byte[] d, int from, int to, String name) {
        List<Integer> out = new ArrayList<>();
        for (int p : children(d, from, to)) {
            if (type(d, p + 4).equals(name)) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<Integer> children(byte[] d, int from, int to) {
        List<Integer> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(d);
        int p = from;
        while (p + 8 <= to) {
            int size = b.getInt(p);
            if (size < 8) break;
            out.add(p);
            p += size;
        }
        return out;
    }

    /** Extra header bytes before a container box's children (stsd has version+flags+count). */
    private static int fullBoxHeader(String name) {
        return name.equals("stsd") ? 8 : 0;
    }

    private static String type(byte[] d, int at) {
        return new String(d, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Bytes from the fragment's start to the end of its first sample: moof, the mdat header and the
     * first frame, all a player needs to decode a fragment's key frame (an I-frame playlist's byte
     * range). The sample's place comes from trun's data offset (relative to the moof, as
     * default-base-is-moof says), its size from trun, tfhd or trex.
     */
    public static long firstSampleEnd(byte[] frag, byte[] init) {
        ByteBuffer b = ByteBuffer.wrap(frag);
        int moofEnd = b.getInt(0);
        int traf = findAll(frag, 8, moofEnd, "traf").get(0);
        int trafEnd = traf + b.getInt(traf);
        int tfhd = find(frag, traf + 8, trafEnd, "tfhd");
        int tfhdFlags = b.getInt(tfhd + 8) & 0xFFFFFF;
        int q = tfhd + 16;
        if ((tfhdFlags & 0x1) != 0) q += 8;
        if ((tfhdFlags & 0x2) != 0) q += 4;
        if ((tfhdFlags & 0x8) != 0) q += 4;
        long size =
                (tfhdFlags & 0x10) != 0
                        ? Integer.toUnsignedLong(b.getInt(q))
                        : Integer.toUnsignedLong(
                                ByteBuffer.wrap(init)
                                        .getInt(
                                                find(init, 0, init.length, "moov", "mvex", "trex")
                                                        + 24));
        int trun = findAll(frag, traf + 8, trafEnd, "trun").get(0);
        int flags = b.getInt(trun + 8) & 0xFFFFFF;
        int p = trun + 16;
        long dataOffset = moofEnd + 8L;
        if ((flags & 0x1) != 0) {
            dataOffset = b.getInt(p);
            p += 4;
        }
        if ((flags & 0x4) != 0) p += 4;
        if ((flags & 0x200) != 0) {
            int sizeAt = p + ((flags & 0x100) != 0 ? 4 : 0);
            size = Integer.toUnsignedLong(b.getInt(sizeAt));
        }
        return dataOffset + size;
    }

    /**
     * Shortest sample duration in the fragment, in timescale ticks (its highest frame rate);
     * without its last sample when {@code skipLast} (a chunk's last frame lasts until the chunk's
     * end, which for a video's last frame is the container's guess, not a frame interval). {@link
     * Long#MAX_VALUE} when no sample counts.
     */
    public static long minSampleDuration(byte[] frag, byte[] init, boolean skipLast) {
        long[] durations = sampleDurations(frag, init);
        long min = Long.MAX_VALUE;
        for (int i = 0; i < durations.length - (skipLast ? 1 : 0); i++) {
            min = Math.min(min, durations[i]);
        }
        return min;
    }
}
