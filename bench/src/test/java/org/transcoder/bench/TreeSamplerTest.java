package org.transcoder.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher on a real process tree: a shell whose children burn CPU and hold memory. */
class TreeSamplerTest {

    @Test
    void measuresCpuOfReapedGrandchildrenAndTheTreesMemory(@TempDir Path dir) throws Exception {
        // Two grandchildren of the shell count to 300000 (a fixed amount of work, some 0.1-0.5
        // CPU-s), then the shell sleeps so the sampler sees it. No timing is asserted: only that
        // the CPU of the reaped grandchildren is counted and that the sampler saw the tree.
        String script =
                "for n in 1 2; do sh -c 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done'; done;"
                        + " sleep 0.3";
        ChildLauncher.Measured m =
                ChildLauncher.run(List.of("sh", "-c", script), Map.of(), dir.resolve("log"), 50);
        assertThat(m.exitCode()).isZero();
        assertThat(m.cpuTicks()).isPositive();
        assertThat(m.sampler().samples()).isPositive();
        assertThat(m.sampler().peakRssBytes()).isPositive();
        assertThat(m.sampler().members()).extracting(TreeSampler.Member::comm).contains("sh");
        assertThat(m.foreignTicks()).isNotNegative();
    }
}
