package org.transcoder.connectors.events;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * "A video was uploaded, please transcode it": the JSON event on the {@code video-uploads} topic. A
 * Flink POJO; {@link #problem()} says why an event cannot be processed.
 */
public class UploadEvent {

    public static final Pattern VIDEO_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    public static final int MIN_PRIORITY = -100;
    public static final int MAX_PRIORITY = 100;

    /**
     * Labels are copied into every record of the video (database, cache, completion topic), so they
     * are bounded: at most this many, keys like ids, values short and without control characters
     * (PostgreSQL refuses NUL).
     */
    public static final int MAX_LABELS = 32;

    /** A ladder profile's name; bounded like an id (the name is echoed in failure messages). */
    public static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    public static final int MAX_LABEL_VALUE = 256;

    private String videoId;
    private String sourceUri;
    private String profile;
    private int priority;
    private Map<String, String> labels = new HashMap<>();

    public UploadEvent() {}

    public static UploadEvent of(String videoId, String sourceUri) {
        UploadEvent event = new UploadEvent();
        event.setVideoId(videoId);
        event.setSourceUri(sourceUri);
        return event;
    }

    /** A human reason why this event cannot be processed, or empty when it is valid. */
    public Optional<String> problem() {
        if (videoId == null || !VIDEO_ID.matcher(videoId).matches()) {
            return Optional.of("videoId must match [A-Za-z0-9_-]{1,64}, got " + quote(videoId));
        }
        if (sourceUri == null || sourceUri.isBlank()) {
            return Optional.of("sourceUri is required");
        }
        if (sourceUri.length() > StoredText.MAX_VALUE) {
            return Optional.of(
                    "sourceUri must be at most "
                            + StoredText.MAX_VALUE
                            + " characters, got "
                            + sourceUri.length());
        }
        // Its form only; whether it is under a configured root is SourceUri.Roots' check.
        Optional<String> uriProblem = SourceUri.problem(sourceUri);
        if (uriProblem.isPresent()) {
            return Optional.of(uriProblem.get() + ", got " + quote(sourceUri));
        }
        if (profile != null && !PROFILE.matcher(profile).matches()) {
            return Optional.of(
                    "profile must match " + PROFILE.pattern() + ", got " + quote(profile));
        }
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            return Optional.of(
                    "priority must be in "
                            + MIN_PRIORITY
                            + ".."
                            + MAX_PRIORITY
                            + ", got "
                            + priority);
        }
        return labelProblem();
    }

    private Optional<String> labelProblem() {
        if (labels.size() > MAX_LABELS) {
            return Optional.of("at most " + MAX_LABELS + " labels, got " + labels.size());
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey() == null || !LABEL_KEY.matcher(e.getKey()).matches()) {
                return Optional.of(
                        "label keys must match "
                                + LABEL_KEY.pattern()
                                + ", got "
                                + quote(e.getKey()));
            }
            String v = e.getValue();
            if (v == null
                    || v.length() > MAX_LABEL_VALUE
                    || !v.equals(StoredText.clean(v, MAX_LABEL_VALUE))) {
                return Optional.of(
                        "label '"
                                + e.getKey()
                                + "' must be a string of at most "
                                + MAX_LABEL_VALUE
                                + " characters without control characters");
            }
        }
        return Optional.empty();
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "'" + (s.length() > 100 ? s.substring(0, 100) + "..." : s) + "'";
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

    /** The ladder profile name, or null for the default ladder. */
    public String getProfile() {
        return profile;
    }

    public void setProfile(String profile) {
        this.profile = profile;
    }

    /** Higher goes first; 0 by default. */
    public int getPriority() {
        return priority;
    }

    public void setPriority(int priority) {
        this.priority = priority;
    }

    /** Never null. */
    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels == null ? new HashMap<>() : labels;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof UploadEvent that)) {
            return false;
        }
        return priority == that.priority
                && Objects.equals(videoId, that.videoId)
                && Objects.equals(sourceUri, that.sourceUri)
                && Objects.equals(profile, that.profile)
                && Objects.equals(labels, that.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(videoId, sourceUri, profile, priority, labels);
    }

    @Override
    public String toString() {
        return "UploadEvent{videoId="
                + videoId
                + ", sourceUri="
                + sourceUri
                + ", profile="
                + profile
                + ", priority="
                + priority
                + ", labels="
                + labels
                + '}';
    }
}
