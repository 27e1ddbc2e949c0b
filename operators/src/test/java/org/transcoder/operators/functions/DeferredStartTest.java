package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.media.ReasonCode;
import org.transcoder.operators.OperatorSettings;

/**
 * An element that may not start yet ({@link RetryingAsyncFunction#readyToStart}) waits outside the
 * queue: on one worker, the element behind it runs meanwhile.
 */
class DeferredStartTest {

    /** Elements allowed to start; static: Flink serializes the function into its operator. */
    private static final Set<String> READY = ConcurrentHashMap.newKeySet();

    @TempDir Path root;
    @TempDir Path workDir;

    /** One worker; "a-..." elements start only once {@link #READY} holds them. */
    static final class Gated extends RetryingAsyncFunction<String, String> {
        Gated(OperatorSettings settings) {
            super(settings);
        }

        @Override
        protected boolean mayWaitToStart(String in) {
            return in.startsWith("a-");
        }

        @Override
        protected boolean readyToStart(String in, long waitedMillis) {
            return !in.startsWith("a-") || READY.contains(in);
        }

        @Override
        protected String attempt(String in, Path scratch, int attempt) {
            return in + " done";
        }

        @Override
        protected String failure(String in, ReasonCode reason, String message, int attempts) {
            return in + " failed";
        }

        @Override
        protected int priority(String in) {
            return 0;
        }

        @Override
        protected int threads() {
            return 1;
        }

        @Override
        protected String completedMetricName() {
            return "done";
        }
    }

    @Test
    void anElementNotReadyHoldsNoWorker() throws Exception {
        OperatorSettings defaults = OperatorSettings.defaults("file://" + root, List.of());
        OperatorSettings settings = defaults.withMedia(defaults.media().withWorkDir(workDir));
        try (OneInputStreamOperatorTestHarness<String, String> h =
                new OneInputStreamOperatorTestHarness<>(
                        new AsyncWaitOperatorFactory<>(
                                new Gated(settings),
                                60_000,
                                10,
                                AsyncDataStream.OutputMode.UNORDERED),
                        Types.STRING.createSerializer(new SerializerConfigImpl()))) {
            h.open();
            synchronized (h.getCheckpointLock()) {
                h.processElement("a-waits", 0);
                h.processElement("b-ready", 0);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (h.extractOutputValues().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                // Completed elements are emitted by mails to the task thread: run them.
                Optional<Mail> mail;
                while ((mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)).isPresent()) {
                    synchronized (h.getCheckpointLock()) {
                        mail.get().run();
                    }
                }
            }
            assertThat(h.extractOutputValues()).containsExactly("b-ready done");

            READY.add("a-waits");
            synchronized (h.getCheckpointLock()) {
                h.endInput();
            }
            assertThat(h.extractOutputValues()).containsExactly("b-ready done", "a-waits done");
        }
    }
}
