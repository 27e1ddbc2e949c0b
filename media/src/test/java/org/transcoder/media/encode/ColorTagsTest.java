package org.transcoder.media.encode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.transcoder.media.probe.VideoStreamInfo;

/** What each rung declares for a source's declared (or undeclared) colours. */
class ColorTagsTest {

    private static VideoStreamInfo video(
            int w, int h, String pixFmt, String matrix, String primaries, String transfer) {
        boolean hdr = "smpte2084".equals(transfer) || "arib-std-b67".equals(transfer);
        return new VideoStreamInfo(
                0,
                "h264",
                "High",
                w,
                h,
                1,
                1,
                0,
                30,
                30,
                false,
                pixFmt,
                8,
                transfer,
                matrix,
                primaries,
                hdr,
                "progressive",
                false,
                60,
                0,
                2);
    }

    private static ColorTags tags(int w, int h, String matrix, String primaries, String transfer) {
        return ColorTags.forSource(video(w, h, "yuv420p", matrix, primaries, transfer));
    }

    @Test
    void declaredValuesArePassedOn() {
        assertThat(tags(1920, 1080, "smpte170m", "bt470bg", "bt709"))
                .isEqualTo(new ColorTags("smpte170m", "bt470bg", "bt709", false));
        assertThat(tags(640, 480, "bt709", "bt709", "bt709"))
                .isEqualTo(new ColorTags("bt709", "bt709", "bt709", false));
    }

    @Test
    void undeclaredValuesAreWhatPlayersAssumeForTheSourcesSize() {
        assertThat(tags(1280, 720, "unknown", "unknown", "unknown"))
                .isEqualTo(new ColorTags("bt709", "bt709", "bt709", false));
        // A wide picture of few lines is HD too (a 1280x536 scope crop).
        assertThat(tags(1280, 536, "unknown", "unknown", "unknown").matrix()).isEqualTo("bt709");
        assertThat(tags(854, 480, "unknown", "unknown", "unknown"))
                .isEqualTo(new ColorTags("smpte170m", "smpte170m", "smpte170m", false));
        assertThat(tags(720, 576, "unknown", "unknown", "unknown"))
                .isEqualTo(new ColorTags("bt470bg", "bt470bg", "smpte170m", false));
        // Half declared: the rest guessed (an encoder that wrote only the matrix).
        assertThat(tags(1920, 1080, "bt470bg", "unknown", "unknown"))
                .isEqualTo(new ColorTags("bt470bg", "bt709", "bt709", false));
    }

    @Test
    void namesThatCannotBeDeclaredAndOldProbesCountAsUndeclared() {
        assertThat(tags(1920, 1080, "reserved", "unspecified", "bogus"))
                .isEqualTo(new ColorTags("bt709", "bt709", "bt709", false));
        // A probe stored before colour space and primaries were kept has null there.
        assertThat(tags(640, 360, null, null, "unknown"))
                .isEqualTo(new ColorTags("smpte170m", "smpte170m", "smpte170m", false));
    }

    @Test
    void toneMappedHdrAndRgbAreBt709() {
        assertThat(tags(3840, 2160, "bt2020nc", "bt2020", "smpte2084"))
                .isEqualTo(new ColorTags("bt709", "bt709", "bt709", false));
        assertThat(ColorTags.forSource(video(640, 360, "gbrp", "gbr", "unknown", "unknown")))
                .isEqualTo(new ColorTags("bt709", "bt709", "bt709", true));
    }
}
