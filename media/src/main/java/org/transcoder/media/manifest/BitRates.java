package org.transcoder.media.manifest;

import java.util.List;

/** Bit rates measured from real segments (RFC 8216 4.3.4.2; DASH @bandwidth). */
public final class BitRates {

    private BitRates() {}

    /** Highest bit rate of any one segment, bits per second, rounded up (an upper bound). */
    public static long peak(List<Segment> segments) {
        return (long)
                Math.ceil(
                        segments.stream()
                                .filter(s -> s.durationTicks() > 0)
                                .mapToDouble(s -> s.bytes() * 8 / s.durationSeconds())
                                .max()
                                .orElse(0));
    }

    /** Total bits over total duration, bits per second. */
    public static long average(List<Segment> segments) {
        double seconds = segments.stream().mapToDouble(Segment::durationSeconds).sum();
        long bytes = segments.stream().mapToLong(Segment::bytes).sum();
        return seconds <= 0 ? 0 : Math.round(bytes * 8 / seconds);
    }
}
