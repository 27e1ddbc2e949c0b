package org.transcoder.media.ladder;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * Picks the renditions of a ladder that fit a source: rungs are matched against the short side of
 * the displayed picture (so portrait stays portrait), never upscaled, sizes even. A source between
 * two rungs whose best fitting rung would lose more than a tenth of its lines (an edit cropped to
 * 1920x1078, a 359-line clip) also gets a top rendition at its own size, with the settings of the
 * rung above it: without it a 1078-line upload would top out at 720p. A source smaller than every
 * rung gets one rendition at its own size.
 */
public final class LadderPolicy {

    /** The least share of the source's lines that the best fitting rung must keep. */
    static final double OWN_SIZE_BELOW = 0.9;

    private LadderPolicy() {}

    public static List<Rendition> renditionsFor(VideoStreamInfo video, Ladder ladder) {
        int dw = video.displayWidth();
        int dh = video.displayHeight();
        int shortSide = Math.min(dw, dh);
        List<Rendition> out = new ArrayList<>();
        Rung above = null;
        for (Rung rung : ladder.rungs()) { // highest first
            if (rung.shortSide() <= shortSide) {
                if (out.isEmpty()
                        && above != null
                        && rung.shortSide() < OWN_SIZE_BELOW * shortSide
                        && even(shortSide) > rung.shortSide()) {
                    out.add(rendition(above, even(shortSide), dw, dh));
                }
                out.add(rendition(rung, rung.shortSide(), dw, dh));
            } else {
                above = rung;
            }
        }
        if (out.isEmpty()) {
            Rung smallest = ladder.rungs().get(ladder.rungs().size() - 1);
            out.add(rendition(smallest, even(shortSide), dw, dh));
        }
        return List.copyOf(out);
    }

    private static Rendition rendition(Rung rung, int shortSide, int dw, int dh) {
        int w;
        int h;
        if (dw >= dh) {
            h = shortSide;
            w = Math.min(nearestEven((double) dw * shortSide / dh), even(dw));
        } else {
            w = shortSide;
            h = Math.min(nearestEven((double) dh * shortSide / dw), even(dh));
        }
        return new Rendition(
                shortSide + "p", w, h, rung.crf(), rung.maxrateKbps(), rung.bufsizeKbps());
    }

    static int nearestEven(double v) {
        return Math.max(2, (int) Math.round(v / 2) * 2);
    }

    /** Rounds down to an even number, at least 2: H.264 4:2:0 needs even sizes. */
    static int even(int v) {
        return Math.max(2, v - (v % 2));
    }
}
