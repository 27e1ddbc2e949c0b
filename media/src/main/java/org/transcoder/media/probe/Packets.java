package org.transcoder.media.probe;

/**
 * A video stream's packets in decode order, as ffprobe prints them: each one's presentation time
 * and duration in seconds (six decimals, read back) and whether it is a keyframe. What ffprobe's
 * listing says and what an MP4 sample table says ({@link Mp4SampleTable}) alike, so that the two
 * can be compared packet for packet.
 */
record Packets(double[] times, double[] durations, boolean[] keys) {

    int count() {
        return times.length;
    }

    /** Whether {@code head} is this one's first packets, with the very same values. */
    boolean startsWith(Packets head) {
        if (head.count() > count()) {
            return false;
        }
        for (int i = 0; i < head.count(); i++) {
            if (times[i] != head.times[i]
                    || durations[i] != head.durations[i]
                    || keys[i] != head.keys[i]) {
                return false;
            }
        }
        return true;
    }
}
