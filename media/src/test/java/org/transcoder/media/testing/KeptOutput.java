package org.transcoder.media.testing;

import java.nio.file.Path;

/**
 * Where a test writes a transcode's output tree: under its temporary directory, or with {@code
 * -Dtranscoder.keepOutput=DIR} in {@code DIR/{name}}, kept to look at after the run.
 */
public final class KeptOutput {

    public static final String PROPERTY = "transcoder.keepOutput";

    private KeptOutput() {}

    public static Path dir(Path tmp, String name) {
        String keep = System.getProperty(PROPERTY);
        return keep == null ? tmp.resolve("out") : Path.of(keep).toAbsolutePath().resolve(name);
    }
}
