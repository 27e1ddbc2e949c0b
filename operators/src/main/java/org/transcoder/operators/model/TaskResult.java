package org.transcoder.operators.model;

import java.util.ArrayList;
import java.util.List;

/** The outcome of one task: what it wrote, or why it failed for good. */
public class TaskResult {
    private String videoId;
    private TaskKind kind;
    private int index;
    private boolean success;
    private String reasonCode;
    private String message;
    private List<SegmentInfo> segments = new ArrayList<>();
    private int frames;
    private long encodeMillis;
    private int attempts;
    private long generation;

    public TaskResult() {}

    public static TaskResult success(
            MediaTask task, List<SegmentInfo> segments, int frames, long millis, int attempts) {
        TaskResult r = of(task, true, attempts);
        r.segments = new ArrayList<>(segments);
        r.frames = frames;
        r.encodeMillis = millis;
        return r;
    }

    public static TaskResult failure(
            MediaTask task, String reasonCode, String message, int attempts) {
        TaskResult r = of(task, false, attempts);
        r.reasonCode = reasonCode;
        r.message = message;
        return r;
    }

    private static TaskResult of(MediaTask task, boolean success, int attempts) {
        TaskResult r = new TaskResult();
        r.videoId = task.getVideoId();
        r.kind = task.getKind();
        r.index = task.getIndex();
        r.generation = task.getGeneration();
        r.success = success;
        r.attempts = attempts;
        return r;
    }

    public String key() {
        return kind.key(index);
    }

    public String getVideoId() {
        return videoId;
    }

    public void setVideoId(String videoId) {
        this.videoId = videoId;
    }

    public TaskKind getKind() {
        return kind;
    }

    public void setKind(TaskKind kind) {
        this.kind = kind;
    }

    public int getIndex() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    public boolean isSuccess() {
        return success;
    }

    public void setSuccess(boolean success) {
        this.success = success;
    }

    public String getReasonCode() {
        return reasonCode;
    }

    public void setReasonCode(String reasonCode) {
        this.reasonCode = reasonCode;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public List<SegmentInfo> getSegments() {
        return segments;
    }

    public void setSegments(List<SegmentInfo> segments) {
        this.segments = segments;
    }

    public int getFrames() {
        return frames;
    }

    public void setFrames(int frames) {
        this.frames = frames;
    }

    public long getEncodeMillis() {
        return encodeMillis;
    }

    public void setEncodeMillis(long encodeMillis) {
        this.encodeMillis = encodeMillis;
    }

    public int getAttempts() {
        return attempts;
    }

    public void setAttempts(int attempts) {
        this.attempts = attempts;
    }

    public long getGeneration() {
        return generation;
    }

    public void setGeneration(long v) {
        this.generation = v;
    }

    @Override
    public String toString() {
        return videoId + "/" + key() + (success ? " ok" : " failed " + reasonCode + ": " + message);
    }
}
