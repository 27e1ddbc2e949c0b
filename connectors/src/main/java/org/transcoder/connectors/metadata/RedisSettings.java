package org.transcoder.connectors.metadata;

import java.io.Serializable;
import java.net.URI;
import org.apache.flink.util.Preconditions;

/** How to reach the Redis cache, as a URI: {@code redis://[user:password@]host:port[/db]}. */
public record RedisSettings(String redisUri) implements Serializable {

    public RedisSettings {
        Preconditions.checkArgument(
                redisUri != null && redisUri.matches("rediss?://.+"),
                "Redis URI must look like redis://host:port, got '%s'",
                redisUri);
    }

    public URI uri() {
        return URI.create(redisUri);
    }

    @Override
    public String toString() {
        URI u = uri();
        return "RedisSettings{" + u.getScheme() + "://" + u.getHost() + ":" + u.getPort() + "}";
    }
}
