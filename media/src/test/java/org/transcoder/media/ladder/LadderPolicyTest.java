package org.transcoder.media.ladder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.transcoder.media.probe.VideoStreamInfo;

class LadderPolicyTest {

    private static final Ladder DEFAULT = LadderProfiles.defaultLadder();

    private static VideoStreamInfo video(int w, int h, int rotation, int sarNum, int sarDen) {
        return new VideoStreamInfo(
                0,
                "h264",
                "High",
                w,
                h,
                sarNum,
                sarDen,
                rotation,
                30,
                30,
                false,
                "yuv420p",
                8,
                "bt709",
                "bt709",
                "bt709",
                false,
                "progressive",
                false,
                300,
                0,
                10);
    }

    /** The default ladder of an unrotated source of square pixels, {@code w x h}. */
    private static List<Rendition> ladderFor(int w, int h) {
        return LadderPolicy.renditionsFor(video(w, h, 0, 1, 1), DEFAULT);
    }

    private static List<String> sizesFor(int w, int h) {
        return sizes(ladderFor(w, h));
    }

    private static List<String> sizes(List<Rendition> rs) {
        return rs.stream().map(r -> r.name() + "=" + r.width() + "x" + r.height()).toList();
    }

    @Test
    void fullHdGetsEveryRungAndNothingIsUpscaled() {
        assertThat(sizesFor(1920, 1080))
                .containsExactly(
                        "1080p=1920x1080",
                        "720p=1280x720",
                        "480p=854x480",
                        "360p=640x360",
                        "240p=426x240");
        assertThat(sizesFor(1280, 720))
                .containsExactly("720p=1280x720", "480p=854x480", "360p=640x360", "240p=426x240");
    }

    @Test
    void portraitAndRotatedSourcesAreLadderedByTheirShortSide() {
        assertThat(sizes(LadderPolicy.renditionsFor(video(1920, 1080, 90, 1, 1), DEFAULT)))
                .startsWith("1080p=1080x1920", "720p=720x1280");
        assertThat(sizesFor(1080, 1920)).startsWith("1080p=1080x1920");
    }

    @Test
    void aSourceBetweenRungsKeepsItsOwnSizeOnTop() {
        // Cropped in an editor: 720p alone would throw away a third of its lines.
        assertThat(sizesFor(1920, 1078))
                .containsExactly(
                        "1078p=1920x1078",
                        "720p=1282x720",
                        "480p=854x480",
                        "360p=642x360",
                        "240p=428x240");
        // Its own size gets the settings of the rung above it (1080p), not of the one below.
        Rendition own = ladderFor(1920, 1078).get(0);
        Rung r1080 = DEFAULT.rungs().get(0);
        assertThat(own.crf()).isEqualTo(r1080.crf());
        assertThat(own.maxrateKbps()).isEqualTo(r1080.maxrateKbps());
        assertThat(sizesFor(641, 359)).containsExactly("358p=640x358", "240p=428x240");
        // Portrait: the short side counts.
        assertThat(sizesFor(1078, 1920)).startsWith("1078p=1078x1920", "720p=720x1282");
    }

    @Test
    void aSourceCloseAboveARungGetsNoExtraRung() {
        // 360 lines keep 90 % of 400, 720 keep 90 % of 800: the rungs suffice.
        assertThat(sizesFor(960, 400)).containsExactly("360p=864x360", "240p=576x240");
        assertThat(sizesFor(1920, 800)).startsWith("720p=1728x720");
        // Above the top rung the ladder stops at it: a 1386-line screen recording tops at 1080p.
        assertThat(sizesFor(3026, 1386)).startsWith("1080p=2358x1080");
    }

    @Test
    void tinySourcesGetOneEvenRungAtTheirOwnSize() {
        assertThat(sizesFor(161, 121)).containsExactly("120p=160x120");
    }

    @Test
    void nonSquarePixelsBecomeSquare() {
        // NTSC DV: 720x480 at 10:11 displays 4:3
        assertThat(sizes(LadderPolicy.renditionsFor(video(720, 480, 0, 10, 11), DEFAULT)))
                .startsWith("480p=654x480");
    }

    @Test
    void allDimensionsAreEven() {
        for (Rendition r : ladderFor(3026, 1386)) {
            assertThat(r.width() % 2).as(r.name()).isZero();
            assertThat(r.height() % 2).as(r.name()).isZero();
        }
    }

    @Test
    void profilesAreDataAndUnknownOnesAreNamed() {
        assertThat(LadderProfiles.byName("mobile").rungs()).hasSize(3);
        assertThatThrownBy(() -> LadderProfiles.byName("nope"))
                .hasMessageContaining("Unknown ladder profile 'nope'");
        assertThatThrownBy(() -> LadderProfiles.byName("../etc"))
                .hasMessageContaining("Invalid ladder profile name");
    }
}
