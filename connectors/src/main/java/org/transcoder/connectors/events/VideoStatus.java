package org.transcoder.connectors.events;

/**
 * Where a video is in its life: the status column of the metadata store and of completion records.
 */
public enum VideoStatus {
    RECEIVED,
    PROCESSING,
    /**
     * Still processing, but already watchable: the master playlist lists every rung, and each
     * rung's EVENT playlist grows by appended segments until READY adds EXT-X-ENDLIST.
     */
    PLAYABLE,
    READY,
    FAILED;

    /** READY and FAILED are final: nothing moves a video out of them. */
    public boolean isTerminal() {
        return this == READY || this == FAILED;
    }

    /** Order of progress; a status update may never move a video to a lower rank. */
    public int rank() {
        return switch (this) {
            case RECEIVED -> 0;
            case PROCESSING -> 1;
            case PLAYABLE -> 2;
            case READY, FAILED -> 3;
        };
    }
}
