package org.transcoder.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The input policy's options, and that no native step opens an input any other way. */
class UntrustedInputTest {

    @Test
    void aProbedInputIsOpenedOnlyAsItsDemuxerFromAFile() {
        assertThat(
                        UntrustedInput.probed(
                                Path.of("/scratch/x/source"), "mov,mp4,m4a,3gp,3g2,mj2", 1000))
                .containsExactly(
                        "-protocol_whitelist",
                        "file",
                        "-format_whitelist",
                        "mov",
                        "-f",
                        "mov",
                        "-max_pixels",
                        "1000",
                        "-i",
                        "file:/scratch/x/source");
        assertThat(UntrustedInput.probing(Path.of("/u/concat:a|b"), List.of("matroska", "mov"), 5))
                .containsExactly(
                        "-protocol_whitelist",
                        "file",
                        "-format_whitelist",
                        "matroska,mov",
                        "-max_pixels",
                        "5",
                        "-i",
                        "file:/u/concat:a|b");
        assertThat(UntrustedInput.staged(Path.of("/s/chunk.nut"), 7)).contains("-f", "nut");
    }

    @Test
    void theDemuxerFfmpegRefusedIsNamed() {
        assertThat(
                        UntrustedInput.refusedFormat(
                                "[hls @ 0x5648b5f47080] Format not on whitelist 'mov,mp4'\n"
                                        + "file:x.m3u8: Invalid argument"))
                .isEqualTo("hls");
        assertThat(UntrustedInput.refusedFormat("file:x: Invalid data found")).isNull();
    }

    /** Keeps the policy in one place: every {@code -i} of the main code is UntrustedInput's. */
    @Test
    void noNativeStepOpensAnInputAnotherWay() throws Exception {
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            List<Path> opening =
                    sources.filter(p -> p.toString().endsWith(".java"))
                            .filter(p -> !p.endsWith("UntrustedInput.java"))
                            .filter(p -> read(p).contains("\"-i\""))
                            .toList();
            assertThat(opening).isEmpty();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
