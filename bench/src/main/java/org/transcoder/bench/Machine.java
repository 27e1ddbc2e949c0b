package org.transcoder.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;

/** What the numbers were measured on: /proc/cpuinfo, nproc, free, kernel, Java, ffmpeg. */
final class Machine {

    private Machine() {}

    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        String cpuinfo = read("/proc/cpuinfo");
        m.put("cpu", field(cpuinfo, "model name"));
        m.put("cpuMHz", field(cpuinfo, "cpu MHz"));
        m.put("cacheSize", field(cpuinfo, "cache size"));
        m.put(
                "logicalCpus",
                Long.toString(cpuinfo.lines().filter(l -> l.startsWith("processor")).count()));
        m.put("nproc", run(List.of("nproc")));
        m.put("free", run(List.of("free", "-m")));
        m.put("kernel", read("/proc/sys/kernel/osrelease").strip());
        m.put("os", field(read("/etc/os-release"), "PRETTY_NAME").replace("\"", ""));
        m.put(
                "java",
                System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.runtime.version"));
        String ff =
                run(List.of(FfmpegBinaries.get().ffmpeg().toString(), "-hide_banner", "-version"));
        m.put("ffmpeg", ff.lines().findFirst().orElse("?"));
        return m;
    }

    static String field(String text, String key) {
        return text.lines()
                .filter(l -> l.startsWith(key))
                .map(l -> l.substring(l.indexOf(l.contains(":") ? ':' : '=') + 1).strip())
                .findFirst()
                .orElse("?");
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    private static String run(List<String> cmd) {
        try {
            var r =
                    NativeProcess.run(
                            cmd, FfmpegBinaries.get().environment(), Duration.ofSeconds(20));
            return r.stdout().strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
