package org.transcoder.media.probe;

import java.util.List;
import java.util.Optional;

/**
 * Immutable description of an uploaded file: container, streams and the video's frame timing.
 *
 * @param framePts presentation times (seconds, source timeline) of every video frame, sorted
 * @param keyframePts presentation times of the video keyframes, sorted
 * @param videoEndPts presentation time at which the video ends (last frame plus its duration)
 * @param warnings demuxer complaints seen while reading every packet (e.g. "partial file")
 */
public record MediaInfo(
        String container,
        long sizeBytes,
        double durationSeconds,
        double startSeconds,
        long bitRate,
        Optional<VideoStreamInfo> video,
        List<AudioStreamInfo> audioStreams,
        List<Double> framePts,
        List<Double> keyframePts,
        double videoEndPts,
        String warnings) {

    /**
     * This description with its frame list cut to the first and the last frame: the start, the
     * duration, the longest GOP and the streams stay the same, and a two-hour video's probe rides
     * in a task message as a few kilobytes (the keyframes) instead of megabytes.
     */
    public MediaInfo withoutFrameList() {
        List<Double> ends =
                framePts.size() <= 2
                        ? framePts
                        : List.of(framePts.get(0), framePts.get(framePts.size() - 1));
        return new MediaInfo(
                container,
                sizeBytes,
                durationSeconds,
                startSeconds,
                bitRate,
                video,
                audioStreams,
                ends,
                keyframePts,
                videoEndPts,
                warnings);
    }

    /** Source timeline origin: the first video frame's presentation time. */
    public double videoStartPts() {
        return framePts.isEmpty() ? startSeconds : framePts.get(0);
    }

    /** Duration of the video as the viewer will see it. */
    public double videoDurationSeconds() {
        return videoEndPts - videoStartPts();
    }

    /** The audio track a rendition is made from: the default one, else the first. */
    public Optional<AudioStreamInfo> primaryAudio() {
        return audioStreams.stream()
                .filter(AudioStreamInfo::defaultTrack)
                .findFirst()
                .or(() -> audioStreams.stream().findFirst());
    }

    /** Longest distance between two keyframes, or the whole video when there is only one. */
    public double maxGopSeconds() {
        double max = 0;
        for (int i = 1; i < keyframePts.size(); i++) {
            max = Math.max(max, keyframePts.get(i) - keyframePts.get(i - 1));
        }
        if (!keyframePts.isEmpty() && !framePts.isEmpty()) {
            max =
                    Math.max(
                            max,
                            framePts.get(framePts.size() - 1)
                                    - keyframePts.get(keyframePts.size() - 1));
        }
        return max;
    }
}
