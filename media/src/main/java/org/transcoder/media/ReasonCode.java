package org.transcoder.media;

/**
 * Why a video could not be published. Every failure record names one, so that operators and users
 * can tell a bad upload from a broken system.
 */
public enum ReasonCode {
    /** The upload event itself is malformed or names an invalid video id or source. */
    INVALID_EVENT(false, "The upload event is invalid"),
    /** The source object does not exist or cannot be read. */
    SOURCE_MISSING(false, "The source was not found or cannot be read"),
    /** The file is not a readable media file, is truncated, or its video does not decode. */
    CORRUPT_INPUT(
            false, "The file is not a readable video: it is damaged, truncated or does not decode"),
    /** No decodable video stream (audio-only files, images). */
    NO_VIDEO_STREAM(false, "The file has no video stream"),
    /** The container format is not on the allow list. */
    UNSUPPORTED_CONTAINER(false, "The file format is not supported"),
    /** The video codec is not on the allow list. */
    UNSUPPORTED_CODEC(false, "The video codec is not supported"),
    /** Longer than the policy's maximum duration. */
    TOO_LONG(false, "The video is longer than allowed"),
    /** Larger than the policy's maximum file size. */
    TOO_LARGE(false, "The file is larger than allowed"),
    /**
     * More pixels per frame than the policy allows: in the header, or in any decoded frame (a
     * header can lie).
     */
    TOO_MANY_PIXELS(false, "The video's frames are larger than allowed"),
    /** More frames per second than the policy allows (header or packet timestamps). */
    TOO_HIGH_FRAME_RATE(false, "The video's frame rate is higher than allowed"),
    /** The video's outputs would be larger than the policy's cap. */
    OUTPUT_TOO_LARGE(false, "The encoded video would be larger than allowed"),
    /** A native step used more CPU time than the policy allows for one step. */
    CPU_LIMIT_EXCEEDED(false, "Processing the video took more CPU time than allowed"),
    /** The encoder failed on this input (deterministic: retrying gives the same result). */
    ENCODE_FAILED(false, "The video could not be encoded"),
    /** The native encoder process died of a signal; retried, then quarantined. */
    ENCODER_CRASHED(true, "The encoder crashed on this video"),
    /** The native encoder ran past its deadline and was killed; retried. */
    ENCODE_TIMEOUT(true, "Encoding took too long"),
    /** Object storage could not be read or written; retried. */
    STORAGE_ERROR(true, "Storage could not be read or written"),
    /** The video did not finish before its deadline. */
    DEADLINE_EXCEEDED(false, "The video did not finish in time"),
    /** A bug or an unexpected state: look at the logs. */
    INTERNAL_ERROR(false, "Internal error");

    private final boolean transientFailure;
    private final String userText;

    ReasonCode(boolean transientFailure, String userText) {
        this.transientFailure = transientFailure;
        this.userText = userText;
    }

    /**
     * The fixed text a failure record shows for this reason, before any (sanitised) detail: what
     * the uploader may know, nothing of the server.
     */
    public String userText() {
        return userText;
    }

    /** True when trying the same task again may succeed. */
    public boolean isTransient() {
        return transientFailure;
    }
}
