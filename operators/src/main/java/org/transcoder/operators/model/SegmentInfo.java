package org.transcoder.operators.model;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.media.manifest.Segment;

/**
 * A segment written to storage, with what the manifests need to say about it (a Flink POJO in the
 * assembler's state: the fields of {@link Segment}, key frames as three parallel arrays).
 */
public class SegmentInfo {
    private String rendition;
    private int index;
    private String uri;
    private String initUri;
    private double durationSeconds;
    private long bytes;
    private int frames;
    private String codecs;
    private long startTicks;
    private long durationTicks;
    private long timescale;
    private long[] keyFrameOffsets = new long[0];
    private long[] keyFrameLengths = new long[0];
    private long[] keyFrameTicks = new long[0];
    private long minSampleTicks;

    public SegmentInfo() {}

    /** A segment of a rendition (or the audio) as its encoder described it, stored at uri. */
    public static SegmentInfo of(
            String rendition,
            int index,
            Segment s,
            String uri,
            String initUri,
            int frames,
            long minSampleTicks,
            String codecs) {
        SegmentInfo i =
                new SegmentInfo(
                        rendition,
                        index,
                        uri,
                        initUri,
                        s.durationSeconds(),
                        s.bytes(),
                        frames,
                        codecs);
        i.startTicks = s.startTicks();
        i.durationTicks = s.durationTicks();
        i.timescale = s.timescale();
        i.minSampleTicks = minSampleTicks;
        int n = s.keyFrames().size();
        i.keyFrameOffsets = new long[n];
        i.keyFrameLengths = new long[n];
        i.keyFrameTicks = new long[n];
        for (int k = 0; k < n; k++) {
            Segment.KeyFrame f = s.keyFrames().get(k);
            i.keyFrameOffsets[k] = f.offset();
            i.keyFrameLengths[k] = f.length();
            i.keyFrameTicks[k] = f.durationTicks();
        }
        return i;
    }

    /**
     * The segment as the manifests describe it. A result stored by a version before timelines
     * (timescale 0, from an older savepoint) gets one from its duration, placed after the previous
     * segment's end.
     */
    public Segment toSegment(long previousEnd, long defaultTimescale) {
        List<Segment.KeyFrame> keyFrames = new ArrayList<>();
        for (int k = 0; k < keyFrameOffsets.length; k++) {
            keyFrames.add(
                    new Segment.KeyFrame(keyFrameOffsets[k], keyFrameLengths[k], keyFrameTicks[k]));
        }
        if (timescale == 0) {
            return new Segment(
                    uri,
                    initUri,
                    previousEnd,
                    Math.round(durationSeconds * defaultTimescale),
                    defaultTimescale,
                    bytes,
                    keyFrames);
        }
        return new Segment(uri, initUri, startTicks, durationTicks, timescale, bytes, keyFrames);
    }

    public SegmentInfo(
            String rendition,
            int index,
            String uri,
            String initUri,
            double durationSeconds,
            long bytes,
            int frames,
            String codecs) {
        this.rendition = rendition;
        this.index = index;
        this.uri = uri;
        this.initUri = initUri;
        this.durationSeconds = durationSeconds;
        this.bytes = bytes;
        this.frames = frames;
        this.codecs = codecs;
    }

    public String getRendition() {
        return rendition;
    }

    public void setRendition(String rendition) {
        this.rendition = rendition;
    }

    public int getIndex() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri;
    }

    public String getInitUri() {
        return initUri;
    }

    public void setInitUri(String initUri) {
        this.initUri = initUri;
    }

    public double getDurationSeconds() {
        return durationSeconds;
    }

    public void setDurationSeconds(double durationSeconds) {
        this.durationSeconds = durationSeconds;
    }

    public long getBytes() {
        return bytes;
    }

    public void setBytes(long bytes) {
        this.bytes = bytes;
    }

    public int getFrames() {
        return frames;
    }

    public void setFrames(int frames) {
        this.frames = frames;
    }

    public String getCodecs() {
        return codecs;
    }

    public void setCodecs(String codecs) {
        this.codecs = codecs;
    }

    public long getStartTicks() {
        return startTicks;
    }

    public void setStartTicks(long startTicks) {
        this.startTicks = startTicks;
    }

    public long getDurationTicks() {
        return durationTicks;
    }

    public void setDurationTicks(long durationTicks) {
        this.durationTicks = durationTicks;
    }

    public long getTimescale() {
        return timescale;
    }

    public void setTimescale(long timescale) {
        this.timescale = timescale;
    }

    public long[] getKeyFrameOffsets() {
        return keyFrameOffsets;
    }

    public void setKeyFrameOffsets(long[] keyFrameOffsets) {
        this.keyFrameOffsets = keyFrameOffsets == null ? new long[0] : keyFrameOffsets;
    }

    public long[] getKeyFrameLengths() {
        return keyFrameLengths;
    }

    public void setKeyFrameLengths(long[] keyFrameLengths) {
        this.keyFrameLengths = keyFrameLengths == null ? new long[0] : keyFrameLengths;
    }

    public long[] getKeyFrameTicks() {
        return keyFrameTicks;
    }

    public void setKeyFrameTicks(long[] keyFrameTicks) {
        this.keyFrameTicks = keyFrameTicks == null ? new long[0] : keyFrameTicks;
    }

    /** Shortest frame duration in timescale ticks; 0 when unknown (audio, older savepoints). */
    public long getMinSampleTicks() {
        return minSampleTicks;
    }

    public void setMinSampleTicks(long minSampleTicks) {
        this.minSampleTicks = minSampleTicks;
    }
}
