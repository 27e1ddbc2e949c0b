package org.transcoder.connectors.metadata;

import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;

/**
 * Decides what the store keeps when an update arrives. Records can come late or twice (replays
 * after a restart, progress racing a completion), so the store only moves forward: a status never
 * goes down in rank (RECEIVED &lt; PROCESSING &lt; PLAYABLE &lt; READY/FAILED) and progress never
 * goes down; a progress update (PROCESSING) for a PLAYABLE video moves its progress only. Of the
 * terminal records READY is the final truth: a READY is never replaced by FAILED (a late failure of
 * a task that was retried), while a FAILED is replaced by a later READY (the video was retried
 * after a transient failure, or uploaded again, and made it). Otherwise a terminal record is only
 * replaced by one with the same status (a replay).
 */
public final class StatusMerge {

    private StatusMerge() {}

    /**
     * Returns the record to store, or {@code stored} itself when the update must be ignored.
     *
     * @param stored what the store holds now, or null
     */
    public static VideoRecord merge(VideoRecord stored, VideoRecord update) {
        VideoRecord next = update.copy();
        if (next.getStatus() == null) {
            throw new IllegalArgumentException("VideoRecord without status: " + update);
        }
        if (next.getStatus() == VideoStatus.READY) {
            next.setProgressPercent(100);
        }
        next.setProgressPercent(Math.max(0, Math.min(100, next.getProgressPercent())));
        if (next.getUpdatedAtMillis() <= 0) {
            next.setUpdatedAtMillis(System.currentTimeMillis());
        }
        if (stored == null) {
            return next;
        }
        if (stored.getStatus() == VideoStatus.PLAYABLE
                && next.getStatus() == VideoStatus.PROCESSING) {
            // Its playlists are published and grow: the video stays PLAYABLE, with the news.
            VideoRecord playable = stored.copy();
            if (next.getProgressPercent() > stored.getProgressPercent()) {
                playable.setProgressPercent(next.getProgressPercent());
                playable.setChunksDone(next.getChunksDone());
                playable.setChunksTotal(next.getChunksTotal());
            }
            playable.setUpdatedAtMillis(next.getUpdatedAtMillis());
            return playable;
        }
        boolean readyAfterFailure =
                stored.getStatus() == VideoStatus.FAILED && next.getStatus() == VideoStatus.READY;
        if (next.getStatus().rank() < stored.getStatus().rank()
                || (stored.getStatus().isTerminal()
                        && next.getStatus() != stored.getStatus()
                        && !readyAfterFailure)) {
            return stored;
        }
        if (!next.getStatus().isTerminal()) {
            if (stored.getProgressPercent() > next.getProgressPercent()) {
                // A late progress update: the stored progress and its chunk counts stand.
                next.setChunksDone(stored.getChunksDone());
                next.setChunksTotal(stored.getChunksTotal());
            }
            next.setProgressPercent(
                    Math.max(stored.getProgressPercent(), next.getProgressPercent()));
            if (next.getRenditions().isEmpty()) {
                // Progress updates carry no ladder; keep what an earlier record published.
                next.setRenditions(stored.copy().getRenditions());
            }
        }
        if (next.getSourceUri() == null) {
            next.setSourceUri(stored.getSourceUri());
        }
        if (next.getLabels().isEmpty()) {
            next.setLabels(stored.copy().getLabels());
        }
        if (next.getDurationSeconds() <= 0) {
            next.setDurationSeconds(stored.getDurationSeconds());
        }
        if (next.getChunksTotal() == 0) {
            // A record that does not know the plan (READY, FAILED) keeps the counts seen last.
            next.setChunksDone(stored.getChunksDone());
            next.setChunksTotal(stored.getChunksTotal());
        }
        return next;
    }
}
