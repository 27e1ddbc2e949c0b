package org.transcoder.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegBinariesTest {

    @Test
    void theBundledBuildStartsAndHasTheEncodersTheLadderNeeds() throws Exception {
        FfmpegBinaries ff = FfmpegBinaries.get();
        assertThat(Files.isExecutable(ff.ffmpeg())).isTrue();
        assertThat(Files.isExecutable(ff.ffprobe())).isTrue();
        ProcessResult r =
                NativeProcess.run(
                        List.of(ff.ffmpeg().toString(), "-hide_banner", "-version"),
                        ff.environment(),
                        Duration.ofSeconds(30));
        assertThat(r.stdout()).contains("ffmpeg version 8.1", "--enable-libx264");
    }

    @Test
    void aBuildWithoutLibx264IsRefusedInsteadOfFallingBackSilently() {
        String withoutX264 =
                " V....D mpeg4   MPEG-4 part 2\n A....D aac   AAC\n VFS..D mjpeg  MJPEG\n";
        assertThatThrownBy(() -> FfmpegBinaries.requireEncoders(withoutX264))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no 'libx264' encoder");
    }

    @Test
    void aHangingChildIsKilledAtItsDeadline() {
        assertThatThrownBy(
                        () ->
                                NativeProcess.run(
                                        List.of("sleep", "30"),
                                        java.util.Map.of(),
                                        Duration.ofMillis(300)))
                .isInstanceOf(NativeProcess.ProcessTimeoutException.class)
                .hasMessageContaining("deadline");
    }

    @Test
    void aCrashingChildIsAnExitCodeNotADeadJvm() throws Exception {
        // The child kills itself with SIGSEGV, as a decoder crashing on a hostile file would.
        ProcessResult r =
                NativeProcess.run(
                        List.of("sh", "-c", "kill -SEGV $$"),
                        java.util.Map.of(),
                        Duration.ofSeconds(10));
        assertThat(r.killedBySignal()).isTrue();
        assertThat(r.exitCode()).isEqualTo(128 + 11);
    }
}
