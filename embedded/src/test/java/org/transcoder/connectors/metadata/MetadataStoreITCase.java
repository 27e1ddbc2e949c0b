package org.transcoder.connectors.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.StoredText;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.embedded.EmbeddedPostgres;
import org.transcoder.embedded.EmbeddedRedis;

/** {@link MetadataStore} against a real PostgreSQL and a real Redis. */
class MetadataStoreITCase {

    private static EmbeddedPostgres postgres;
    private static EmbeddedRedis redis;
    private static MetadataStore store;

    @BeforeAll
    static void start(@TempDir Path dir) {
        postgres = EmbeddedPostgres.start(dir);
        redis = EmbeddedRedis.start();
        store = new MetadataStore(postgres.settings(), redis.settings());
        store.migrate();
        store.migrate(); // a second run finds nothing to do
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static RenditionRecord rung(String name, int h) {
        return new RenditionRecord(
                name,
                h * 16 / 9,
                h,
                h * 5000L,
                h * 4000L,
                "avc1.640028,mp4a.40.2",
                name + "/index.m3u8");
    }

    private static long count(String sql) throws Exception {
        var s = postgres.settings();
        try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password());
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void upsertTwiceIsOneRow() throws Exception {
        VideoRecord r = VideoRecord.received("twice", "s3://up/twice.mp4", Map.of("user", "u1"));
        store.upsert(r);
        store.upsert(r);
        assertThat(count("SELECT count(*) FROM videos WHERE video_id = 'twice'")).isEqualTo(1);
        VideoRecord found = store.find("twice").orElseThrow();
        assertThat(found.getStatus()).isEqualTo(VideoStatus.RECEIVED);
        assertThat(found.getLabels()).containsEntry("user", "u1");
        assertThat(found.getUpdatedAtMillis()).isEqualTo(r.getUpdatedAtMillis());
    }

    @Test
    void terminalStatusIsStickyAndProgressNeverDrops() {
        store.upsert(VideoRecord.processing("sticky", "s3://up/s.mp4", 30));
        store.upsert(VideoRecord.processing("sticky", "s3://up/s.mp4", 20));
        assertThat(store.find("sticky").orElseThrow().getProgressPercent()).isEqualTo(30);

        VideoRecord ready =
                VideoRecord.ready(
                        "sticky",
                        "s3://up/s.mp4",
                        "s3://out/videos/sticky/master.m3u8",
                        "s3://out/videos/sticky/thumbnails/poster.jpg",
                        9.5,
                        List.of(rung("720p", 720)));
        ready.setDashManifestUri("s3://out/videos/sticky/manifest.mpd");
        store.upsert(ready);
        VideoRecord late = store.upsert(VideoRecord.processing("sticky", "s3://up/s.mp4", 80));
        assertThat(late.getStatus()).isEqualTo(VideoStatus.READY);

        VideoRecord found = store.find("sticky").orElseThrow();
        assertThat(found.getStatus()).isEqualTo(VideoStatus.READY);
        assertThat(found.getProgressPercent()).isEqualTo(100);
        assertThat(found.getManifestUri()).endsWith("/master.m3u8");
        assertThat(found.getDashManifestUri()).isEqualTo("s3://out/videos/sticky/manifest.mpd");
        assertThat(found.getDurationSeconds()).isEqualTo(9.5);
        assertThat(found.getRenditions()).containsExactly(rung("720p", 720));
        assertThat(store.cached("sticky").orElseThrow()).isEqualTo(found);
    }

    @Test
    void recentListsTheNewestFirst() {
        long now = System.currentTimeMillis();
        VideoRecord older = VideoRecord.received("recent-older", "s3://up/o.mp4", Map.of());
        older.setUpdatedAtMillis(now + 3_600_000L);
        VideoRecord newer = VideoRecord.processing("recent-newer", "s3://up/n.mp4", 40);
        newer.setUpdatedAtMillis(now + 7_200_000L); // later than every other test's rows
        store.upsert(older);
        store.upsert(newer);

        assertThat(store.recent(2))
                .extracting(VideoRecord::getVideoId)
                .containsExactly("recent-newer", "recent-older");
        VideoRecord first = store.recent(1).get(0);
        assertThat(first.getStatus()).isEqualTo(VideoStatus.PROCESSING);
        assertThat(first.getProgressPercent()).isEqualTo(40);
    }

    @Test
    void renditionsAreReplaced() throws Exception {
        store.upsert(
                VideoRecord.ready(
                        "ladder",
                        null,
                        "m",
                        null,
                        1,
                        List.of(rung("720p", 720), rung("480p", 480))));
        assertThat(count("SELECT count(*) FROM renditions WHERE video_id = 'ladder'")).isEqualTo(2);
        store.upsert(VideoRecord.ready("ladder", null, "m", null, 1, List.of(rung("360p", 360))));
        assertThat(store.find("ladder").orElseThrow().getRenditions())
                .containsExactly(rung("360p", 360));
        assertThat(count("SELECT count(*) FROM renditions WHERE video_id = 'ladder'")).isEqualTo(1);
    }

    /** The V4 migration's status: stored, cached, moved by progress, ended by READY. */
    @Test
    void aPlayableVideoIsStoredAndCachedWithItsManifestUntilReady() {
        store.upsert(VideoRecord.processing("early", "s3://up/e.mp4", 10));
        store.upsert(
                VideoRecord.playable(
                        "early",
                        "s3://up/e.mp4",
                        "s3://out/videos/early/master.m3u8",
                        null,
                        60,
                        20));
        store.upsert(VideoRecord.processing("early", null, 55));
        VideoRecord found = store.find("early").orElseThrow();
        assertThat(found.getStatus()).isEqualTo(VideoStatus.PLAYABLE);
        assertThat(found.getManifestUri()).isEqualTo("s3://out/videos/early/master.m3u8");
        assertThat(found.getProgressPercent()).isEqualTo(55);
        assertThat(store.cached("early").orElseThrow()).isEqualTo(found);
        store.upsert(
                VideoRecord.ready(
                        "early",
                        "s3://up/e.mp4",
                        "s3://out/videos/early/master.m3u8",
                        null,
                        60,
                        List.of(rung("720p", 720))));
        assertThat(store.find("early").orElseThrow().getStatus()).isEqualTo(VideoStatus.READY);
    }

    @Test
    void redisHoldsTheStoredRecord() {
        assertThat(store.cached("cached")).isEmpty();
        store.upsert(
                VideoRecord.failed(
                        "cached", "file:///in/c.mp4", "CORRUPT_INPUT", "moov atom not found"));
        VideoRecord cached = store.cached("cached").orElseThrow();
        assertThat(cached.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(cached.getReasonCode()).isEqualTo("CORRUPT_INPUT");
        assertThat(cached).isEqualTo(store.find("cached").orElseThrow());
        // A late progress update leaves both stores on the terminal record.
        store.upsert(VideoRecord.processing("cached", null, 50));
        assertThat(store.cached("cached").orElseThrow().getStatus()).isEqualTo(VideoStatus.FAILED);
    }

    @Test
    void findUnknownIsEmpty() {
        assertThat(store.find("nobody")).isEmpty();
    }

    @Test
    void textFromAnUploadIsStoredCleanedAndBounded() {
        VideoRecord r =
                VideoRecord.failed(
                        "nul-1",
                        "s3://b/a\u0000b",
                        "INVALID_EVENT",
                        "bad: " + "x\u0000".repeat(3000));
        VideoRecord stored = store.upsert(r);
        assertThat(stored.getSourceUri()).isEqualTo("s3://b/a\uFFFDb");
        assertThat(stored.getMessage()).hasSize(StoredText.MAX_MESSAGE).doesNotContain("\u0000");
        assertThat(store.find("nul-1").orElseThrow().getMessage()).isEqualTo(stored.getMessage());
    }

    @Test
    void aRecordTheDatabaseRefusesIsStoredReducedAndNeverThrows() throws Exception {
        VideoRecord r = VideoRecord.failed("refused-1", "s3://b/k", "CORRUPT_INPUT", "broken");
        r.setLabels(Map.of("user", "nul\u0000inside")); // labels are checked by UploadEvent only
        SimpleCounter rejected = new SimpleCounter();
        try (MetadataStore own = new MetadataStore(postgres.settings(), redis.settings())) {
            MetadataSink.Writer writer =
                    new MetadataSink.Writer(
                            own, Duration.ofSeconds(5), 10, new SimpleCounter(), rejected);
            writer.write(r, null);
        }
        assertThat(rejected.getCount()).isEqualTo(1);
        VideoRecord stored = store.find("refused-1").orElseThrow();
        assertThat(stored.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(stored.getReasonCode()).isEqualTo("CORRUPT_INPUT");
        assertThat(stored.getLabels()).isEmpty();
        assertThat(stored.getMessage())
                .startsWith("CORRUPT_INPUT: record refused by the metadata store");
        assertThat(store.cached("refused-1").orElseThrow().getStatus())
                .isEqualTo(VideoStatus.FAILED);
    }

    @Test
    void chunkProgressIsStoredAndCached() {
        VideoRecord p = VideoRecord.processing("chunks", "s3://up/c.mp4", 50);
        p.setChunksDone(3);
        p.setChunksTotal(6);
        store.upsert(p);
        assertThat(store.find("chunks").orElseThrow().getChunksDone()).isEqualTo(3);
        assertThat(store.find("chunks").orElseThrow().getChunksTotal()).isEqualTo(6);
        assertThat(store.cached("chunks").orElseThrow().getChunksTotal()).isEqualTo(6);
    }
}
