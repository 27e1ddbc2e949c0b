package org.transcoder.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.UploadEventSerializationSchema;
import org.transcoder.connectors.storage.FlinkFileSystems;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.connectors.storage.S3Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Puts each file under {@code --storage} and produces its upload event (keyed by video id, acks
 * from all replicas, idempotent), as a platform's upload service would; prints one line per file:
 * the video id and the source URI. The event goes out only after the object is stored, so the job
 * never sees an event for a missing object.
 */
@Command(
        name = "upload",
        mixinStandardHelpOptions = true,
        description = "Store files and publish their upload events; prints the video ids.")
final class UploadCommand implements Callable<Integer> {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Video files to upload.")
    List<Path> files;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(
            names = "--topic",
            defaultValue = "video-uploads",
            description = "Upload events topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--storage",
            required = true,
            description =
                    "Where the files go, one of the job's storage.source-roots: s3://bucket/prefix"
                            + " or file:///dir.")
    String storage;

    @Option(
            names = "--s3-endpoint",
            defaultValue = "https://s3.amazonaws.com",
            description =
                    "S3 endpoint (default: ${DEFAULT-VALUE}). Credentials from AWS_ACCESS_KEY_ID"
                            + " and AWS_SECRET_ACCESS_KEY.")
    String s3Endpoint;

    @Option(names = "--s3-path-style", description = "Path-style S3 requests (MinIO, s3proxy).")
    boolean s3PathStyle;

    @Option(
            names = "--id",
            description = "Video id (one file only; default: from the file name, made unique).")
    String id;

    @Option(names = "--profile", description = "Ladder profile (default: the job's).")
    String profile;

    @Option(
            names = "--priority",
            defaultValue = "0",
            description = "Priority; higher first (default: ${DEFAULT-VALUE}).")
    int priority;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (id != null && files.size() != 1) {
            throw new IllegalArgumentException("--id names one video: give one file");
        }
        List<UploadEvent> events = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("not a file: " + file);
            }
            String videoId = id != null ? id : videoIdFor(file);
            UploadEvent e = UploadEvent.of(videoId, "pending");
            e.setProfile(profile);
            e.setPriority(priority);
            e.setLabels(labels);
            events.add(e);
        }
        ObjectStorage store = storage();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < files.size(); i++) {
                UploadEvent e = events.get(i);
                String key = e.getVideoId() + "/" + objectName(files.get(i));
                store.put(key, files.get(i));
                e.setSourceUri(store.uri(key));
                e.problem()
                        .ifPresent(
                                p -> {
                                    throw new IllegalArgumentException(p);
                                });
                producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        e.getVideoId(),
                                        UploadEventSerializationSchema.toJson(e)))
                        .get();
                System.out.println(e.getVideoId() + "\t" + e.getSourceUri());
            }
        }
        return 0;
    }

    private ObjectStorage storage() {
        Configuration conf = new Configuration();
        if (storage.startsWith("s3://")) {
            new S3Settings(
                            s3Endpoint,
                            System.getenv("AWS_ACCESS_KEY_ID"),
                            System.getenv("AWS_SECRET_ACCESS_KEY"),
                            s3PathStyle)
                    .applyTo(conf);
        }
        FlinkFileSystems.initialize(conf);
        return ObjectStorage.of(storage);
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** The file's name as an id ([A-Za-z0-9_-]), with a random suffix: every upload is new. */
    static String videoIdFor(Path file) {
        String base = file.getFileName().toString().replaceAll("[^A-Za-z0-9_-]", "-");
        base = base.substring(0, Math.min(base.length(), 50));
        StringBuilder suffix = new StringBuilder("-");
        for (int i = 0; i < 6; i++) {
            suffix.append(Character.forDigit(RANDOM.nextInt(36), 36));
        }
        return base + suffix;
    }

    /** The object's name: the file name's characters a URI path keeps as they are. */
    static String objectName(Path file) {
        return file.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
