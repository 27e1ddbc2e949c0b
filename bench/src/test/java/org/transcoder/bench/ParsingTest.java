package org.transcoder.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsers the numbers depend on, on real output captured from this machine's tools. */
class ParsingTest {

    @Test
    void procStatWithSpacesAndParenthesesInTheName() {
        String line =
                "4242 (my (odd) java) S 4200 4242 4100 0 -1 4194560 51213 2043 0 0 1234 567 89 10"
                        + " 20 0 37 0 987654 6543210496 25600 18446744073709551615 1 1 0 0 0 0 0"
                        + " 4096 17663 0 0 0 17 1 0 0 0 0 0";
        ProcStat s = ProcStat.parse(line);
        assertThat(s.pid()).isEqualTo(4242);
        assertThat(s.comm()).isEqualTo("my (odd) java");
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.ppid()).isEqualTo(4200);
        assertThat(s.session()).isEqualTo(4100);
        assertThat(s.utime()).isEqualTo(1234);
        assertThat(s.stime()).isEqualTo(567);
        assertThat(s.cutime()).isEqualTo(89);
        assertThat(s.cstime()).isEqualTo(10);
        assertThat(s.threads()).isEqualTo(37);
        assertThat(s.startTime()).isEqualTo(987654);
        assertThat(s.rssPages()).isEqualTo(25600);
        assertThat(s.vsizeBytes()).isEqualTo(6543210496L);
        assertThat(s.ownTicks()).isEqualTo(1801);
        assertThat(s.treeTicks()).isEqualTo(1900);
        assertThat(s.rssBytes()).isEqualTo(100L << 20);
        assertThat(ProcStat.seconds(1900)).isEqualTo(19.0);
    }

    @Test
    void procStatOfThisJvm() {
        ProcStat self = ProcStat.self();
        assertThat(self.pid()).isEqualTo((int) ProcessHandle.current().pid());
        assertThat(self.rssBytes()).isPositive();
        assertThat(self.threads()).isPositive();
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> ProcStat.parse("not a stat line"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void machineCpuLine() {
        MachineLoad.Snapshot a = MachineLoad.parse("cpu  1000 10 300 5000 50 0 20 5 0 0");
        assertThat(a.busy()).isEqualTo(1000 + 10 + 300 + 20 + 5);
        assertThat(a.total()).isEqualTo(a.busy() + 5000 + 50);
        MachineLoad.Snapshot b = new MachineLoad.Snapshot(a.busy() + 150, a.total() + 200);
        assertThat(MachineLoad.busyFraction(a, b)).isEqualTo(0.75);
    }

    @Test
    void psnrAndSsimSummaries() {
        String log =
                "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'rung-720p.mp4':\n"
                        + "frame=  812 fps=101 q=-0.0 size=N/A time=00:00:27.06 bitrate=N/A speed=3.37x\r"
                        + "frame=  900 fps=102 q=-0.0 Lsize=N/A time=00:00:30.00 bitrate=N/A speed=3.39x\n"
                        + "[Parsed_psnr_8 @ 0x5581] PSNR y:41.327160 u:46.019874 v:46.830285"
                        + " average:42.557117 min:36.904016 max:48.999327\n"
                        + "[Parsed_ssim_9 @ 0x5582] SSIM Y:0.978226 (16.623425) U:0.985571"
                        + " (18.408164) V:0.987497 (19.030291) All:0.981132 (17.242004)\n";
        Quality.Score q = Quality.parse(log);
        assertThat(q.psnr()).isEqualTo(42.557117);
        assertThat(q.ssim()).isEqualTo(0.981132);
        assertThat(q.frames()).isEqualTo(900);
    }

    @Test
    void identicalPicturesHaveInfinitePsnr() {
        String log =
                "[Parsed_psnr_2 @ 0x1] PSNR y:inf u:inf v:inf average:inf min:inf max:inf\n"
                        + "[Parsed_ssim_3 @ 0x2] SSIM Y:1.000000 (inf) U:1.000000 (inf)"
                        + " V:1.000000 (inf) All:1.000000 (inf)\n";
        assertThat(Quality.parse(log).psnr()).isEqualTo(100);
        assertThat(Quality.parse(log).ssim()).isEqualTo(1.0);
    }

    @Test
    void missingSummaryIsAnError() {
        assertThatThrownBy(() -> Quality.parse("Conversion failed!"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void playlistPlayOrderPutsEachInitBeforeItsSegments() {
        String playlist =
                "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n"
                        + "#EXT-X-MAP:URI=\"init_aaa.mp4\"\n#EXTINF:4.0,\nseg_00000.m4s\n"
                        + "#EXT-X-MAP:URI=\"init_aaa.mp4\"\n#EXTINF:4.0,\nseg_00001.m4s\n"
                        + "#EXT-X-MAP:URI=\"init_bbb.mp4\"\n#EXTINF:2.5,\nseg_00002.m4s\n"
                        + "#EXT-X-ENDLIST\n";
        assertThat(Quality.playOrder(playlist))
                .containsExactly(
                        "init_aaa.mp4",
                        "seg_00000.m4s",
                        "seg_00001.m4s",
                        "init_bbb.mp4",
                        "seg_00002.m4s");
    }

    @Test
    void classifiesTheChildrenOfAPipelineRun() {
        assertThat(TreeSampler.classifyCommand("ffprobe", "ffprobe -show_packets x"))
                .isEqualTo("probe");
        assertThat(TreeSampler.classifyCommand("ffmpeg", "ffmpeg -i a -c copy -f nut b"))
                .isEqualTo("split");
        assertThat(
                        TreeSampler.classifyCommand(
                                "ffmpeg",
                                "ffmpeg -i c.nut -filter_complex [0:v:0]split -c:v libx264 -f mp4 o"))
                .isEqualTo("encode-chunk");
        assertThat(TreeSampler.classifyCommand("ffmpeg", "ffmpeg -i s -vn -c:a aac -f mp4 a.mp4"))
                .isEqualTo("encode-audio");
        assertThat(TreeSampler.classifyCommand("ffmpeg", "ffmpeg -i s -vf tile=10x2 sprite.jpg"))
                .isEqualTo("thumbnails");
        assertThat(
                        TreeSampler.classifyCommand(
                                "ffmpeg",
                                "ffmpeg -i s -filter_complex g -c:v:0 libx264 -c:a aac -f hls x"))
                .isEqualTo("cli-ladder");
    }

    @Test
    void timelineCountsIdleSlotsAndTail() {
        // Two slots; op starts at 0 ms. Encodes: [1000,3000) [1000,3000) [3000,5000) [3000,4000).
        List<TreeSampler.Member> members =
                List.of(
                        member(1, "probe", 0, 900, 50),
                        member(2, "encode-chunk", 1000, 3000, 300),
                        member(3, "encode-chunk", 1000, 3000, 300),
                        member(4, "encode-chunk", 3000, 5000, 300),
                        member(5, "encode-chunk", 3000, 4000, 100));
        Timeline t = Timeline.of(members, 0, 5500, 2);
        assertThat(t.chunkEncodes()).isEqualTo(4);
        assertThat(t.headSeconds()).isEqualTo(1.0);
        assertThat(t.encodeSpanSeconds()).isEqualTo(4.0);
        assertThat(t.idleSlotSeconds()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(t.slotBusyFraction())
                .isCloseTo(7.0 / 8, org.assertj.core.data.Offset.offset(0.01));
        assertThat(t.tailBelowFullSeconds())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(t.afterLastEncodeSeconds()).isEqualTo(0.5);
        assertThat(t.chunkWallMaxSeconds()).isEqualTo(2.0);
        assertThat(t.byKind().get("probe").count()).isEqualTo(1);
        assertThat(t.byKind().get("encode-chunk").cpuSeconds()).isEqualTo(10.0);
    }

    @Test
    void medians() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(Stats.min(List.of(4.0, 1.0))).isEqualTo(1.0);
        assertThat(Stats.median(List.of())).isNaN();
    }

    private static TreeSampler.Member member(
            int pid, String kind, long start, long end, long ticks) {
        return new TreeSampler.Member(pid, "ffmpeg", kind, start, end, ticks, 1 << 20, false);
    }
}
