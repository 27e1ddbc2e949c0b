package org.transcoder.operators.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The DAG of one video's work, as the assembler tracks it: which tasks must finish (every chunk,
 * audio when the source has it, thumbnails) before packaging and publishing.
 */
public class VideoPlan {
    private String videoId;
    private String sourceUri;
    private int priority;
    private long receivedAtMillis;
    private long deadlineAtMillis;
    private double durationSeconds;
    private double frameRate;

    /** EncodeSpec#nominalFrameRate; 0 in plans from before it was kept (FRAME-RATE measured). */
    private double nominalFrameRate;

    private int chunkCount;
    private boolean hasAudio;

    /** The start of the audio is a task of its own ({@link TaskKind#AUDIO_START}). */
    private boolean audioStart;

    /**
     * EXT-X-TARGETDURATION of the video's growing playlists, bound for every planned segment (0 in
     * plans restored from versions before progressive publishing: published when whole).
     */
    private long targetDurationSeconds;

    private List<RenditionInfo> renditions = new ArrayList<>();
    private Map<String, String> labels = new HashMap<>();

    public VideoPlan() {}

    /** Keys of every task that must finish, e.g. CHUNK-0..CHUNK-n, AUDIO, THUMBNAILS. */
    public List<String> taskKeys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < chunkCount; i++) {
            keys.add(TaskKind.CHUNK.key(i));
        }
        if (hasAudio) {
            keys.add(TaskKind.AUDIO.key(0));
        }
        if (hasAudio && audioStart) {
            keys.add(TaskKind.AUDIO_START.key(0));
        }
        keys.add(TaskKind.THUMBNAILS.key(0));
        return keys;
    }

    public String getVideoId() {
        return videoId;
    }

    public void setVideoId(String videoId) {
        this.videoId = videoId;
    }

    public String getSourceUri() {
        return sourceUri;
    }

    public void setSourceUri(String sourceUri) {
        this.sourceUri = sourceUri;
    }

    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    public long getReceivedAtMillis() {
        return receivedAtMillis;
    }

    public void setReceivedAtMillis(long receivedAtMillis) {
        this.receivedAtMillis = receivedAtMillis;
    }

    public long getDeadlineAtMillis() {
        return deadlineAtMillis;
    }

    public void setDeadlineAtMillis(long deadlineAtMillis) {
        this.deadlineAtMillis = deadlineAtMillis;
    }

    public double getDurationSeconds() {
        return durationSeconds;
    }

    public void setDurationSeconds(double durationSeconds) {
        this.durationSeconds = durationSeconds;
    }

    public double getFrameRate() {
        return frameRate;
    }

    public void setFrameRate(double frameRate) {
        this.frameRate = frameRate;
    }

    public double getNominalFrameRate() {
        return nominalFrameRate;
    }

    public void setNominalFrameRate(double nominalFrameRate) {
        this.nominalFrameRate = nominalFrameRate;
    }

    public int getChunkCount() {
        return chunkCount;
    }

    public void setChunkCount(int chunkCount) {
        this.chunkCount = chunkCount;
    }

    public boolean isHasAudio() {
        return hasAudio;
    }

    public void setHasAudio(boolean hasAudio) {
        this.hasAudio = hasAudio;
    }

    public boolean isAudioStart() {
        return audioStart;
    }

    public void setAudioStart(boolean audioStart) {
        this.audioStart = audioStart;
    }

    public long getTargetDurationSeconds() {
        return targetDurationSeconds;
    }

    public void setTargetDurationSeconds(long targetDurationSeconds) {
        this.targetDurationSeconds = targetDurationSeconds;
    }

    public List<RenditionInfo> getRenditions() {
        return renditions;
    }

    public void setRenditions(List<RenditionInfo> renditions) {
        this.renditions = renditions;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }
}
