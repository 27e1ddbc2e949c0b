package org.transcoder.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.metadata.JdbcSettings;
import org.transcoder.connectors.metadata.MetadataStore;
import org.transcoder.connectors.metadata.RedisSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Shows what the metadata store says of each video: status, progress, reason and message, the
 * manifest and the rungs. Reads PostgreSQL (the record of truth) when given, else the Redis cache
 * (what a video page reads). Exit status 0 when every video is known, 3 when one is not.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show status, progress and reason of videos.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "VIDEO_ID")
    List<String> videoIds;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Store store;

    static final class Store {
        @Option(names = "--redis-uri", description = "Redis of the metadata store (its cache).")
        String redisUri;

        @Option(names = "--jdbc-url", description = "PostgreSQL of the metadata store.")
        String jdbcUrl;

        @Option(names = "--jdbc-user", description = "PostgreSQL user.")
        String jdbcUser;

        @Option(
                names = "--jdbc-password-env",
                defaultValue = "TRANSCODER_DB_PASSWORD",
                description =
                        "Environment variable with the PostgreSQL password (default:"
                                + " ${DEFAULT-VALUE}).")
        String jdbcPasswordEnv;
    }

    @Override
    public Integer call() {
        if (store.jdbcUrl == null && store.redisUri == null) {
            throw new IllegalArgumentException("give --redis-uri or --jdbc-url");
        }
        int unknown = 0;
        if (store.jdbcUrl != null) {
            String password = System.getenv(store.jdbcPasswordEnv);
            try (MetadataStore db =
                    new MetadataStore(
                            new JdbcSettings(
                                    store.jdbcUrl,
                                    store.jdbcUser,
                                    password == null ? "" : password),
                            new RedisSettings(
                                    store.redisUri != null
                                            ? store.redisUri
                                            : "redis://127.0.0.1:6379"))) {
                for (String id : videoIds) {
                    unknown += print(id, db.find(id)) ? 0 : 1;
                }
            }
        } else {
            RedisSettings redis = new RedisSettings(store.redisUri);
            for (String id : videoIds) {
                unknown += print(id, MetadataStore.cached(redis, id)) ? 0 : 1;
            }
        }
        return unknown == 0 ? 0 : 3;
    }

    private static boolean print(String id, Optional<VideoRecord> found) {
        if (found.isEmpty()) {
            System.out.println(id + "\tUNKNOWN");
            return false;
        }
        System.out.println(describe(found.get()));
        return true;
    }

    /** One video as its status line and, when there are any, its reason, manifest and rungs. */
    static String describe(VideoRecord r) {
        StringBuilder b = new StringBuilder();
        b.append(r.getVideoId()).append('\t').append(r.getStatus());
        b.append('\t').append(r.getProgressPercent()).append('%');
        if (r.getReasonCode() != null) {
            b.append('\t').append(r.getReasonCode());
        }
        if (r.getMessage() != null && !r.getMessage().isBlank()) {
            b.append("\n  ").append(r.getMessage());
        }
        if (r.getManifestUri() != null) {
            b.append("\n  manifest: ").append(r.getManifestUri());
        }
        if (r.getRenditions() != null) {
            for (RenditionRecord rung : r.getRenditions()) {
                b.append(
                        String.format(
                                "%n  %-6s %5dx%-5d %9d b/s  %s",
                                rung.getName(),
                                rung.getWidth(),
                                rung.getHeight(),
                                rung.getAverageBandwidth(),
                                rung.getCodecs()));
            }
        }
        return b.toString();
    }
}
