package org.transcoder.connectors.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The status/completion record of one video: what PostgreSQL stores, Redis caches and the
 * completion topic carries. Collections are never null.
 */
public class VideoRecord {

    private String videoId;
    private VideoStatus status;
    private int progressPercent;
    private int chunksDone;
    private int chunksTotal;
    private String reasonCode;
    private String message;
    private String sourceUri;
    private String manifestUri;
    private String dashManifestUri;
    private String posterUri;
    private double durationSeconds;
    private List<RenditionRecord> renditions = new ArrayList<>();
    private Map<String, String> labels = new HashMap<>();
    private long updatedAtMillis;

    public VideoRecord() {}

    private static VideoRecord base(String videoId, String sourceUri, VideoStatus status) {
        VideoRecord r = new VideoRecord();
        r.setVideoId(videoId);
        r.setSourceUri(sourceUri);
        r.setStatus(status);
        r.setUpdatedAtMillis(System.currentTimeMillis());
        return r;
    }

    public static VideoRecord received(
            String videoId, String sourceUri, Map<String, String> labels) {
        VideoRecord r = base(videoId, sourceUri, VideoStatus.RECEIVED);
        r.setLabels(labels == null ? null : new HashMap<>(labels));
        return r;
    }

    public static VideoRecord processing(String videoId, String sourceUri, int percent) {
        VideoRecord r = base(videoId, sourceUri, VideoStatus.PROCESSING);
        r.setProgressPercent(percent);
        return r;
    }

    public static VideoRecord ready(
            String videoId,
            String sourceUri,
            String manifestUri,
            String posterUri,
            double durationSeconds,
            List<RenditionRecord> renditions) {
        VideoRecord r = base(videoId, sourceUri, VideoStatus.READY);
        r.setProgressPercent(100);
        r.setManifestUri(manifestUri);
        r.setPosterUri(posterUri);
        r.setDurationSeconds(durationSeconds);
        r.setRenditions(renditions == null ? null : new ArrayList<>(renditions));
        return r;
    }

    /**
     * A video that can be watched while it is still encoded: its master playlist is published and
     * lists every rung (the growing EVENT playlists); renditions and DASH come with READY.
     */
    public static VideoRecord playable(
            String videoId,
            String sourceUri,
            String manifestUri,
            String posterUri,
            double durationSeconds,
            int percent) {
        VideoRecord r = base(videoId, sourceUri, VideoStatus.PLAYABLE);
        r.setProgressPercent(percent);
        r.setManifestUri(manifestUri);
        r.setPosterUri(posterUri);
        r.setDurationSeconds(durationSeconds);
        return r;
    }

    public static VideoRecord failed(
            String videoId, String sourceUri, String reasonCode, String message) {
        VideoRecord r = base(videoId, sourceUri, VideoStatus.FAILED);
        r.setReasonCode(reasonCode);
        r.setMessage(message);
        return r;
    }

    public String getVideoId() {
        return videoId;
    }

    public void setVideoId(String videoId) {
        this.videoId = videoId;
    }

    public VideoStatus getStatus() {
        return status;
    }

    public void setStatus(VideoStatus status) {
        this.status = status;
    }

    public int getProgressPercent() {
        return progressPercent;
    }

    public void setProgressPercent(int progressPercent) {
        this.progressPercent = progressPercent;
    }

    /**
     * A machine-readable failure reason (CORRUPT_INPUT, INVALID_EVENT, ...); null unless FAILED.
     */
    /** Chunks of the video encoded so far (0 until its plan is known). */
    public int getChunksDone() {
        return chunksDone;
    }

    public void setChunksDone(int chunksDone) {
        this.chunksDone = chunksDone;
    }

    /** Chunks the video was cut into (0 until its plan is known). */
    public int getChunksTotal() {
        return chunksTotal;
    }

    public void setChunksTotal(int chunksTotal) {
        this.chunksTotal = chunksTotal;
    }

    public String getReasonCode() {
        return reasonCode;
    }

    public void setReasonCode(String reasonCode) {
        this.reasonCode = StoredText.clean(reasonCode, 64);
    }

    public String getMessage() {
        return message;
    }

    /** Cleaned and bounded ({@link StoredText}): messages can echo what an upload sent. */
    public void setMessage(String message) {
        this.message = StoredText.clean(message, StoredText.MAX_MESSAGE);
    }

    public String getSourceUri() {
        return sourceUri;
    }

    /** Cleaned and bounded ({@link StoredText}): the URI is what the upload event said. */
    public void setSourceUri(String sourceUri) {
        this.sourceUri = StoredText.clean(sourceUri, StoredText.MAX_VALUE);
    }

    /** The master.m3u8 URI once READY. */
    public String getManifestUri() {
        return manifestUri;
    }

    public void setManifestUri(String manifestUri) {
        this.manifestUri = manifestUri;
    }

    /** The manifest.mpd (DASH, the same CMAF segments) URI once READY. */
    public String getDashManifestUri() {
        return dashManifestUri;
    }

    public void setDashManifestUri(String dashManifestUri) {
        this.dashManifestUri = dashManifestUri;
    }

    public String getPosterUri() {
        return posterUri;
    }

    public void setPosterUri(String posterUri) {
        this.posterUri = posterUri;
    }

    public double getDurationSeconds() {
        return durationSeconds;
    }

    public void setDurationSeconds(double durationSeconds) {
        this.durationSeconds = durationSeconds;
    }

    public List<RenditionRecord> getRenditions() {
        return renditions;
    }

    public void setRenditions(List<RenditionRecord> renditions) {
        this.renditions = renditions == null ? new ArrayList<>() : renditions;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels == null ? new HashMap<>() : labels;
    }

    public long getUpdatedAtMillis() {
        return updatedAtMillis;
    }

    public void setUpdatedAtMillis(long updatedAtMillis) {
        this.updatedAtMillis = updatedAtMillis;
    }

    /** A field-by-field copy (renditions are copied too), for merging without aliasing. */
    public VideoRecord copy() {
        VideoRecord r = new VideoRecord();
        r.videoId = videoId;
        r.status = status;
        r.progressPercent = progressPercent;
        r.chunksDone = chunksDone;
        r.chunksTotal = chunksTotal;
        r.reasonCode = reasonCode;
        r.message = message;
        r.sourceUri = sourceUri;
        r.manifestUri = manifestUri;
        r.dashManifestUri = dashManifestUri;
        r.posterUri = posterUri;
        r.durationSeconds = durationSeconds;
        r.updatedAtMillis = updatedAtMillis;
        r.labels = new HashMap<>(labels);
        r.renditions = new ArrayList<>();
        for (RenditionRecord x : renditions) {
            r.renditions.add(
                    new RenditionRecord(
                            x.getName(),
                            x.getWidth(),
                            x.getHeight(),
                            x.getBandwidth(),
                            x.getAverageBandwidth(),
                            x.getCodecs(),
                            x.getPlaylistUri()));
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof VideoRecord that)) {
            return false;
        }
        return progressPercent == that.progressPercent
                && chunksDone == that.chunksDone
                && chunksTotal == that.chunksTotal
                && Double.compare(durationSeconds, that.durationSeconds) == 0
                && updatedAtMillis == that.updatedAtMillis
                && Objects.equals(videoId, that.videoId)
                && status == that.status
                && Objects.equals(reasonCode, that.reasonCode)
                && Objects.equals(message, that.message)
                && Objects.equals(sourceUri, that.sourceUri)
                && Objects.equals(manifestUri, that.manifestUri)
                && Objects.equals(dashManifestUri, that.dashManifestUri)
                && Objects.equals(posterUri, that.posterUri)
                && Objects.equals(renditions, that.renditions)
                && Objects.equals(labels, that.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(videoId, status, progressPercent, reasonCode, updatedAtMillis);
    }

    @Override
    public String toString() {
        return "VideoRecord{videoId="
                + videoId
                + ", status="
                + status
                + ", progress="
                + progressPercent
                + "%"
                + (reasonCode == null ? "" : ", reason=" + reasonCode)
                + (message == null ? "" : ", message=" + message)
                + (manifestUri == null ? "" : ", manifest=" + manifestUri)
                + ", renditions="
                + renditions.size()
                + '}';
    }
}
