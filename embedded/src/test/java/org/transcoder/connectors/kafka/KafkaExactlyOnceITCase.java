package org.transcoder.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.IncomingUpload;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.UploadEventSerializationSchema;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoRecordSerializationSchema;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.embedded.EmbeddedKafka;

/**
 * Upload events in, completion records out, through a real Kafka broker and a Flink MiniCluster:
 * the job fails once mid-stream, and a read_committed consumer still sees every record exactly once
 * (the failed attempt's open transaction is aborted).
 */
class KafkaExactlyOnceITCase {

    private static final String UPLOADS = "it-uploads";
    private static final String COMPLETIONS = "it-completions";
    private static final int EVENTS = 20;

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka(@TempDir Path dir) {
        kafka = EmbeddedKafka.start(dir);
        kafka.createTopic(UPLOADS, 2);
        kafka.createTopic(COMPLETIONS, 1);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyUploadBecomesExactlyOneCommittedRecordDespiteAFailure() throws Exception {
        Set<String> expected = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                        ByteArraySerializer.class,
                                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                        ByteArraySerializer.class))) {
            for (int i = 0; i < EVENTS; i++) {
                UploadEvent e = UploadEvent.of("video-" + i, "s3://uploads/video-" + i + ".mp4");
                producer.send(
                        new ProducerRecord<>(
                                UPLOADS,
                                UploadEventSerializationSchema.key(e),
                                UploadEventSerializationSchema.toBytes(e)));
                expected.add(e.getVideoId());
            }
            producer.send(
                    new ProducerRecord<>(
                            UPLOADS,
                            "junk".getBytes(StandardCharsets.UTF_8),
                            "{not json".getBytes(StandardCharsets.UTF_8)));
            expected.add("unparsed-junk");
            producer.flush();
        }

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromSource(
                        UploadSource.builder(kafka.bootstrapServers(), UPLOADS, "it-group")
                                .setBounded(OffsetsInitializer.latest())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "uploads")
                .map(new ToRecordFailingOnce())
                .returns(VideoRecord.class)
                .sinkTo(CompletionSink.exactlyOnce(kafka.bootstrapServers(), COMPLETIONS, "it-tx"));
        env.execute("kafka-exactly-once-it");

        assertThat(ToRecordFailingOnce.FAILED.get()).as("the job failed once on purpose").isTrue();
        List<VideoRecord> committed = readCommitted(expected.size());
        assertThat(committed)
                .extracting(VideoRecord::getVideoId)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(committed)
                .filteredOn(r -> r.getVideoId().equals("unparsed-junk"))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getStatus()).isEqualTo(VideoStatus.FAILED);
                            assertThat(r.getReasonCode()).isEqualTo("INVALID_EVENT");
                            assertThat(r.getMessage()).startsWith("malformed JSON");
                        });
    }

    private static List<VideoRecord> readCommitted(int expected) {
        List<VideoRecord> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG,
                                "it-verifier",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                "read_committed",
                                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                                ByteArrayDeserializer.class,
                                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                                ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(COMPLETIONS));
            long deadline = System.currentTimeMillis() + 20_000;
            long quietUntil = Long.MAX_VALUE;
            // Read until everything arrived, then keep listening a moment for duplicates.
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(VideoRecordSerializationSchema.fromJson(r.value()));
                }
                if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 1_000;
                }
            }
        }
        return out;
    }

    /**
     * Turns an upload into a RECEIVED (or FAILED) record; throws once, on the 5th record of a
     * subtask.
     */
    static final class ToRecordFailingOnce implements MapFunction<IncomingUpload, VideoRecord> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private final AtomicInteger seen = new AtomicInteger();

        @Override
        public VideoRecord map(IncomingUpload in) {
            if (seen.incrementAndGet() == 5 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("failing once on purpose");
            }
            if (!in.isParsed()) {
                return VideoRecord.failed(
                        "unparsed-" + in.getKafkaKey(), null, "INVALID_EVENT", in.getError());
            }
            UploadEvent e = in.getEvent();
            return VideoRecord.received(e.getVideoId(), e.getSourceUri(), e.getLabels());
        }
    }
}
