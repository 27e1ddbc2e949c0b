package org.transcoder.media.manifest;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;

/**
 * A whole ladder as the manifests describe it: the rungs, best first, and the audio played with
 * every rung. {@link #verify()} holds the rules every format relies on, so that no format publishes
 * a ladder a player cannot switch in.
 */
public record Presentation(List<VideoTrack> video, Optional<AudioTrack> audio)
        implements Serializable {

    /** Largest gap allowed between the ends of the audio and the video. */
    public static final double MAX_AUDIO_VIDEO_GAP_SECONDS = 0.1;

    public Presentation {
        video = List.copyOf(video);
    }

    /** The video's length: the end of the top rung's last segment. */
    public double durationSeconds() {
        List<Segment> s = video.get(0).segments();
        return s.get(s.size() - 1).endTicks() / (double) s.get(0).timescale();
    }

    /**
     * Fails unless the ladder can be published: every rung has segments, one init segment and a
     * contiguous timeline from 0; segment n of every rung starts and ends at the same time (players
     * switch rungs at segment boundaries); the audio is contiguous and as long as the video.
     */
    public Presentation verify() throws MediaException {
        return verify(true);
    }

    /**
     * The first part of a video that is still encoded: its audio cut to the segments that start
     * before the video's end so far (the rest is listed as the video reaches it).
     */
    public Presentation firstPart() {
        if (audio.isEmpty() || video.isEmpty() || video.get(0).segments().isEmpty()) {
            return this;
        }
        double end = durationSeconds();
        AudioTrack a = audio.get();
        List<Segment> kept =
                a.segments().stream()
                        .filter(s -> s.startTicks() / (double) s.timescale() < end)
                        .toList();
        return new Presentation(
                video, Optional.of(new AudioTrack(a.codecs(), a.channels(), a.sampleRate(), kept)));
    }

    /**
     * {@link #verify()} for the first part of a growing video ({@link #firstPart()}): the audio
     * must reach the video's end so far, not end with it.
     */
    public Presentation verifyFirstPart() throws MediaException {
        return verify(false);
    }

    private Presentation verify(boolean whole) throws MediaException {
        if (video.isEmpty()) {
            throw internal("no video rung");
        }
        List<Segment> top = video.get(0).segments();
        for (VideoTrack v : video) {
            List<Segment> segs = v.segments();
            if (segs.isEmpty()) {
                throw internal(v.name() + " has no segments");
            }
            Set<String> inits = new HashSet<>();
            segs.forEach(s -> inits.add(s.initUri()));
            if (inits.size() != 1) {
                throw internal(v.name() + " has " + inits.size() + " init segments " + inits);
            }
            contiguous(v.name(), segs);
            if (segs.size() != top.size()) {
                throw internal(
                        v.name()
                                + " has "
                                + segs.size()
                                + " segments, "
                                + video.get(0).name()
                                + " "
                                + top.size());
            }
            for (int i = 0; i < segs.size(); i++) {
                Segment a = segs.get(i);
                Segment b = top.get(i);
                if (a.timescale() != b.timescale()
                        || a.startTicks() != b.startTicks()
                        || a.durationTicks() != b.durationTicks()) {
                    throw internal(
                            String.format(
                                    Locale.ROOT,
                                    "segment %d of %s spans %d+%d/%d, of %s %d+%d/%d",
                                    i,
                                    v.name(),
                                    a.startTicks(),
                                    a.durationTicks(),
                                    a.timescale(),
                                    video.get(0).name(),
                                    b.startTicks(),
                                    b.durationTicks(),
                                    b.timescale()));
                }
            }
        }
        if (audio.isPresent()) {
            List<Segment> segs = audio.get().segments();
            if (segs.isEmpty()) {
                throw internal("the audio has no segments");
            }
            contiguous(OutputLayout.AUDIO_DIR, segs);
            Segment last = segs.get(segs.size() - 1);
            double audioEnd = last.endTicks() / (double) last.timescale();
            double gap = audioEnd - durationSeconds();
            if (whole
                    ? Math.abs(gap) > MAX_AUDIO_VIDEO_GAP_SECONDS
                    : gap < -MAX_AUDIO_VIDEO_GAP_SECONDS) {
                throw new MediaException(
                        ReasonCode.CORRUPT_INPUT,
                        String.format(
                                Locale.ROOT,
                                "Audio lasts %.3f s but video %.3f s: the source's timestamps"
                                        + " cannot be aligned",
                                audioEnd,
                                durationSeconds()));
            }
        }
        return this;
    }

    private static void contiguous(String track, List<Segment> segs) throws MediaException {
        long expected = 0;
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            if (s.startTicks() != expected || s.durationTicks() <= 0) {
                throw internal(
                        String.format(
                                Locale.ROOT,
                                "%s segment %d starts at %d (expected %d) and lasts %d ticks",
                                track,
                                i,
                                s.startTicks(),
                                expected,
                                s.durationTicks()));
            }
            expected = s.endTicks();
        }
    }

    private static MediaException internal(String message) {
        return new MediaException(
                ReasonCode.INTERNAL_ERROR, "The ladder cannot be published: " + message);
    }
}
