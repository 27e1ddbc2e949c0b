package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.Rendition;
import org.transcoder.operators.Json;
import org.transcoder.operators.model.MediaTask;
import org.transcoder.operators.model.TaskKind;

/** When a video's background tasks may start, on a real file:// storage root. */
class FirstChunkWaitTest {

    private static final long GENERATION = 42;

    @TempDir Path root;

    private ObjectStorage storage() {
        return ObjectStorage.of("file://" + root);
    }

    private static MediaTask audio(boolean afterFirstChunk) {
        MediaTask t = new MediaTask();
        t.setVideoId("v1");
        t.setKind(TaskKind.AUDIO);
        t.setGeneration(GENERATION);
        t.setAfterFirstChunk(afterFirstChunk);
        t.setEncodeSpecJson(
                Json.write(
                        new EncodeSpec(
                                List.of(new Rendition("360p", 640, 360, 23, 800, 1600)),
                                "veryfast",
                                "high",
                                2.0,
                                30.0,
                                0,
                                false,
                                null,
                                0,
                                30.0)));
        return t;
    }

    @Test
    void aTaskNotMarkedStartsAtOnce() throws Exception {
        assertThat(FirstChunkWait.await(storage(), audio(false))).isTrue();
    }

    @Test
    void aMarkedTaskStartsWhenTheFirstSegmentIsStored() throws Exception {
        ObjectStorage s = storage();
        s.putString(OutputLayout.stagedChunk("v1", GENERATION, 0), "staged");
        MediaTask task = audio(true);
        CompletableFuture<Boolean> go =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return FirstChunkWait.await(s, task);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        Thread.sleep(500);
        assertThat(go).isNotDone();

        s.putString(FirstChunkWait.firstSegmentKey(task), "segment");

        assertThat(go.get(5, TimeUnit.SECONDS)).isTrue();
        // The first rung's first segment, under the upload's generation (EncodeChunkTest: what
        // chunk 0 writes).
        assertThat(FirstChunkWait.firstSegmentKey(task))
                .isEqualTo(
                        OutputLayout.videoFile(
                                "v1",
                                "360p/" + OutputLayout.segmentPath(GENERATION, "seg_00000.m4s")));
    }

    @Test
    void aMarkedTaskOfAVideoThatEndedHasNothingToDo() throws Exception {
        // No staged first chunk: the video's FAILED end removed its staging.
        assertThat(FirstChunkWait.await(storage(), audio(true))).isFalse();
        assertThat(FirstChunkWait.videoEnded(audio(true)).isSuccess()).isFalse();
    }
}
