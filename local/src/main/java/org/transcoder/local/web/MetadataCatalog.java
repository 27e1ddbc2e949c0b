package org.transcoder.local.web;

import java.util.List;
import java.util.Optional;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.metadata.JdbcSettings;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.metadata.RedisSettings;

/**
 * The videos as the job's metadata store has them: a video page reads the hot Redis record (as a
 * platform's video page would), falling back to PostgreSQL; the list comes from PostgreSQL.
 */
public final class MetadataCatalog implements VideoCatalog, AutoCloseable {

    private final MetadataStore store;

    public MetadataCatalog(JdbcSettings jdbc, RedisSettings redis) {
        this.store = new MetadataStore(jdbc, redis);
    }

    // The store holds one JDBC connection and is not thread-safe; page views are few.
    @Override
    public synchronized List<VideoRecord> recent(int limit) {
        return store.recent(limit);
    }

    @Override
    public synchronized Optional<VideoRecord> find(String videoId) {
        Optional<VideoRecord> cached = store.cached(videoId);
        return cached.isPresent() ? cached : store.find(videoId);
    }

    @Override
    public synchronized void close() {
        store.close();
    }
}
