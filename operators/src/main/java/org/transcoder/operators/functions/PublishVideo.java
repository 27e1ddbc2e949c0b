package org.transcoder.operators.functions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.MediaException;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ReasonCode;
import org.transcoder.operators.Failures;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.Publication;

/**
 * Carries out a publication off the task thread: writes its playlists (the master last), deletes
 * what it names (a failed video's entry points first, then its partial outputs; staging), then
 * emits its record. Storage that is down is waited out with backoff; a ladder whose playlists still
 * cannot be written ends FAILED with STORAGE_ERROR, and a deletion that cannot be done is left to
 * the orphan sweep. One thread: a video's publications are carried out in the order the assembler
 * made them (same priority, first come first served), so its playlists only grow.
 */
public class PublishVideo extends RetryingAsyncFunction<Publication, VideoRecord> {

    public PublishVideo(OperatorSettings settings) {
        super(settings);
    }

    @Override
    protected String completedMetricName() {
        return "videosPublished";
    }

    @Override
    protected int priority(Publication p) {
        return p.getPriority();
    }

    @Override
    protected int threads() {
        return 1;
    }

    @Override
    protected VideoRecord attempt(Publication p, Path scratch, int attempt) throws Exception {
        return carryOut(storage, p);
    }

    /** Writes the publication's files in order, deletes its prefixes, returns its record. */
    static VideoRecord carryOut(ObjectStorage storage, Publication p) throws MediaException {
        try {
            for (int i = 0; i < p.getFileKeys().size(); i++) {
                String key = p.getFileKeys().get(i);
                String content = p.getFileContents().get(i);
                if (!p.isAppendOnly() || !publishedLonger(storage, key, content)) {
                    storage.putString(key, content);
                }
            }
        } catch (RuntimeException e) {
            throw new MediaException(
                    ReasonCode.STORAGE_ERROR, "Cannot write playlists: " + e.getMessage(), e);
        }
        List<String> deletions = new ArrayList<>(p.getDeleteKeys());
        deletions.addAll(p.getDeletePrefixes());
        for (String prefix : deletions) {
            try {
                storage.deleteRecursively(prefix);
            } catch (RuntimeException e) {
                throw new MediaException(
                        ReasonCode.STORAGE_ERROR,
                        "Cannot delete " + prefix + ": " + e.getMessage(),
                        e);
            }
        }
        return p.getRecord();
    }

    /**
     * Whether storage has a media playlist that already extends {@code content}: written before a
     * restart rolled the assembler back to fewer chunks. Writing the shorter one would take
     * segments back from players that hold them.
     */
    private static boolean publishedLonger(ObjectStorage storage, String key, String content) {
        if (!key.endsWith(".m3u8") || key.endsWith("/" + OutputLayout.MASTER)) {
            return false;
        }
        try {
            if (!storage.exists(key)) {
                return false;
            }
            String published = storage.readString(key);
            return published.length() > content.length() && published.startsWith(content);
        } catch (RuntimeException e) {
            return false; // cannot tell: write it (the write reports a storage that is down)
        }
    }

    @Override
    protected VideoRecord failure(Publication p, ReasonCode reason, String message, int attempts) {
        VideoRecord record = p.getRecord();
        if (p.isAppendOnly()) {
            // The first part of a video still encoded: not published now, its progress is
            // reported; the next publication (at the latest the last) writes every playlist.
            return VideoRecord.processing(
                    record.getVideoId(), record.getSourceUri(), record.getProgressPercent());
        }
        if (record.getStatus() != VideoStatus.READY) {
            return record; // already a failure; what could not be deleted is swept later
        }
        return Failures.record(
                record.getVideoId(),
                record.getSourceUri(),
                reason,
                "Ladder encoded but not published: " + message,
                record.getLabels());
    }
}
