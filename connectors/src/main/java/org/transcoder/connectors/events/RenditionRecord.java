package org.transcoder.connectors.events;

import java.util.Objects;

/**
 * One rung of a finished ladder, as the master playlist advertises it (a row of {@code
 * renditions}).
 */
public class RenditionRecord {

    private String name;
    private int width;
    private int height;
    private long bandwidth;
    private long averageBandwidth;
    private String codecs;
    private String playlistUri;

    public RenditionRecord() {}

    public RenditionRecord(
            String name,
            int width,
            int height,
            long bandwidth,
            long averageBandwidth,
            String codecs,
            String playlistUri) {
        this.name = name;
        this.width = width;
        this.height = height;
        this.bandwidth = bandwidth;
        this.averageBandwidth = averageBandwidth;
        this.codecs = codecs;
        this.playlistUri = playlistUri;
    }

    /** e.g. "720p". */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    /** Peak bits per second, audio included (HLS BANDWIDTH). */
    public long getBandwidth() {
        return bandwidth;
    }

    public void setBandwidth(long bandwidth) {
        this.bandwidth = bandwidth;
    }

    /** Average bits per second, audio included (HLS AVERAGE-BANDWIDTH). */
    public long getAverageBandwidth() {
        return averageBandwidth;
    }

    public void setAverageBandwidth(long averageBandwidth) {
        this.averageBandwidth = averageBandwidth;
    }

    /** RFC 6381 codecs string, e.g. "avc1.64001f,mp4a.40.2". */
    public String getCodecs() {
        return codecs;
    }

    public void setCodecs(String codecs) {
        this.codecs = codecs;
    }

    public String getPlaylistUri() {
        return playlistUri;
    }

    public void setPlaylistUri(String playlistUri) {
        this.playlistUri = playlistUri;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RenditionRecord that)) {
            return false;
        }
        return width == that.width
                && height == that.height
                && bandwidth == that.bandwidth
                && averageBandwidth == that.averageBandwidth
                && Objects.equals(name, that.name)
                && Objects.equals(codecs, that.codecs)
                && Objects.equals(playlistUri, that.playlistUri);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, width, height, bandwidth, averageBandwidth, codecs, playlistUri);
    }

    @Override
    public String toString() {
        return name + "(" + width + "x" + height + ", " + bandwidth + " b/s, " + playlistUri + ")";
    }
}
