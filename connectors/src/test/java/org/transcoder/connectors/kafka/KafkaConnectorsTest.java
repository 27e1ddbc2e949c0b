package org.transcoder.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Argument checks of the Kafka source and sink factories. */
class KafkaConnectorsTest {

    @Test
    void blankBootstrapServersAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> CompletionSink.exactlyOnce(" ", "video-completions", "tx"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "bootstrapServers must not be blank (host:port[,host:port...]), got ' '");
    }

    @Test
    void badTopicAndMissingPrefixAreRejected() {
        assertThatThrownBy(() -> CompletionSink.exactlyOnce("localhost:9092", "bad topic", "p"))
                .hasMessage("topic must be 1-249 characters of [A-Za-z0-9._-], got 'bad topic'");
        assertThatThrownBy(() -> CompletionSink.exactlyOnce("localhost:9092", "t", null))
                .hasMessage("transactionalIdPrefix must not be blank, got 'null'");
        assertThatThrownBy(() -> UploadSource.create("localhost:9092", "video-uploads", ""))
                .hasMessage("groupId must not be blank, got ''");
    }

    @Test
    void validArgumentsBuild() {
        assertThat(UploadSource.create("localhost:9092", "video-uploads", "transcoder"))
                .isNotNull();
        assertThat(CompletionSink.exactlyOnce("localhost:9092", "video-completions", "tx"))
                .isNotNull();
        assertThat(CompletionSink.exactlyOnce("localhost:9092", "video-failures", "p")).isNotNull();
    }
}
