package org.transcoder.connectors.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.transcoder.connectors.events.EventJson;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.events.VideoStatus;
import redis.clients.jedis.RedisClient;

/**
 * The metadata store of videos: PostgreSQL is the truth, Redis holds the hot per-video record a
 * video page reads ({@code video:{id}}).
 *
 * <p>Why not flink-connector-jdbc: one writer must upsert PostgreSQL and then refresh Redis with
 * what PostgreSQL ended up storing, in that order, and the upsert is a read-decide-write (see
 * {@link StatusMerge}) over two tables in one transaction. The JDBC sink batches single statements
 * and knows nothing of the cache, so PostgreSQL and Redis could disagree after a failure.
 *
 * <p>Failures surface as {@link MetadataException} (database) or Jedis exceptions (cache).
 *
 * <p>Not thread-safe: one store per writer (it holds one JDBC connection, reopened when broken).
 */
public class MetadataStore implements AutoCloseable {

    public static final String REDIS_KEY_PREFIX = "video:";

    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

    private final JdbcSettings jdbc;
    private final RedisClient redis;
    private Connection connection;

    public MetadataStore(JdbcSettings jdbc, RedisSettings redis) {
        this.jdbc = jdbc;
        this.redis = RedisClient.create(redis.uri());
    }

    /** Creates or upgrades the schema (Flyway, db/migration on the classpath). */
    public void migrate() {
        Flyway.configure(MetadataStore.class.getClassLoader())
                .dataSource(jdbc.url(), jdbc.user(), jdbc.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /**
     * Stores {@code update} merged with what is stored (status and progress only move forward),
     * replaces the rendition rows, commits, then refreshes the Redis record. Idempotent.
     *
     * @return the record as stored now
     */
    public VideoRecord upsert(VideoRecord update) {
        try {
            return upsertOrThrow(update);
        } catch (SQLException e) {
            throw new MetadataException("cannot upsert video " + update.getVideoId(), e);
        }
    }

    private VideoRecord upsertOrThrow(VideoRecord update) throws SQLException {
        VideoRecord stored;
        Connection c = connection();
        try {
            c.setAutoCommit(false);
            lockVideo(c, update.getVideoId());
            VideoRecord current = select(c, update.getVideoId(), true).orElse(null);
            stored = StatusMerge.merge(current, update);
            if (stored != current) {
                writeVideo(c, stored);
                replaceRenditions(c, stored);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        }
        redis.set(
                redisKey(stored.getVideoId()), VideoRecordSerializationSchema.toJsonString(stored));
        return stored;
    }

    /** The stored record, from PostgreSQL. */
    public Optional<VideoRecord> find(String videoId) {
        try {
            Connection c = connection();
            c.setAutoCommit(true);
            return select(c, videoId, false);
        } catch (SQLException e) {
            throw new MetadataException("cannot read video " + videoId, e);
        }
    }

    /**
     * The most recently updated videos, newest first, at most {@code limit} (a list page). One
     * query per video on top of the listing: a page of a few hundred rows locally, not a report.
     */
    public List<VideoRecord> recent(int limit) {
        try {
            Connection c = connection();
            c.setAutoCommit(true);
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT video_id FROM videos ORDER BY updated_at DESC, video_id"
                                    + " LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            List<VideoRecord> videos = new ArrayList<>();
            for (String id : ids) {
                select(c, id, false).ifPresent(videos::add);
            }
            return videos;
        } catch (SQLException e) {
            throw new MetadataException("cannot list videos", e);
        }
    }

    /** The cached record, from Redis (what a video page reads). */
    public Optional<VideoRecord> cached(String videoId) {
        return cached(redis, videoId);
    }

    /** The cached record from Redis alone, without PostgreSQL (the status command). */
    public static Optional<VideoRecord> cached(RedisSettings settings, String videoId) {
        try (RedisClient client = RedisClient.create(settings.uri())) {
            return cached(client, videoId);
        }
    }

    private static Optional<VideoRecord> cached(RedisClient redis, String videoId) {
        String json = redis.get(redisKey(videoId));
        return json == null
                ? Optional.empty()
                : Optional.of(VideoRecordSerializationSchema.fromJson(json));
    }

    public static String redisKey(String videoId) {
        return REDIS_KEY_PREFIX + videoId;
    }

    private static final String UPSERT_VIDEO =
            "INSERT INTO videos (video_id, status, progress_percent, reason_code, message, source_uri,"
                    + " manifest_uri, poster_uri, duration_seconds, labels, updated_at, chunks_done,"
                    + " chunks_total, dash_manifest_uri)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)"
                    + " ON CONFLICT (video_id) DO UPDATE SET status = EXCLUDED.status,"
                    + " progress_percent = EXCLUDED.progress_percent, reason_code = EXCLUDED.reason_code,"
                    + " message = EXCLUDED.message, source_uri = EXCLUDED.source_uri,"
                    + " manifest_uri = EXCLUDED.manifest_uri, poster_uri = EXCLUDED.poster_uri,"
                    + " duration_seconds = EXCLUDED.duration_seconds, labels = EXCLUDED.labels,"
                    + " updated_at = EXCLUDED.updated_at, chunks_done = EXCLUDED.chunks_done,"
                    + " chunks_total = EXCLUDED.chunks_total,"
                    + " dash_manifest_uri = EXCLUDED.dash_manifest_uri";

    /**
     * Serializes writers of one video for this transaction, including the first insert (a row lock
     * cannot: there is no row yet), so two sink subtasks never merge against a stale read.
     */
    private static void lockVideo(Connection c, String videoId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, videoId);
            ps.execute();
        }
    }

    private static void writeVideo(Connection c, VideoRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT_VIDEO)) {
            ps.setString(1, r.getVideoId());
            ps.setString(2, r.getStatus().name());
            ps.setInt(3, r.getProgressPercent());
            ps.setString(4, r.getReasonCode());
            ps.setString(5, r.getMessage());
            ps.setString(6, r.getSourceUri());
            ps.setString(7, r.getManifestUri());
            ps.setString(8, r.getPosterUri());
            ps.setDouble(9, r.getDurationSeconds());
            ps.setString(10, toJson(r.getLabels()));
            ps.setTimestamp(11, new Timestamp(r.getUpdatedAtMillis()));
            ps.setInt(12, r.getChunksDone());
            ps.setInt(13, r.getChunksTotal());
            ps.setString(14, r.getDashManifestUri());
            ps.executeUpdate();
        }
    }

    private static void replaceRenditions(Connection c, VideoRecord r) throws SQLException {
        try (PreparedStatement del =
                c.prepareStatement("DELETE FROM renditions WHERE video_id = ?")) {
            del.setString(1, r.getVideoId());
            del.executeUpdate();
        }
        if (r.getRenditions().isEmpty()) {
            return;
        }
        try (PreparedStatement ins =
                c.prepareStatement(
                        "INSERT INTO renditions (video_id, name, width, height, bandwidth,"
                                + " average_bandwidth, codecs, playlist_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (RenditionRecord x : r.getRenditions()) {
                ins.setString(1, r.getVideoId());
                ins.setString(2, x.getName());
                ins.setInt(3, x.getWidth());
                ins.setInt(4, x.getHeight());
                ins.setLong(5, x.getBandwidth());
                ins.setLong(6, x.getAverageBandwidth());
                ins.setString(7, x.getCodecs());
                ins.setString(8, x.getPlaylistUri());
                ins.addBatch();
            }
            ins.executeBatch();
        }
    }

    private static Optional<VideoRecord> select(Connection c, String videoId, boolean forUpdate)
            throws SQLException {
        VideoRecord r;
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT status, progress_percent, reason_code, message, source_uri, manifest_uri,"
                                + " poster_uri, duration_seconds, labels::text, updated_at, chunks_done,"
                                + " chunks_total, dash_manifest_uri FROM videos"
                                + " WHERE video_id = ?"
                                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, videoId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                r = new VideoRecord();
                r.setVideoId(videoId);
                r.setStatus(VideoStatus.valueOf(rs.getString(1)));
                r.setProgressPercent(rs.getInt(2));
                r.setReasonCode(rs.getString(3));
                r.setMessage(rs.getString(4));
                r.setSourceUri(rs.getString(5));
                r.setManifestUri(rs.getString(6));
                r.setPosterUri(rs.getString(7));
                r.setDurationSeconds(rs.getDouble(8));
                r.setLabels(fromJson(rs.getString(9)));
                r.setUpdatedAtMillis(rs.getTimestamp(10).getTime());
                r.setChunksDone(rs.getInt(11));
                r.setChunksTotal(rs.getInt(12));
                r.setDashManifestUri(rs.getString(13));
            }
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT name, width, height, bandwidth, average_bandwidth, codecs, playlist_uri"
                                + " FROM renditions WHERE video_id = ? ORDER BY height DESC, bandwidth DESC")) {
            ps.setString(1, videoId);
            List<RenditionRecord> renditions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    renditions.add(
                            new RenditionRecord(
                                    rs.getString(1),
                                    rs.getInt(2),
                                    rs.getInt(3),
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    rs.getString(6),
                                    rs.getString(7)));
                }
            }
            r.setRenditions(renditions);
        }
        return Optional.of(r);
    }

    private Connection connection() throws SQLException {
        if (connection != null && !connection.isValid(2)) {
            closeQuietly();
        }
        if (connection == null) {
            Properties props = new Properties();
            if (jdbc.user() != null) {
                props.setProperty("user", jdbc.user());
            }
            if (jdbc.password() != null) {
                props.setProperty("password", jdbc.password());
            }
            // Defaults so a hung database fails the writer (and Flink retries) instead of blocking
            // it forever; parameters in the URL win.
            props.setProperty("connectTimeout", "10");
            props.setProperty("socketTimeout", "60");
            props.setProperty("ApplicationName", "transcoder");
            connection = DriverManager.getConnection(jdbc.url(), props);
        }
        return connection;
    }

    private static String toJson(Map<String, String> labels) {
        try {
            return EventJson.MAPPER.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("labels are not JSON-able: " + labels, e);
        }
    }

    private static Map<String, String> fromJson(String json) throws SQLException {
        try {
            return EventJson.MAPPER.readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new SQLException("labels column is not a string map: " + json, e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is probably gone; connection() replaces it
        }
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // closing a broken connection
        } finally {
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
        redis.close();
    }
}
