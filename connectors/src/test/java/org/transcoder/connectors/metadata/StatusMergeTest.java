package org.transcoder.connectors.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;

class StatusMergeTest {

    @Test
    void firstRecordIsTakenWithProgressClamped() {
        VideoRecord p = VideoRecord.processing("v", "s3://b/k", 150);
        assertThat(StatusMerge.merge(null, p).getProgressPercent()).isEqualTo(100);
    }

    @Test
    void progressNeverGoesDown() {
        VideoRecord stored = StatusMerge.merge(null, VideoRecord.processing("v", "s3://b/k", 60));
        VideoRecord next = StatusMerge.merge(stored, VideoRecord.processing("v", null, 40));
        assertThat(next.getProgressPercent()).isEqualTo(60);
        assertThat(next.getSourceUri()).isEqualTo("s3://b/k");
    }

    @Test
    void aPlayableVideoStaysPlayableWhileItsProgressMovesAndThenEnds() {
        VideoRecord processing =
                StatusMerge.merge(null, VideoRecord.processing("v", "s3://b/k", 20));
        VideoRecord playable =
                StatusMerge.merge(
                        processing,
                        VideoRecord.playable(
                                "v", "s3://b/k", "s3://o/v/master.m3u8", null, 30, 25));
        assertThat(playable.getStatus()).isEqualTo(VideoStatus.PLAYABLE);
        assertThat(playable.getManifestUri()).isEqualTo("s3://o/v/master.m3u8");

        VideoRecord progress = VideoRecord.processing("v", null, 60);
        progress.setChunksDone(3);
        progress.setChunksTotal(5);
        VideoRecord later = StatusMerge.merge(playable, progress);
        assertThat(later.getStatus()).isEqualTo(VideoStatus.PLAYABLE);
        assertThat(later.getManifestUri()).isEqualTo("s3://o/v/master.m3u8");
        assertThat(later.getProgressPercent()).isEqualTo(60);
        assertThat(later.getChunksDone()).isEqualTo(3);
        // A late, lower progress changes nothing; READY and FAILED end it.
        assertThat(
                        StatusMerge.merge(later, VideoRecord.processing("v", null, 30))
                                .getProgressPercent())
                .isEqualTo(60);
        assertThat(
                        StatusMerge.merge(
                                        later,
                                        VideoRecord.ready("v", null, "m", null, 30, List.of()))
                                .getStatus())
                .isEqualTo(VideoStatus.READY);
        assertThat(
                        StatusMerge.merge(
                                        later, VideoRecord.failed("v", null, "ENCODE_FAILED", "x"))
                                .getStatus())
                .isEqualTo(VideoStatus.FAILED);
        assertThat(StatusMerge.merge(later, VideoRecord.received("v", null, Map.of())))
                .isSameAs(later);
    }

    @Test
    void terminalIsSticky() {
        VideoRecord ready =
                StatusMerge.merge(
                        null, VideoRecord.ready("v", "s3://b/k", "m", null, 3, List.of()));
        assertThat(StatusMerge.merge(ready, VideoRecord.processing("v", null, 99))).isSameAs(ready);
        assertThat(StatusMerge.merge(ready, VideoRecord.received("v", null, Map.of())))
                .isSameAs(ready);
        assertThat(StatusMerge.merge(ready, VideoRecord.failed("v", null, "X", "late")))
                .isSameAs(ready);
        VideoRecord replay =
                StatusMerge.merge(ready, VideoRecord.ready("v", null, "m2", null, 3, List.of()));
        assertThat(replay.getStatus()).isEqualTo(VideoStatus.READY);
        assertThat(replay.getManifestUri()).isEqualTo("m2");
    }

    @Test
    void readyAfterAFailureWinsAndAFailureNeverReplacesReady() {
        VideoRecord failed =
                StatusMerge.merge(null, VideoRecord.failed("v", "s3://b/k", "STORAGE_ERROR", "x"));
        VideoRecord ready =
                StatusMerge.merge(failed, VideoRecord.ready("v", null, "m", null, 3, List.of()));
        assertThat(ready.getStatus()).isEqualTo(VideoStatus.READY);
        assertThat(ready.getReasonCode()).isNull();
        assertThat(ready.getSourceUri()).isEqualTo("s3://b/k");
        assertThat(StatusMerge.merge(ready, VideoRecord.failed("v", null, "X", "late")))
                .isSameAs(ready);
        assertThat(StatusMerge.merge(failed, VideoRecord.processing("v", null, 50)))
                .isSameAs(failed);
    }

    @Test
    void receivedAfterProcessingIsIgnoredButLabelsSurviveProgress() {
        VideoRecord received =
                StatusMerge.merge(null, VideoRecord.received("v", "s3://b/k", Map.of("u", "1")));
        VideoRecord processing = StatusMerge.merge(received, VideoRecord.processing("v", null, 10));
        assertThat(processing.getLabels()).containsEntry("u", "1");
        assertThat(StatusMerge.merge(processing, VideoRecord.received("v", "s3://b/k", Map.of())))
                .isSameAs(processing);
    }

    @Test
    void progressUpdatesKeepPublishedRenditions() {
        RenditionRecord r = new RenditionRecord("240p", 426, 240, 1, 1, "avc1", "240p/index.m3u8");
        VideoRecord withRung = VideoRecord.processing("v", null, 50);
        withRung.setRenditions(List.of(r));
        VideoRecord stored = StatusMerge.merge(null, withRung);
        assertThat(StatusMerge.merge(stored, VideoRecord.processing("v", null, 70)).getRenditions())
                .containsExactly(r);
    }

    @Test
    void chunkCountsGoWithTheProgressKeptAndSurviveTheEnd() {
        VideoRecord at5 = VideoRecord.processing("v", "s3://b/k", 60);
        at5.setChunksDone(5);
        at5.setChunksTotal(8);
        VideoRecord stored = StatusMerge.merge(null, at5);
        VideoRecord late = VideoRecord.processing("v", null, 40);
        late.setChunksDone(3);
        late.setChunksTotal(8);
        VideoRecord afterLate = StatusMerge.merge(stored, late);
        assertThat(afterLate.getProgressPercent()).isEqualTo(60);
        assertThat(afterLate.getChunksDone()).isEqualTo(5);
        VideoRecord ready =
                StatusMerge.merge(
                        afterLate,
                        VideoRecord.ready("v", null, "s3://b/m.m3u8", null, 10, List.of()));
        assertThat(ready.getChunksDone()).isEqualTo(5);
        assertThat(ready.getChunksTotal()).isEqualTo(8);
    }
}
