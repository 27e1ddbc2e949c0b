package org.transcoder.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredTextTest {

    /** What ffmpeg and the JVM print on hostile files, as a failing step reports it. */
    @Test
    void detailKeepsTheGistAndDropsTheServer() {
        String stderr =
                "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x7f3a5c0012c0] moov atom not found\n"
                        + "/var/lib/transcoder/scratch/task-17-123/source-42-cat.mp4: Invalid data"
                        + " found when processing input\r\n\u0000\u001b[0m"
                        + " (file:///srv/uploads/cat.mp4, at 10.0.3.7:9000)"
                        + " concat:/opt/a.mp4|/home/u/b.mp4";
        String d = StoredText.detail(stderr);
        assertThat(d)
                .contains("moov atom not found")
                .contains("Invalid data found when processing input")
                .doesNotContain("0x7f3a5c0012c0")
                .doesNotContain("/var/lib")
                .doesNotContain("scratch")
                .doesNotContain("file:")
                .doesNotContain("/srv")
                .doesNotContain("/opt")
                .doesNotContain("/home")
                .doesNotContain("10.0.3.7")
                .doesNotContain("\n")
                .doesNotContain("\u0000")
                .doesNotContain("\u001b");
        assertThat(d).contains("<path>").contains("0x...").contains("<host>");
    }

    @Test
    void detailLeavesObjectKeysRatiosAndRelativeNamesAlone() {
        assertThat(StoredText.detail("Cannot write videos/v1/720p/seg_00001.m4s to s3://out/x"))
                .isEqualTo("Cannot write videos/v1/720p/seg_00001.m4s to s3://out/x");
        assertThat(StoredText.detail("frame rate 30000/1001, videoId '../../etc'"))
                .isEqualTo("frame rate 30000/1001, videoId '../../etc'");
    }

    @Test
    void detailIsBounded() {
        assertThat(StoredText.detail("x".repeat(100_000))).hasSize(StoredText.MAX_DETAIL);
        assertThat(StoredText.detail(null)).isEmpty();
    }

    /**
     * The largest record an event can cause stays far below Kafka's 1 MiB max.message.bytes: every
     * string an upload sends is bounded, and cleaning leaves at most 3 UTF-8 bytes a character.
     */
    @Test
    void theLargestRecordAnEventCanCauseIsFarBelowKafkasLimit() {
        String wide = "\u20ac"; // 3 bytes in UTF-8, as the replacement character U+FFFD
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < UploadEvent.MAX_LABELS; i++) {
            String key = String.format("%02d", i) + "k".repeat(62);
            labels.put(key, wide.repeat(UploadEvent.MAX_LABEL_VALUE));
        }
        UploadEvent event = UploadEvent.of("v".repeat(64), "s3://b/" + wide.repeat(2000));
        event.setLabels(labels);
        assertThat(event.problem()).isEmpty();
        VideoRecord r =
                VideoRecord.failed(
                        event.getVideoId(),
                        event.getSourceUri(),
                        "INVALID_EVENT",
                        "\"".repeat(10 * StoredText.MAX_MESSAGE));
        r.setLabels(event.getLabels());
        byte[] json = VideoRecordSerializationSchema.toJson(r);
        assertThat(json.length).isLessThan(64 * 1024);
    }
}
