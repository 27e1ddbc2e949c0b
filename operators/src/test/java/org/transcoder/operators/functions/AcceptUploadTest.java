package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.transcoder.connectors.events.UploadEvent;

class AcceptUploadTest {

    @Test
    void aRepeatedSourceIsADuplicateUntilItsAcceptanceExpires() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, UploadEvent, UploadEvent> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new AcceptUpload(), UploadEvent::getVideoId, Types.STRING)) {
            h.setStateTtlProcessingTime(0);
            h.processElement(UploadEvent.of("v", "s3://b/a.mp4"), 0);
            h.processElement(UploadEvent.of("v", "s3://b/a.mp4"), 1); // a producer's retry
            assertThat(h.extractOutputValues()).hasSize(1);

            // A new source is a new upload of the video.
            h.processElement(UploadEvent.of("v", "s3://b/b.mp4"), 2);
            assertThat(h.extractOutputValues()).hasSize(2);

            // Thirty days on, the acceptance is forgotten: state does not grow forever.
            h.setStateTtlProcessingTime(AcceptUpload.ACCEPTED_TTL.toMillis() + 10);
            h.processElement(UploadEvent.of("v", "s3://b/b.mp4"), 3);
            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(h.getSideOutput(Outputs.STATUS)).hasSize(3); // one RECEIVED each
        }
    }
}
