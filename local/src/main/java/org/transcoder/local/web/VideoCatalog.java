package org.transcoder.local.web;

import java.util.List;
import java.util.Optional;
import org.transcoder.connectors.events.VideoRecord;

/** Where the pages read videos from: the metadata store in local mode, a fixed list in tests. */
public interface VideoCatalog {

    /** The most recently updated videos, newest first, at most {@code limit}. */
    List<VideoRecord> recent(int limit);

    /** One video's record, as a video page reads it. */
    Optional<VideoRecord> find(String videoId);
}
