package org.transcoder.media.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.chunk.ChunkSpec;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.testing.Fixtures;

/**
 * Native crashes must not become crash loops: the encoder runs in a child process, so an encoder
 * that dies of SIGSEGV (as a decoder may on a hostile file) is a task failure with a reason, and
 * this JVM — a TaskManager, in the job — lives on. A hang is killed at the deadline.
 */
class FfmpegChunkEncoderCrashTest {

    @TempDir Path tmp;

    private Path script(String body) throws Exception {
        Path s = tmp.resolve("ffmpeg-" + System.nanoTime());
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s;
    }

    /** Encodes the first second of a real clip with {@code ffmpeg} replaced by the script. */
    private void encodeWith(ChunkEncoder encoder) throws MediaException {
        Path clip = Fixtures.clip("h264_webcam_1080x720_aac.mp4");
        encoder.encode(
                clip, new ChunkSpec(0, 0, 1, 0, true, 30, 0, 1, 0), 0, spec(), tmp.resolve("out"));
    }

    private EncodeSpec spec() throws MediaException {
        var info = MediaProbe.probe(Fixtures.clip("h264_webcam_1080x720_aac.mp4"));
        return EncodeSpec.forSource(info.video().orElseThrow(), LadderProfiles.defaultLadder());
    }

    @Test
    void anEncoderKilledBySigsegvIsAFailedTaskNotADeadJvm() throws Exception {
        ChunkEncoder crashing =
                new FfmpegChunkEncoder(Duration.ofSeconds(30), script("kill -SEGV $$"));
        assertThatThrownBy(() -> encodeWith(crashing))
                .isInstanceOfSatisfying(
                        MediaException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(ReasonCode.ENCODER_CRASHED);
                            assertThat(e.reason().isTransient()).isTrue();
                        })
                .hasMessageContaining("exit 139");
        assertThat(Runtime.getRuntime().availableProcessors()).isPositive(); // still here
    }

    @Test
    void aHangingEncoderIsKilledAndReportedAsATimeout() throws Exception {
        ChunkEncoder hanging = new FfmpegChunkEncoder(Duration.ofMillis(500), script("sleep 60"));
        assertThatThrownBy(() -> encodeWith(hanging))
                .isInstanceOfSatisfying(
                        MediaException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.ENCODE_TIMEOUT));
    }

    @Test
    void anEncoderThatFailsCleanlyIsADeterministicFailure() throws Exception {
        ChunkEncoder failing =
                new FfmpegChunkEncoder(
                        Duration.ofSeconds(30), script("echo 'Invalid data found' >&2; exit 1"));
        assertThatThrownBy(() -> encodeWith(failing))
                .isInstanceOfSatisfying(
                        MediaException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(ReasonCode.ENCODE_FAILED);
                            assertThat(e.reason().isTransient()).isFalse();
                        })
                .hasMessageContaining("Invalid data found");
    }
}
