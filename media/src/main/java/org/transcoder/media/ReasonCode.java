package org.transcoder.media;

/**
 * Why a video could not be published. Every failure record names one, so that operators and users
 * can tell a bad upload from a broken system.
 */
public enum ReasonCode {
    /** The upload event itself is malformed or names an invalid video id or source. */
    INVALID_EVENT(false),
    /** The source object does not exist or cannot be read. */
    SOURCE_MISSING(false),
    /** The file is not a readable media file, is truncated, or its video does not decode. */
    CORRUPT_INPUT(false),
    /** No decodable video stream (audio-only files, images). */
    NO_VIDEO_STREAM(false),
    /** The container format is not on the allow list. */
    UNSUPPORTED_CONTAINER(false),
    /** The video codec is not on the allow list. */
    UNSUPPORTED_CODEC(false),
    /** Longer than the policy's maximum duration. */
    TOO_LONG(false),
    /** Larger than the policy's maximum file size. */
    TOO_LARGE(false),
    /**
     * More pixels per frame than the policy allows: in the header, or in any decoded frame (a
     * header can lie).
     */
    TOO_MANY_PIXELS(false),
    /** More frames per second than the policy allows (header or packet timestamps). */
    TOO_HIGH_FRAME_RATE(false),
    /** The video's outputs would be larger than the policy's cap. */
    OUTPUT_TOO_LARGE(false),
    /** A native step used more CPU time than the policy allows for one step. */
    CPU_LIMIT_EXCEEDED(false),
    /** The encoder failed on this input (deterministic: retrying gives the same result). */
    ENCODE_FAILED(false),
    /** The native encoder process died of a signal; retried, then quarantined. */
    ENCODER_CRASHED(true),
    /** The native encoder ran past its deadline and was killed; retried. */
    ENCODE_TIMEOUT(true),
    /** Object storage could not be read or written; retried. */
    STORAGE_ERROR(true),
    /** The video did not finish before its deadline. */
    DEADLINE_EXCEEDED(false),
    /** A bug or an unexpected state: look at the logs. */
    INTERNAL_ERROR(false);

    private final boolean transientFailure;

    ReasonCode(boolean transientFailure) {
        this.transientFailure = transientFailure;
    }

    /** True when trying the same task again may succeed. */
    public boolean isTransient() {
        return transientFailure;
    }
}
