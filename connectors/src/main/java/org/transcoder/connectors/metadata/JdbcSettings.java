package org.transcoder.connectors.metadata;

import java.io.Serializable;
import org.apache.flink.util.Preconditions;

/** How to reach the PostgreSQL metadata database. */
public record JdbcSettings(String url, String user, String password) implements Serializable {

    public JdbcSettings {
        Preconditions.checkArgument(
                url != null && url.startsWith("jdbc:postgresql:"),
                "JDBC url must start with jdbc:postgresql:, got '%s'",
                url);
    }

    @Override
    public String toString() {
        return "JdbcSettings{url=" + url + ", user=" + user + "}";
    }
}
