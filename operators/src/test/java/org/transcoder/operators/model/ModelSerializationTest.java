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
import org.transcoder.media.encode.ColorTags;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.encode.VideoFilters;
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
     * The encode spec every task carries as JSON: one written before rungs declared their colours
     * reads without them and encodes as then (no colour filters), and a spec with them survives the
     * trip.
     */
    @Test
    void encodeSpecsFromBeforeColorTagsEncodeAsThen() {
        String old =
                "{\"renditions\":[{\"name\":\"360p\",\"width\":640,\"height\":360,"
                        + "\"crf\":23,\"maxrateKbps\":1000,\"bufsizeKbps\":2000}],"
                        + "\"preset\":\"veryfast\",\"profile\":\"high\",\"gopSeconds\":2.0,"
                        + "\"frameRate\":30.0,\"rotation\":0,\"deinterlace\":false,"
                        + "\"hdrTransfer\":null,\"threadsPerEncode\":1,\"nominalFrameRate\":30.0}";
        EncodeSpec read = Json.read(old, EncodeSpec.class);
        assertThat(read.colors()).isNull();
        assertThat(VideoFilters.chunkGraph(read, 0, 4)).doesNotContain("setparams", "color");

        EncodeSpec tagged =
                new EncodeSpec(
                        read.renditions(),
                        "veryfast",
                        "high",
                        2.0,
                        30.0,
                        0,
                        false,
                        null,
                        1,
                        30.0,
                        new ColorTags("smpte170m", "bt470bg", "bt709", false));
        assertThat(Json.read(Json.write(tagged), EncodeSpec.class)).isEqualTo(tagged);
        assertThat(VideoFilters.chunkGraph(tagged, 0, 4))
                .contains(
                        "setparams=color_primaries=bt470bg:color_trc=bt709:colorspace=smpte170m"
                                + ":range=tv");
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
