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
