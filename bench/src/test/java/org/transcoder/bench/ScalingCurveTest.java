package org.transcoder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The curve read back from run directories as the harness leaves them. */
class ScalingCurveTest {

    @TempDir Path dir;

    @Test
    void efficiencySplitsIntoBusyCpusAndCpuForTheSameWork() throws IOException {
        // 1 slot: 100 s, 100 CPU-s. 4 slots: 30 s, 108 CPU-s (4 chunk encodes of 26 CPU-s, the rest
        // in the JVM).
        Path one = media("media-t1@c1-r1", 100_000, 10_000, 1);
        Path four = media("media-t4@c4-r1", 30_000, 10_800, 4);
        Path cli = dir.resolve("cli-r1");
        Files.createDirectories(cli);
        write(cli.resolve("processes.json"), List.of(member(7, "cli-ladder", 0, 40_000, 12_800)));

        List<ScalingCurve.Run> runs = new ArrayList<>();
        for (Path p : List.of(four, cli, one)) {
            runs.add(ScalingCurve.read(p, 4));
        }
        String md = ScalingCurve.markdown(runs);

        // speed-up 100/30 = 3.33, efficiency 83 %, CPU 1.08x, busy 108/(4*30) = 90 %
        assertThat(md)
                .contains("| 1 | 1 | 100.0 | 1.00× | 100 % | 100.0 | 1.00 | 100 % | 1.00 | 1 |")
                .contains("| 4 | 4 | 30.0 | 3.33× | 83 % | 108.0 | 1.08 | 90 % | 1.08 | 4 | 26.0 |")
                .contains("ffmpeg CLI (`cli`, one process, 4 CPUs): wall 40.0 s, CPU 128.0 s")
                .contains("at 4 slots on the same CPUs: 0.75× its wall, 0.84× its CPU.");
    }

    private Path media(String name, long wallMs, long cpuTicks, int chunks) throws IOException {
        Path run = dir.resolve(name);
        Files.createDirectories(run);
        List<TreeSampler.Member> members = new ArrayList<>();
        members.add(member(1, "java", 0, wallMs + 500, 300));
        for (int i = 0; i < chunks; i++) {
            members.add(member(10 + i, "encode-chunk", 500, 500 + wallMs, cpuTicks / chunks - 100));
        }
        write(run.resolve("processes.json"), members);
        ChildResult result =
                new ChildResult(
                        "media",
                        500,
                        500,
                        wallMs,
                        cpuTicks,
                        List.of(
                                new ChildResult.Item(
                                        "long", null, 0, wallMs, "READY", chunks, 100)),
                        Map.of());
        write(run.resolve("result.json"), result);
        return run;
    }

    private static TreeSampler.Member member(
            int pid, String kind, long start, long lastSeen, long ticks) {
        return new TreeSampler.Member(pid, "ffmpeg", kind, start, lastSeen, ticks, 1 << 20, false);
    }

    private static void write(Path file, Object value) throws IOException {
        BenchChild.JSON.writeValue(file.toFile(), value);
    }
}
