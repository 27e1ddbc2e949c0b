package org.transcoder.connectors.events;

import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** Event types travel between operators and may sit in state: they must never fall back to Kryo. */
class EventPojoTest {

    @Test
    void allEventTypesAreFlinkPojos() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(UploadEvent.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(IncomingUpload.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RenditionRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(VideoRecord.class);
    }
}
