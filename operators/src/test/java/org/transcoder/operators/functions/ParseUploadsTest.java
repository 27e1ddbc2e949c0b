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

    private static final List<String> ROOTS = List.of("file:///in", "s3://uploads");

    private OneInputStreamOperatorTestHarness<IncomingUpload, UploadEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ParseUploads(ROOTS)));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void malformedPayloadIsRejectedWithAnInvalidEventId() throws Exception {
        harness.processElement(
                IncomingUpload.unparseable(
                        "Unexpected character '}'", "{\"videoId\":}", "k", "video-uploads", 0, 42L),
                0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        List<VideoRecord> rejected = rejected();
        assertThat(rejected).hasSize(1);
        VideoRecord r = rejected.get(0);
        assertThat(r.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(r.getReasonCode()).isEqualTo(ReasonCode.INVALID_EVENT.name());
        assertThat(r.getVideoId()).isEqualTo("invalid-event@video-uploads/0/42");
        assertThat(r.getMessage())
                .startsWith(ReasonCode.INVALID_EVENT.userText() + ": ")
                .contains("Unexpected character")
                .contains("{\"videoId\":}");
        assertThat(ParseUploads.identifiesVideo(r)).isFalse();
    }

    @Test
    void validIdWithBadSourceSchemeIsRejectedUnderThatId() throws Exception {
        harness.processElement(
                IncomingUpload.parsed(
                        UploadEvent.of("vid-1", "http://example.com/a.mp4"),
                        "{...}",
                        "vid-1",
                        "video-uploads",
                        0,
                        7L),
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
                        UploadEvent.of("../etc/passwd", "file:///in/a.mp4"),
                        "{...}",
                        null,
                        "video-uploads",
                        2,
                        9L),
                0L);

        VideoRecord r = rejected().get(0);
        assertThat(r.getVideoId()).isEqualTo("invalid-event@video-uploads/2/9");
        assertThat(ParseUploads.identifiesVideo(r)).isFalse();
    }

    @Test
    void validEventPasses() throws Exception {
        UploadEvent event = UploadEvent.of("vid-2", "s3://uploads/vid-2/source.mp4");
        event.setPriority(5);
        harness.processElement(
                IncomingUpload.parsed(event, "{...}", "vid-2", "video-uploads", 0, 1L), 0L);

        assertThat(harness.extractOutputValues()).containsExactly(event);
        assertThat(rejected()).isEmpty();
    }

    /**
     * The same offset on two partitions (or topics) gives two ids, and no id the job makes for a
     * rejected event is one an upload could use: '@' and '/' fail the video id rule.
     */
    @Test
    void rejectedEventIdsAreUniquePerRecordAndNeverAValidVideoId() throws Exception {
        for (int partition = 0; partition < 2; partition++) {
            harness.processElement(
                    IncomingUpload.unparseable("bad", "x", null, "video-uploads", partition, 5L),
                    0L);
        }
        harness.processElement(
                IncomingUpload.unparseable("bad", "x", null, "other-uploads", 0, 5L), 0L);
        List<String> ids = rejected().stream().map(VideoRecord::getVideoId).toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(3);
        assertThat(ids).noneMatch(id -> UploadEvent.VIDEO_ID.matcher(id).matches());
        // The id the job used to make is a valid one: a real upload could take it.
        assertThat(UploadEvent.VIDEO_ID.matcher("invalid-event-offset-5").matches()).isTrue();
    }

    /**
     * Each hostile source is rejected here, so preparation never sees it: nothing is opened or
     * downloaded (ParseUploads has no storage or file system to open anything with).
     */
    @Test
    void sourcesOutsideTheRootsOrOfHostileFormNeverReachPreparation() throws Exception {
        List<String> hostile =
                List.of(
                        "file:///etc/passwd",
                        "file:///in/../etc/passwd",
                        "file:///in/%2e%2e/etc/passwd",
                        "file:///in/%252e%252e/etc/passwd",
                        "file:///in/..%2fetc%2fpasswd",
                        "file:///in/..\\etc\\passwd",
                        "file:///inbox/a.mp4",
                        "s3://other/a.mp4",
                        "http://127.0.0.1:8080/a.mp4",
                        "ftp://example.com/a.mp4",
                        "data:video/mp4;base64,AAAA",
                        "jar:file:///in/a.jar!/a.mp4",
                        "concat:file:///in/a.mp4|file:///etc/passwd");
        long offset = 0;
        for (String uri : hostile) {
            harness.processElement(
                    IncomingUpload.parsed(
                            UploadEvent.of("vid-h", uri), "{}", "vid-h", "t", 0, offset++),
                    0L);
        }
        UploadEvent longId = UploadEvent.of("v".repeat(65), "s3://uploads/a.mp4");
        UploadEvent bigLabel = UploadEvent.of("vid-l", "s3://uploads/a.mp4");
        bigLabel.setLabels(java.util.Map.of("k", "x".repeat(UploadEvent.MAX_LABEL_VALUE + 1)));
        for (UploadEvent e : List.of(longId, bigLabel)) {
            harness.processElement(IncomingUpload.parsed(e, "{}", null, "t", 0, offset++), 0L);
        }

        assertThat(harness.extractOutputValues()).isEmpty();
        List<VideoRecord> rejected = rejected();
        assertThat(rejected).hasSize(hostile.size() + 2);
        assertThat(rejected)
                .allSatisfy(
                        r -> {
                            assertThat(r.getReasonCode())
                                    .isEqualTo(ReasonCode.INVALID_EVENT.name());
                            // The user sees no path of the server, not even the one sent.
                            assertThat(r.getMessage()).doesNotContain("/etc/passwd");
                        });
    }

    private List<VideoRecord> rejected() {
        var side = harness.getSideOutput(Outputs.REJECTED_EVENTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }
}
