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
        // Never the password, nor the URL's parameters (they may carry one: ?password=...).
        int query = url.indexOf('?');
        return "JdbcSettings{url="
                + (query < 0 ? url : url.substring(0, query) + "?...")
                + ", user="
                + user
                + "}";
    }
}
