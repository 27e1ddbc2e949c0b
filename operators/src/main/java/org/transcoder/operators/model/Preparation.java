package org.transcoder.operators.model;

import java.util.ArrayList;
import java.util.List;
import org.transcoder.connectors.events.VideoRecord;

/**
 * What preparing one upload produced: its plan and tasks, or the FAILED record that ends it. One
 * record, because an async function has a single output; {@code RouteTasks} fans it out.
 */
public class Preparation {
    private String videoId;
    private VideoPlan plan;
    private List<MediaTask> tasks = new ArrayList<>();
    private VideoRecord failure;

    public Preparation() {}

    public static Preparation planned(VideoPlan plan, List<MediaTask> tasks) {
        Preparation p = new Preparation();
        p.setVideoId(plan.getVideoId());
        p.setPlan(plan);
        p.setTasks(new ArrayList<>(tasks));
        return p;
    }

    public static Preparation failed(VideoRecord failure) {
        Preparation p = new Preparation();
        p.setVideoId(failure.getVideoId());
        p.setFailure(failure);
        return p;
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

    public VideoPlan getPlan() {
        return plan;
    }

    public void setPlan(VideoPlan plan) {
        this.plan = plan;
    }

    public List<MediaTask> getTasks() {
        return tasks;
    }

    public void setTasks(List<MediaTask> tasks) {
        this.tasks = tasks == null ? new ArrayList<>() : tasks;
    }

    public VideoRecord getFailure() {
        return failure;
    }

    public void setFailure(VideoRecord failure) {
        this.failure = failure;
    }

    @Override
    public String toString() {
        return "Preparation{videoId="
                + videoId
                + (failure == null ? ", tasks=" + tasks.size() : ", failure=" + failure)
                + '}';
    }
}
