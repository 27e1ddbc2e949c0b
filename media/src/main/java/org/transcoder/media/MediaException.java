package org.transcoder.media;

/** A media step could not finish; carries the reason code a failure record will show. */
public class MediaException extends Exception {

    private final ReasonCode reason;

    public MediaException(ReasonCode reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MediaException(ReasonCode reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason + ": " + getMessage();
    }
}
