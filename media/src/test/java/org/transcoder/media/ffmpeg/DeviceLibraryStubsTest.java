package org.transcoder.media.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled ffmpeg on a server without libpulse: the loader's complaint names the library, the
 * stub written for it lets ffmpeg start and encode, and a pulse device fails cleanly. The library
 * is hidden the way a bare machine lacks it, for ffmpeg only: in a mount namespace of its own
 * ({@code unshare -m}, as root, which CI is), {@code /dev/null} is bound over the system's
 * libpulse.so.0 where the machine has one.
 */
class DeviceLibraryStubsTest {

    @TempDir Path tmp;

    @Test
    void readsWhatTheBundledLibavdeviceTakesFromEachDeviceLibrary() throws IOException {
        Path avdevice = bundledDir().resolve("libavdevice.so.62");
        List<DeviceLibraryStubs.Imported> imported =
                DeviceLibraryStubs.importedSymbols(Files.readAllBytes(avdevice));
        assertThat(imported)
                .contains(
                        new DeviceLibraryStubs.Imported(
                                "pa_context_new", "PULSE_0", "libpulse.so.0"),
                        new DeviceLibraryStubs.Imported(
                                "snd_pcm_open", "ALSA_0.9", "libasound.so.2"))
                .anyMatch(i -> i.name().startsWith("xcb_shm_") && i.version() == null)
                .anyMatch(i -> i.name().equals("memcpy"));
    }

    @Test
    void namesTheMissingDeviceLibraryFromTheLoadersMessage() {
        assertThat(
                        DeviceLibraryStubs.missingDeviceLibrary(
                                "ffmpeg: error while loading shared libraries: libpulse.so.0:"
                                        + " cannot open shared object file: No such file or directory"))
                .contains("libpulse.so.0");
        assertThat(
                        DeviceLibraryStubs.missingDeviceLibrary(
                                "ffmpeg: error while loading shared libraries:"
                                        + " /lib/x86_64-linux-gnu/libasound.so.2: file too short"))
                .contains("libasound.so.2");
        assertThat(
                        DeviceLibraryStubs.missingDeviceLibrary(
                                "error while loading shared libraries: libx264.so.164: cannot open"
                                        + " shared object file"))
                .as("not a device library: no stub stands in for an encoder")
                .isEmpty();
    }

    @Test
    void aStubLetsTheBundledFfmpegRunWithoutLibpulse() throws Exception {
        Path dir = tmp.resolve("natives");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(bundledDir())) {
            for (Path f :
                    files.filter(p -> !p.getFileName().toString().startsWith("libpulse"))
                            .toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        dir.resolve("ffmpeg").toFile().setExecutable(true);
        String encode = "-f lavfi -i testsrc=d=1:s=320x240 -c:v libx264 -f null -";

        ProcessResult without = ffmpegWithoutLibpulse(dir, encode);
        assertThat(without.exitCode()).isNotZero();
        assertThat(DeviceLibraryStubs.missingDeviceLibrary(without.stderr()))
                .as(without.stderr())
                .contains("libpulse.so.0");

        Path stub = DeviceLibraryStubs.writeFor("libpulse.so.0", dir);
        assertThat(stub).isEqualTo(dir.resolve("libpulse.so.0"));
        ProcessResult with = ffmpegWithoutLibpulse(dir, encode);
        assertThat(with.exitCode()).as(with.stderr()).isZero();
        assertThat(with.stderr())
                .contains("libx264")
                .doesNotContain("no version information available")
                .doesNotContain("error while loading shared libraries");

        ProcessResult pulse = ffmpegWithoutLibpulse(dir, "-f pulse -i default -t 1 -f null -");
        assertThat(pulse.exitCode()).as("a pulse device cannot work with the stub").isNotZero();
        assertThat(pulse.stderr()).doesNotContain("Inconsistency detected by ld.so");
    }

    /** {@code dir/ffmpeg args} as FfmpegBinaries runs it, with the system's libpulse hidden. */
    private ProcessResult ffmpegWithoutLibpulse(Path dir, String args) throws Exception {
        String hide = systemLibpulse().map(p -> "mount --bind /dev/null " + p + " && ").orElse("");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c"));
        cmd.add(hide + "exec " + dir.resolve("ffmpeg") + " -hide_banner " + args);
        ProcessResult r =
                NativeProcess.run(
                        cmd, Map.of("LD_LIBRARY_PATH", dir.toString()), Duration.ofSeconds(60));
        assertThat(r.stderr())
                .as("unshare -m and mount need root (CI runs as root)")
                .doesNotContain("unshare: ")
                .doesNotContain("mount: ");
        return r;
    }

    private static java.util.Optional<Path> systemLibpulse() {
        return Stream.of(
                        "/lib/x86_64-linux-gnu",
                        "/usr/lib/x86_64-linux-gnu",
                        "/lib64",
                        "/usr/lib64",
                        "/usr/lib",
                        "/lib")
                .map(d -> Path.of(d, "libpulse.so.0"))
                .filter(Files::exists)
                .findFirst();
    }

    private static Path bundledDir() {
        return FfmpegBinaries.get().ffmpeg().getParent();
    }
}
