package org.transcoder.connectors.storage;

import java.io.Serializable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.Preconditions;

/**
 * Where and how to reach an S3-compatible store, turned into the flink-s3-fs-hadoop options (its
 * {@code s3.*} keys are mirrored to Hadoop's {@code fs.s3a.*}).
 */
public record S3Settings(String endpoint, String accessKey, String secretKey, boolean pathStyle)
        implements Serializable {

    public S3Settings {
        Preconditions.checkArgument(
                endpoint != null && endpoint.matches("https?://.+"),
                "S3 endpoint must be an http(s) URL, got '%s'",
                endpoint);
    }

    public void applyTo(Configuration conf) {
        conf.setString("s3.endpoint", endpoint);
        if (accessKey != null) {
            conf.setString("s3.access-key", accessKey);
        }
        if (secretKey != null) {
            conf.setString("s3.secret-key", secretKey);
        }
        conf.setString("s3.path.style.access", Boolean.toString(pathStyle));
        // Without this every write waits for the deletion of parent "directory" markers.
        conf.setString("s3.directory.marker.retention", "keep");
        if (endpoint.startsWith("http://")) {
            conf.setString("s3.connection.ssl.enabled", "false");
        }
    }

    @Override
    public String toString() {
        // Neither key: a settings object ends up in log lines and exception messages.
        return "S3Settings{endpoint="
                + endpoint
                + ", accessKey="
                + (accessKey == null ? "unset" : "set")
                + ", pathStyle="
                + pathStyle
                + "}";
    }
}
