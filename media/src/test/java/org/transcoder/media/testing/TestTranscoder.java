package org.transcoder.media.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.Transcoder;

/** The whole-file Transcoder the media tests run: default options, 2 slots, scratch in tmp/work. */
public final class TestTranscoder {

    private TestTranscoder() {}

    public static Transcoder in(Path tmp) throws IOException {
        return new Transcoder(
                TranscodeOptions.defaults()
                        .withThreads(2)
                        .withWorkDir(Files.createDirectories(tmp.resolve("work"))));
    }
}
