package org.transcoder.media.ladder;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.probe.VideoStreamInfo;

/**
 * Picks the renditions of a ladder that fit a source: rungs are matched against the short side of
 * the displayed picture (so portrait stays portrait), never upscaled, sizes even; a source smaller
 * than every rung still gets one rendition at its own size.
 */
public final class LadderPolicy {

    private LadderPolicy() {}

    public static List<Rendition> renditionsFor(VideoStreamInfo video, Ladder ladder) {
        int dw = video.displayWidth();
        int dh = video.displayHeight();
        int shortSide = Math.min(dw, dh);
        List<Rendition> out = new ArrayList<>();
        for (Rung rung : ladder.rungs()) {
            if (rung.shortSide() <= shortSide) {
                out.add(rendition(rung, rung.shortSide(), dw, dh));
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
