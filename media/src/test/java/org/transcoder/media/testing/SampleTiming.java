package org.transcoder.media.testing;

import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.model.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.assertj.core.api.SoftAssertions;

/**
 * Checks the sample timing of every rung against the source, from the samples ffprobe reads out of
 * the glued rendition (init + segments, exact ticks): decode times strictly increasing across the
 * whole rung, no zero-duration sample, presentation times distinct and equal (in order) to the
 * source's kept frames, every segment no longer than the playlist's target duration, one init
 * segment per rung, and FRAME-RATE equal to the rung's measured maximum frame rate.
 *
 * <p>The frames a rung must hold are computed here from the source's decoded frame times with the
 * rule the transcoder promises (issue: "FRAME-RATE is the average, not the maximum"): a frame that
 * comes less than 1/64 s after the previous kept frame is dropped. Written from the rule, not from
 * the transcoder's code.
 */
public final class SampleTiming {

    /** Frames closer than this to the previous kept frame are dropped (1/64 s). */
    public static final double MIN_FRAME_INTERVAL = 1.0 / 64;

    /** Source timestamps print to microseconds: a frame this close to the limit counts as on it. */
    private static final double ROUNDING = 1e-6;

    /** Presentation time of an output frame vs the source frame it shows, seconds. */
    public static final double PTS_TOLERANCE = 0.0015;

    /** Segment duration allowed over the target duration (the packager rounds 1 ms down). */
    private static final double TARGET_SLACK = 0.001;

    private SampleTiming() {}

    /** The frames kept of {@code sortedTimes} by the 1/64 s rule, in order. */
    public static List<Double> keptFrames(List<Double> sortedTimes) {
        List<Double> kept = new ArrayList<>();
        for (double t : sortedTimes) {
            if (kept.isEmpty() || t - kept.get(kept.size() - 1) >= MIN_FRAME_INTERVAL - ROUNDING) {
                kept.add(t);
            }
        }
        return List.copyOf(kept);
    }

    /** The FRAME-RATE a rung must declare: timescale / its smallest sample duration, rounded up. */
    public static double maxFrameRate(long timescale, long minSampleTicks) {
        long milli = (timescale * 1000 + minSampleTicks - 1) / minSampleTicks;
        return milli / 1000.0;
    }

    /** Adds every timing check of every rung of {@code ladder} to {@code softly}. */
    public static void check(SoftAssertions softly, HlsLadder ladder, LadderAssertions.Source src) {
        List<Double> kept = keptFrames(src.frameTimes());
        for (HlsLadder.Rung rung : ladder.rungs()) {
            checkRung(softly, rung, kept);
        }
    }

    private static void checkRung(SoftAssertions softly, HlsLadder.Rung rung, List<Double> kept) {
        String at = "rung " + rung.name() + " timing: ";
        Ffprobe.Samples all = Ffprobe.videoSamples(rung.rendition().file());
        List<Ffprobe.Sample> samples = all.samples();
        long scale = all.timescale();
        softly.assertThat(samples).as(at + "samples").isNotEmpty();
        if (samples.isEmpty()) {
            return;
        }
        List<String> dtsProblems = new ArrayList<>();
        List<String> durationProblems = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Ffprobe.Sample s = samples.get(i);
            if (i > 0 && s.dts() <= samples.get(i - 1).dts()) {
                dtsProblems.add(
                        String.format(
                                Locale.ROOT,
                                "sample %d dts %d after %d",
                                i,
                                s.dts(),
                                samples.get(i - 1).dts()));
            }
            if (s.duration() <= 0) {
                durationProblems.add(
                        String.format(
                                Locale.ROOT,
                                "sample %d (pts %d) lasts %d",
                                i,
                                s.pts(),
                                s.duration()));
            }
        }
        softly.assertThat(dtsProblems)
                .as(at + "decode times strictly increasing across the rung")
                .isEmpty();
        softly.assertThat(durationProblems).as(at + "no zero-duration sample").isEmpty();

        long[] pts = samples.stream().mapToLong(Ffprobe.Sample::pts).sorted().toArray();
        List<String> dupes = new ArrayList<>();
        for (int i = 1; i < pts.length; i++) {
            if (pts[i] == pts[i - 1]) {
                dupes.add(Long.toString(pts[i]));
            }
        }
        softly.assertThat(dupes).as(at + "distinct presentation times").isEmpty();
        softly.assertThat(pts.length)
                .as(at + "frames vs the source's %d kept frames (1/64 s rule)", kept.size())
                .isEqualTo(kept.size());
        if (pts.length == kept.size() && !kept.isEmpty()) {
            List<String> off = new ArrayList<>();
            for (int i = 0; i < pts.length; i++) {
                double got = (pts[i] - pts[0]) / (double) scale;
                double want = kept.get(i) - kept.get(0);
                if (Math.abs(got - want) > PTS_TOLERANCE) {
                    off.add(
                            String.format(
                                    Locale.ROOT,
                                    "frame %d at %.6f s, source %.6f s",
                                    i,
                                    got,
                                    want));
                }
            }
            softly.assertThat(off)
                    .as(at + "presentation times follow the source's kept frames, in order")
                    .isEmpty();
        }

        checkSegments(softly, at, rung, samples, scale);

        List<String> inits =
                rung.rendition().parsed().mediaSegments().stream()
                        .flatMap(s -> s.segmentMap().stream())
                        .map(m -> m.uri())
                        .distinct()
                        .toList();
        softly.assertThat(inits).as(at + "exactly one init segment per rung").hasSize(1);

        // The highest frame rate is that of the two closest frames: the smallest step between
        // presentation times (a sample's duration would also count the last frame's, which
        // lasts until the end of the video as the container guessed it, not a frame interval).
        long closest = Long.MAX_VALUE;
        for (int i = 1; i < pts.length; i++) {
            closest = Math.min(closest, pts[i] - pts[i - 1]);
        }
        if (closest > 0 && closest != Long.MAX_VALUE) {
            double want = maxFrameRate(scale, closest);
            Variant v = rung.variant();
            softly.assertThat(v.frameRate())
                    .as(
                            at + "FRAME-RATE is the measured maximum %d/%d = %.3f (Apple 9.15)",
                            scale,
                            closest,
                            want)
                    .hasValueSatisfying(
                            f ->
                                    softly.assertThat(f)
                                            .as(at + "FRAME-RATE")
                                            // exact but where the closest frames straddle two
                                            // chunks (the packager does not see that step)
                                            .isCloseTo(
                                                    want,
                                                    org.assertj.core.data.Percentage.withPercentage(
                                                            0.5)));
        }
    }

    private static void checkSegments(
            SoftAssertions softly,
            String at,
            HlsLadder.Rung rung,
            List<Ffprobe.Sample> samples,
            long scale) {
        int target = rung.rendition().parsed().targetDuration();
        List<MediaSegment> segs = rung.rendition().parsed().mediaSegments();
        long[] ticks = new long[segs.size()];
        for (Ffprobe.Sample s : samples) {
            int seg = rung.rendition().segmentAt(s.pos());
            if (seg >= 0) {
                ticks[seg] += s.duration();
            }
        }
        for (int i = 0; i < segs.size(); i++) {
            double seconds = ticks[i] / (double) scale;
            softly.assertThat(seconds)
                    .as(
                            at + "segment %d (%s) lasts %.3f s <= TARGETDURATION %d",
                            i,
                            segs.get(i).uri(),
                            seconds,
                            target)
                    .isLessThanOrEqualTo(target + TARGET_SLACK);
            softly.assertThat(segs.get(i).duration())
                    .as(at + "segment %d EXTINF vs its samples' %.6f s", i, seconds)
                    .isCloseTo(seconds, org.assertj.core.data.Offset.offset(0.001));
        }
    }
}
