package org.transcoder.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class VideoRecordTest {

    @Test
    void readyRecordRoundTripsThroughTheKafkaSchema() {
        VideoRecord r =
                VideoRecord.ready(
                        "v1",
                        "s3://uploads/v1.mp4",
                        "s3://transcoder/videos/v1/master.m3u8",
                        "s3://transcoder/videos/v1/thumbnails/poster.jpg",
                        12.5,
                        List.of(
                                new RenditionRecord(
                                        "720p",
                                        1280,
                                        720,
                                        3_000_000,
                                        2_500_000,
                                        "avc1.64001f,mp4a.40.2",
                                        "720p/index.m3u8")));
        r.setLabels(Map.of("user", "u1"));
        ProducerRecord<byte[], byte[]> pr =
                new VideoRecordSerializationSchema("video-completions").serialize(r, null, 42L);
        assertThat(pr.topic()).isEqualTo("video-completions");
        assertThat(new String(pr.key(), StandardCharsets.UTF_8)).isEqualTo("v1");
        assertThat(pr.timestamp()).isEqualTo(42L);
        String json = new String(pr.value(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"status\":\"READY\"").doesNotContain("reasonCode");
        assertThat(VideoRecordSerializationSchema.fromJson(pr.value())).isEqualTo(r);
        assertThat(r.getProgressPercent()).isEqualTo(100);
    }

    @Test
    void factories() {
        VideoRecord f =
                VideoRecord.failed("v2", "file:///x.mp4", "CORRUPT_INPUT", "no video stream");
        assertThat(f.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(f.getReasonCode()).isEqualTo("CORRUPT_INPUT");
        assertThat(f.getRenditions()).isEmpty();
        assertThat(f.getUpdatedAtMillis()).isPositive();
        assertThat(VideoRecord.processing("v2", null, 40).getProgressPercent()).isEqualTo(40);
        assertThat(VideoRecord.received("v2", null, null).getLabels()).isEmpty();
        assertThat(VideoStatus.READY.isTerminal()).isTrue();
        assertThat(VideoStatus.FAILED.isTerminal()).isTrue();
        assertThat(VideoStatus.PROCESSING.isTerminal()).isFalse();
        assertThat(VideoStatus.RECEIVED.isTerminal()).isFalse();
    }

    @Test
    void copyDoesNotAlias() {
        VideoRecord r = VideoRecord.ready("v", null, "m", null, 1, List.of(new RenditionRecord()));
        VideoRecord c = r.copy();
        assertThat(c).isEqualTo(r);
        c.getRenditions().get(0).setName("x");
        assertThat(r.getRenditions().get(0).getName()).isNull();
    }

    @Test
    void schemaChecksItsTopic() {
        assertThatThrownBy(() -> new VideoRecordSerializationSchema(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic must not be blank");
    }
}
