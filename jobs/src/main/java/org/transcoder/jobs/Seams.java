package org.transcoder.jobs;

import java.io.Serializable;
import org.apache.flink.util.function.SerializableSupplier;
import org.transcoder.media.encode.ChunkEncoder;
import org.transcoder.operators.functions.PrepareVideo;

/**
 * Where tests put a hostile upload's effects into the real job: a preparation that throws or takes
 * minutes, an encoder that crashes. Production runs with {@link #NONE}.
 *
 * @param prepareFault runs before each preparation attempt
 * @param chunkEncoder makes the chunk encoder of each encode instance; null for the production one
 */
public record Seams(
        PrepareVideo.Fault prepareFault, SerializableSupplier<ChunkEncoder> chunkEncoder)
        implements Serializable {

    public static final Seams NONE = new Seams((event, attempt) -> {}, null);
}
