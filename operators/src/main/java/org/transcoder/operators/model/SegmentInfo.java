package org.transcoder.operators.model;

/** A segment written to storage, with what the playlists need to say about it. */
public class SegmentInfo {
    private String rendition;
    private int index;
    private String uri;
    private String initUri;
    private double durationSeconds;
    private long bytes;
    private int frames;
    private String codecs;

    public SegmentInfo() {}

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
}
