package org.transcoder.operators.functions;

import java.nio.file.Path;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.operators.Failures;
import org.transcoder.operators.OperatorSettings;
import org.transcoder.operators.model.Publication;

/**
 * Carries out a video's end off the task thread: writes its playlists (the master last), deletes
 * its staging data (and a failed video's partial outputs), then emits the terminal record. Storage
 * that is down is waited out with backoff; a ladder whose playlists still cannot be written ends
 * FAILED with STORAGE_ERROR, and a deletion that cannot be done is left to the orphan sweep.
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
        return 2;
    }

    @Override
    protected VideoRecord attempt(Publication p, Path scratch, int attempt) throws Exception {
        return carryOut(storage, p);
    }

    /** Writes the publication's files in order, deletes its prefixes, returns its record. */
    static VideoRecord carryOut(ObjectStorage storage, Publication p) throws MediaException {
        try {
            for (int i = 0; i < p.getFileKeys().size(); i++) {
                storage.putString(p.getFileKeys().get(i), p.getFileContents().get(i));
            }
        } catch (RuntimeException e) {
            throw new MediaException(
                    ReasonCode.STORAGE_ERROR, "Cannot write playlists: " + e.getMessage(), e);
        }
        for (String prefix : p.getDeletePrefixes()) {
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

    @Override
    protected VideoRecord failure(Publication p, ReasonCode reason, String message, int attempts) {
        VideoRecord record = p.getRecord();
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
