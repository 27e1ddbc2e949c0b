package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;
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
        t.setEncodeSpecJson(Json.write(EncodeChunkTest.SPEC)); // its first rung: 360p
        return t;
    }

    @Test
    void aTaskNotMarkedStartsAtOnce() {
        assertThat(FirstChunkWait.ready(storage(), audio(false), 0)).isTrue();
        assertThat(FirstChunkWait.videoEnded(storage(), audio(false))).isFalse();
    }

    @Test
    void aMarkedTaskStartsWhenTheFirstSegmentIsStoredOrAfterTheLongestWait() {
        ObjectStorage s = storage();
        s.putString(OutputLayout.stagedChunk("v1", GENERATION, 0), "staged");
        MediaTask task = audio(true);
        assertThat(FirstChunkWait.ready(s, task, 0)).isFalse();
        assertThat(FirstChunkWait.ready(s, task, FirstChunkWait.MAX_WAIT.toMillis())).isTrue();

        s.putString(FirstChunkWait.firstSegmentKey(task), "segment");

        assertThat(FirstChunkWait.ready(s, task, 0)).isTrue();
        assertThat(FirstChunkWait.videoEnded(s, task)).isFalse();
        // The first rung's first segment, under the upload's generation (EncodeChunkTest: what
        // chunk 0 writes).
        assertThat(FirstChunkWait.firstSegmentKey(task))
                .isEqualTo(
                        OutputLayout.videoFile(
                                "v1",
                                "360p/" + OutputLayout.segmentPath(GENERATION, "seg_00000.m4s")));
    }

    @Test
    void aMarkedTaskOfAVideoThatEndedStartsAndHasNothingToDo() {
        // No staged first chunk: the video's FAILED end removed its staging.
        assertThat(FirstChunkWait.ready(storage(), audio(true), 0)).isTrue();
        assertThat(FirstChunkWait.videoEnded(storage(), audio(true))).isTrue();
        assertThat(FirstChunkWait.notRun(audio(true)).isSuccess()).isFalse();
    }
}
