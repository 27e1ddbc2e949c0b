package org.transcoder.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.events.StoredText;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.media.ReasonCode;

class FailuresTest {

    @Test
    void aRecordShowsTheReasonsFixedTextAndOnlyTheSanitisedDetail() {
        String stderr =
                "[h264 @ 0x55d0c0a1b2c0] error while decoding MB 3 4\n"
                        + "/var/lib/tm/scratch/task-9/source-1-x.mp4: Invalid data\u0000";
        VideoRecord r =
                Failures.record(
                        "v1",
                        "s3://uploads/x.mp4",
                        ReasonCode.CORRUPT_INPUT,
                        stderr,
                        Map.of("a", "b"));

        assertThat(r.getStatus()).isEqualTo(VideoStatus.FAILED);
        assertThat(r.getReasonCode()).isEqualTo("CORRUPT_INPUT");
        assertThat(r.getLabels()).containsEntry("a", "b");
        assertThat(r.getMessage())
                .startsWith(ReasonCode.CORRUPT_INPUT.userText() + ": ")
                .contains("error while decoding MB 3 4")
                .doesNotContain("0x55d0c0a1b2c0")
                .doesNotContain("/var/lib")
                .doesNotContain("\u0000")
                .doesNotContain("\n");
        assertThat(r.getMessage().length())
                .isLessThanOrEqualTo(
                        ReasonCode.CORRUPT_INPUT.userText().length() + 2 + StoredText.MAX_DETAIL);
    }

    @Test
    void everyReasonHasAFixedTextAndUnknownNamesAreInternalErrors() {
        for (ReasonCode c : ReasonCode.values()) {
            assertThat(c.userText()).as(c.name()).isNotBlank();
            assertThat(Failures.userMessage(c, null)).isEqualTo(c.userText());
            assertThat(Failures.reason(c.name())).isEqualTo(c);
        }
        assertThat(Failures.reason("NO_SUCH_REASON")).isEqualTo(ReasonCode.INTERNAL_ERROR);
        assertThat(Failures.reason(null)).isEqualTo(ReasonCode.INTERNAL_ERROR);
    }
}
