package org.transcoder.media.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.transcoder.media.MediaException;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.validate.ValidationPolicy;

class MediaProbeTest {

    /** The fast reading of ffprobe's times gives the very doubles the general parser gives. */
    @Test
    void timesReadAsTheGeneralParserReadsThem() {
        List<String> texts =
                new ArrayList<>(
                        List.of(
                                "0.000000",
                                "-0.000000",
                                "-0.033333",
                                "12.",
                                ".5",
                                "0.0015625",
                                "123456789.123456",
                                "1234567890.1234567", // more digits than the fast way takes
                                "1e-3",
                                "Infinity"));
        SplittableRandom random = new SplittableRandom(15);
        int[] timeBases = {15360, 90000, 30000, 1000, 600, 48000, 44100};
        for (int i = 0; i < 200_000; i++) {
            int base = timeBases[i % timeBases.length];
            long pts = random.nextLong(-base, 36_000L * base); // up to ten hours
            // Times as ffprobe prints them: the tick times the base's value, six decimals.
            texts.add(String.format(Locale.ROOT, "%f", pts * (1.0 / base)));
        }
        for (String text : texts) {
            String line = "x," + text + ",y";
            assertThat(MediaProbe.decimal(line, 2, 2 + text.length()))
                    .as(text)
                    .isEqualTo(Double.parseDouble(text));
            assertThat(Double.doubleToRawLongBits(MediaProbe.decimal(text, 0, text.length())))
                    .as(text)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
        }
        assertThatThrownBy(() -> MediaProbe.decimal("-", 0, 1))
                .isInstanceOf(NumberFormatException.class);
    }

    @Test
    void theHeaderIsToldBeforeThePacketsAndSaysWhatTheProbeSays() throws MediaException {
        Path clip = Fixtures.clip("h264_webcam_1080x720_aac.mp4");
        List<MediaProbe.Header> told = new ArrayList<>();
        MediaInfo info = MediaProbe.probe(clip, ValidationPolicy.defaults(), told::add);
        VideoStreamInfo video = info.video().orElseThrow();
        assertThat(told)
                .containsExactly(
                        new MediaProbe.Header(
                                info.container(),
                                info.sizeBytes(),
                                video.index(),
                                video.codec(),
                                video.width(),
                                video.height()));
        assertThat(info).isEqualTo(MediaProbe.probe(clip));
        List<MediaProbe.Header> none = new ArrayList<>();
        MediaProbe.probe(
                Fixtures.clip("audio_crunching.mp3"), ValidationPolicy.defaults(), none::add);
        assertThat(none).isEmpty();
    }
}
