package org.transcoder.connectors.kafka;

import org.apache.flink.util.Preconditions;

/** Argument checks shared by the source and sink factories, with messages that say what to pass. */
final class KafkaArgs {

    private KafkaArgs() {}

    static String bootstrapServers(String value) {
        Preconditions.checkArgument(
                value != null && !value.isBlank(),
                "bootstrapServers must not be blank (host:port[,host:port...]), got '%s'",
                value);
        return value.trim();
    }

    static String topic(String value) {
        Preconditions.checkArgument(
                value != null && value.matches("[A-Za-z0-9._-]{1,249}"),
                "topic must be 1-249 characters of [A-Za-z0-9._-], got '%s'",
                value);
        return value;
    }

    static String nonBlank(String name, String value) {
        Preconditions.checkArgument(
                value != null && !value.isBlank(), "%s must not be blank, got '%s'", name, value);
        return value;
    }
}
