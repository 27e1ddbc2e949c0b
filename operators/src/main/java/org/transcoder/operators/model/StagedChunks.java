package org.transcoder.operators.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What staging a video's later chunks produced: their encode tasks, or the failed result of the
 * first chunk that could not be staged (which ends the video through the assembler). One record,
 * because an async function has a single output; {@code RouteStagedChunks} fans it out.
 */
public class StagedChunks {
    private String videoId;
    private List<MediaTask> tasks = new ArrayList<>();
    private TaskResult failure;

    public StagedChunks() {}

    public static StagedChunks staged(String videoId, List<MediaTask> tasks) {
        StagedChunks s = new StagedChunks();
        s.setVideoId(videoId);
        s.setTasks(new ArrayList<>(tasks));
        return s;
    }

    public static StagedChunks failed(TaskResult failure) {
        StagedChunks s = new StagedChunks();
        s.setVideoId(failure.getVideoId());
        s.setFailure(failure);
        return s;
    }

    public boolean isFailed() {
        return failure != null;
    }

    public String getVideoId() {
        return videoId;
    }

    public void setVideoId(String videoId) {
        this.videoId = videoId;
    }

    public List<MediaTask> getTasks() {
        return tasks;
    }

    public void setTasks(List<MediaTask> tasks) {
        this.tasks = tasks == null ? new ArrayList<>() : tasks;
    }

    public TaskResult getFailure() {
        return failure;
    }

    public void setFailure(TaskResult failure) {
        this.failure = failure;
    }
}
