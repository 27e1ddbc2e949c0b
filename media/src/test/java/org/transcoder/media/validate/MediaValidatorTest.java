package org.transcoder.media.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.testing.Fixtures;

/**
 * Each policy limit on a real clip, with the reason code and a message a user can act on; each the
 * same when the decode check starts at the header, beside the packet scan, as preparation runs it.
 */
class MediaValidatorTest {

    private static final Path CLIP = Fixtures.clip("h264_webcam_1080x720_aac.mp4");

    private static void assertRejected(
            ValidationPolicy policy, Path clip, ReasonCode reason, String message)
            throws MediaException {
        // Probed as by default: the probe's own container check is not the validator's.
        MediaInfo info = MediaProbe.probe(clip);
        MediaValidator validator = new MediaValidator(policy);
        assertThatThrownBy(() -> validator.validate(clip, info))
                .isInstanceOfSatisfying(
                        MediaException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
        try (MediaValidator.EarlyDecode early = validator.earlyDecode(clip)) {
            MediaInfo probed = MediaProbe.probe(clip, ValidationPolicy.defaults(), early::start);
            assertThatThrownBy(() -> validator.validate(clip, probed, early))
                    .isInstanceOfSatisfying(
                            MediaException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                    .hasMessageContaining(message);
        }
    }

    /** Whether the decode check started at the header: only for a header that passes. */
    private static boolean decodeStartsEarly(ValidationPolicy policy, Path clip)
            throws MediaException {
        MediaValidator validator = new MediaValidator(policy);
        try (MediaValidator.EarlyDecode early = validator.earlyDecode(clip)) {
            MediaProbe.probe(clip, ValidationPolicy.defaults(), early::start);
            return early.started();
        }
    }

    @Test
    void theDecodeCheckStartsAtTheHeaderOnlyWhenTheHeaderPasses() throws MediaException {
        ValidationPolicy p = ValidationPolicy.defaults();
        assertThat(decodeStartsEarly(p, CLIP)).isTrue();
        assertThat(decodeStartsEarly(p.withMaxPixels(640 * 480), CLIP)).isFalse();
        assertThat(decodeStartsEarly(p.withMaxSizeBytes(1000), CLIP)).isFalse();
        assertThat(decodeStartsEarly(p.withAllowedVideoCodecs(Set.of("vp9")), CLIP)).isFalse();
        assertThat(decodeStartsEarly(p, Fixtures.clip("audio_crunching.mp3"))).isFalse();
        // A header that passes, over packets that do not: the check runs, the reason stays the
        // truncation (brokenFiles), found before it.
        assertThat(decodeStartsEarly(p, Fixtures.clip("truncated_phone_first1MB.mp4"))).isTrue();
    }

    @Test
    void acceptsAGoodClip() throws MediaException {
        MediaInfo info = MediaProbe.probe(CLIP);
        MediaValidator validator = new MediaValidator(ValidationPolicy.defaults());
        assertThat(validator.validate(CLIP, info).codec()).isEqualTo("h264");
        try (MediaValidator.EarlyDecode early = validator.earlyDecode(CLIP)) {
            MediaInfo probed = MediaProbe.probe(CLIP, ValidationPolicy.defaults(), early::start);
            assertThat(probed).isEqualTo(info);
            assertThat(validator.validate(CLIP, probed, early)).isEqualTo(info.video().get());
        }
    }

    @Test
    void tooLong() throws MediaException {
        assertRejected(
                ValidationPolicy.defaults().withMaxDurationSeconds(0.5),
                CLIP,
                ReasonCode.TOO_LONG,
                "limit is 0.5 s");
    }

    @Test
    void tooLarge() throws MediaException {
        assertRejected(
                ValidationPolicy.defaults().withMaxSizeBytes(1000),
                CLIP,
                ReasonCode.TOO_LARGE,
                "limit is 1000");
    }

    @Test
    void tooManyPixels() throws MediaException {
        ValidationPolicy small = ValidationPolicy.defaults().withMaxPixels(640 * 480);
        assertRejected(small, CLIP, ReasonCode.TOO_MANY_PIXELS, "1080x720");
    }

    @Test
    void unsupportedCodecAndContainer() throws MediaException {
        ValidationPolicy noH264 = ValidationPolicy.defaults().withAllowedVideoCodecs(Set.of("vp9"));
        assertRejected(noH264, CLIP, ReasonCode.UNSUPPORTED_CODEC, "'h264'");
        ValidationPolicy onlyWebm =
                ValidationPolicy.defaults().withAllowedContainers(Set.of("webm"));
        assertRejected(onlyWebm, CLIP, ReasonCode.UNSUPPORTED_CONTAINER, "mov,mp4");
    }

    @Test
    void brokenFiles() throws MediaException {
        ValidationPolicy p = ValidationPolicy.defaults();
        assertRejected(
                p,
                Fixtures.clip("truncated_phone_first1MB.mp4"),
                ReasonCode.CORRUPT_INPUT,
                "truncated");
        assertRejected(
                p,
                Fixtures.clip("corrupt_vp9_invalid_bitstream.webm"),
                ReasonCode.CORRUPT_INPUT,
                "does not decode");
        assertRejected(
                p,
                Fixtures.clip("audio_crunching.mp3"),
                ReasonCode.NO_VIDEO_STREAM,
                "No video stream");
    }

    @Test
    void aFileThatIsNotMediaIsCorrupt() {
        Path manifest = Fixtures.clip("MANIFEST.tsv");
        assertThatThrownBy(() -> MediaProbe.probe(manifest))
                .isInstanceOfSatisfying(
                        MediaException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.CORRUPT_INPUT));
    }
}
