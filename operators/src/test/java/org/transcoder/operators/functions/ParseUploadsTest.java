package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.events.IncomingUpload;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.media.ReasonCode;

class ParseUploadsTest {

    private OneInputStreamOperatorTestHarness<IncomingUpload, UploadEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseUploads()));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void malformedPayloadIsRejectedWithAnInvalidEventId() throws Exception {
        harness.processElement(
                IncomingUpload.unparseable("Unexpected character '}'", "{\"videoId\":}", "k", 42L),
                0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        List<VideoRecord> rejected = rejected();
        assertThat(rejected).hasSize(1);
        VideoRecord r = rejected.get(0);
        assertThat(r.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(r.getReasonCode()).isEqualTo(ReasonCode.INVALID_EVENT.name());
        assertThat(r.getVideoId()).isEqualTo(ParseUploads.UNIDENTIFIED_PREFIX + 42);
        assertThat(r.getMessage()).contains("Unexpected character").contains("{\"videoId\":}");
        assertThat(ParseUploads.identifiesVideo(r)).isFalse();
    }

    @Test
    void validIdWithBadSourceSchemeIsRejectedUnderThatId() throws Exception {
        harness.processElement(
                IncomingUpload.parsed(
                        UploadEvent.of("vid-1", "http://example.com/a.mp4"), "{...}", "vid-1", 7L),
                0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        List<VideoRecord> rejected = rejected();
        assertThat(rejected).hasSize(1);
        VideoRecord r = rejected.get(0);
        assertThat(r.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(r.getReasonCode()).isEqualTo(ReasonCode.INVALID_EVENT.name());
        assertThat(r.getVideoId()).isEqualTo("vid-1");
        assertThat(r.getSourceUri()).isEqualTo("http://example.com/a.mp4");
        assertThat(r.getMessage()).contains("scheme");
        assertThat(ParseUploads.identifiesVideo(r)).isTrue();
    }

    @Test
    void invalidVideoIdGetsAnInvalidEventId() throws Exception {
        harness.processElement(
                IncomingUpload.parsed(
                        UploadEvent.of("../etc/passwd", "file:///in/a.mp4"), "{...}", null, 9L),
                0L);

        VideoRecord r = rejected().get(0);
        assertThat(r.getVideoId()).isEqualTo(ParseUploads.UNIDENTIFIED_PREFIX + 9);
        assertThat(ParseUploads.identifiesVideo(r)).isFalse();
    }

    @Test
    void validEventPasses() throws Exception {
        UploadEvent event = UploadEvent.of("vid-2", "s3://uploads/vid-2/source.mp4");
        event.setPriority(5);
        harness.processElement(IncomingUpload.parsed(event, "{...}", "vid-2", 1L), 0L);

        assertThat(harness.extractOutputValues()).containsExactly(event);
        assertThat(rejected()).isEmpty();
    }

    private List<VideoRecord> rejected() {
        var side = harness.getSideOutput(Outputs.REJECTED_EVENTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }
}
