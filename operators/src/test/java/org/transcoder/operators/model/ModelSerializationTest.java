package org.transcoder.operators.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.stream.Stream;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.connectors.events.IncomingUpload;
import org.transcoder.connectors.events.UploadEvent;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.operators.Json;

/**
 * Every type kept in state or sent between operators is serialized as a Flink POJO, and none of its
 * fields falls back to Kryo: a Kryo fallback would make savepoints break on class changes.
 */
class ModelSerializationTest {

    static Stream<Class<?>> modelTypes() {
        return Stream.of(
                VideoPlan.class,
                MediaTask.class,
                TaskResult.class,
                SegmentInfo.class,
                RenditionInfo.class,
                Preparation.class,
                Publication.class,
                // Records of the connectors module that travel between the operators.
                IncomingUpload.class,
                UploadEvent.class,
                VideoRecord.class);
    }

    @ParameterizedTest
    @MethodSource("modelTypes")
    void isPojoWithoutKryo(Class<?> type) {
        assertThatCode(() -> PojoTestUtils.assertSerializedAsPojoWithoutKryo(type))
                .doesNotThrowAnyException();
    }

    /**
     * The chunk plans a staging task carries as JSON: one written before chunks had a staging
     * offset reads with none, and the offset of a video that starts before 0 survives the trip.
     */
    @Test
    void chunkPlansFromBeforeTheStagingOffsetReadWithoutOne() {
        String old =
                "[{\"index\":1,\"startPts\":4.0,\"endPts\":18.0,\"seekPts\":4.0,"
                        + "\"keyframeAligned\":true,\"frameCount\":420,\"firstSegment\":1,"
                        + "\"segmentCount\":4}]";
        ChunkSpec read = Json.read(old, ChunkSpec[].class)[0];
        assertThat(read).isEqualTo(new ChunkSpec(1, 4.0, 18.0, 4.0, true, 420, 1, 4, 0));
        assertThat(read.stagingOffsetSeconds()).isZero();

        ChunkSpec trimmed = new ChunkSpec(0, 0, 1.1, -0.9, false, 33, 0, 1, 2);
        assertThat(Json.read(Json.write(new ChunkSpec[] {trimmed}), ChunkSpec[].class))
                .containsExactly(trimmed);
    }

    /**
     * A chunk task from a savepoint of the one-segment-per-chunk version numbers like its chunk.
     */
    @Test
    void chunkTaskWithoutSegmentFieldsIsOneSegmentNumberedLikeTheChunk() {
        MediaTask old = new MediaTask();
        old.setIndex(7);
        assertThat(old.getFirstSegment()).isEqualTo(7);
        assertThat(old.getSegmentCount()).isEqualTo(1);
        old.setFirstSegment(28);
        assertThat(old.getFirstSegment()).isEqualTo(28);
    }
}
