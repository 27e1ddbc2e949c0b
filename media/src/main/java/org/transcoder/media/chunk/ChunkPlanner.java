package org.transcoder.media.chunk;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.encode.FrameTiming;
import org.transcoder.media.probe.MediaInfo;

/**
 * Cuts the source timeline into chunks at source keyframes near the target length, and numbers the
 * HLS segments each chunk will be cut into. Where the source has no keyframe in range (screen
 * recordings, single-keyframe files) the cut falls on the frame nearest the target and the chunk
 * decodes from the preceding keyframe, trimmed exactly. Boundaries are always real frame times, so
 * every frame lands in exactly one chunk; and frames every rung keeps ({@link FrameTiming}), so
 * that each chunk drops near-duplicate frames exactly as the whole video would. Frame counts are of
 * kept frames.
 */
public final class ChunkPlanner {

    /** Frames closer than this to a boundary count as on it (timestamps print to microseconds). */
    public static final double EPSILON = 0.0005;

    private ChunkPlanner() {}

    public static List<ChunkSpec> plan(MediaInfo info, ChunkingPolicy policy) {
        if (info.framePts().isEmpty()) {
            throw new IllegalArgumentException("No video frames to plan");
        }
        // Only frames every rung keeps can start a chunk (FrameTiming: a chunk applies the 1/64 s
        // rule from its first frame, so it must start on a frame the whole video keeps); a
        // keyframe that the rule drops still serves to decode from (seek).
        List<Double> frames = FrameTiming.keptFrames(info.framePts());
        List<Double> allKeys = info.keyframePts();
        List<Double> keys = keptOnly(allKeys, frames);
        double end = info.videoEndPts();
        List<Double> cuts = new ArrayList<>();
        double start = frames.get(0);
        cuts.add(start);
        double first = policy.firstSeconds();
        if (first > 0 && end - start >= first + policy.minSeconds()) {
            // A short first chunk (the video is playable once it is), cut like any other.
            ChunkingPolicy firstPolicy =
                    new ChunkingPolicy(first, first / 2, first * 1.5, policy.segmentSeconds());
            double next = nextCut(frames, keys, start, start + first, firstPolicy);
            if (!Double.isNaN(next) && next > start + ChunkPlanner.EPSILON) {
                cuts.add(next);
                start = next;
            }
        }
        while (true) {
            // Aim at an equal share of what is left, not at the target itself: chunks of one video
            // come out about equally long (no tiny or oversized last chunk running alone).
            double left = end - start;
            // Rather fewer, longer chunks than more (each is a process), but none over the max.
            long pieces = (long) Math.floor(left / policy.targetSeconds() + 0.25);
            if (left > policy.maxSeconds()) {
                pieces = Math.max(2, pieces);
            }
            if (pieces < 2) {
                break;
            }
            double target = start + left / pieces;
            double next = nextCut(frames, keys, start, target, policy);
            if (Double.isNaN(next) || next <= start + EPSILON) {
                break;
            }
            cuts.add(next);
            start = next;
        }
        cuts.add(end);
        List<ChunkSpec> chunks = new ArrayList<>();
        double stagingOffset =
                ChunkSpec.stagingOffsetFor(
                        allKeys.isEmpty()
                                ? frames.get(0)
                                : Math.min(allKeys.get(0), frames.get(0)));
        int segment = 0;
        for (int i = 0; i + 1 < cuts.size(); i++) {
            double a = cuts.get(i);
            double b = cuts.get(i + 1);
            double seek = keyframeAtOrBefore(allKeys, a);
            boolean aligned = Math.abs(seek - a) < EPSILON;
            int segments = i == 0 && cuts.size() > 2 && first > 0 ? 1 : policy.segmentCount(b - a);
            chunks.add(
                    new ChunkSpec(
                            i,
                            a,
                            b,
                            seek,
                            aligned,
                            countFrames(frames, a, b),
                            segment,
                            segments,
                            stagingOffset));
            segment += segments;
        }
        return List.copyOf(chunks);
    }

    private static double nextCut(
            List<Double> frames,
            List<Double> keys,
            double start,
            double target,
            ChunkingPolicy policy) {
        double best = Double.NaN;
        for (double k : keys) {
            if (k >= start + policy.minSeconds() - EPSILON
                    && k <= start + policy.maxSeconds() + EPSILON) {
                if (Double.isNaN(best) || Math.abs(k - target) < Math.abs(best - target)) {
                    best = k;
                }
            }
        }
        if (!Double.isNaN(best)) {
            return best;
        }
        // No keyframe in range: cut on the frame nearest the target (a time-range chunk).
        double nearest = Double.NaN;
        for (double f : frames) {
            if (f > start + EPSILON
                    && (Double.isNaN(nearest)
                            || Math.abs(f - target) < Math.abs(nearest - target))) {
                nearest = f;
            }
        }
        return nearest;
    }

    /** The keyframes that are also among the (sorted) kept frames. */
    private static List<Double> keptOnly(List<Double> keys, List<Double> kept) {
        List<Double> out = new ArrayList<>();
        int j = 0;
        for (double k : keys) {
            while (j < kept.size() && kept.get(j) < k - EPSILON) {
                j++;
            }
            if (j < kept.size() && Math.abs(kept.get(j) - k) < EPSILON) {
                out.add(k);
            }
        }
        return out;
    }

    private static double keyframeAtOrBefore(List<Double> keys, double t) {
        double best = keys.isEmpty() ? t : keys.get(0);
        for (double k : keys) {
            if (k <= t + EPSILON) {
                best = k;
            }
        }
        return Math.min(best, t);
    }

    private static int countFrames(List<Double> frames, double a, double b) {
        return firstFrameFrom(frames, b) - firstFrameFrom(frames, a);
    }

    /**
     * The index of the first of the (sorted) frames at or after {@code t} ({@link #EPSILON} counts
     * as on it); the size when there is none. A binary search: planning ten minutes of frames into
     * 38 chunks must not walk every frame once per chunk.
     */
    public static int firstFrameFrom(List<Double> sortedFrames, double t) {
        int low = 0;
        int high = sortedFrames.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sortedFrames.get(mid) >= t - EPSILON) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
