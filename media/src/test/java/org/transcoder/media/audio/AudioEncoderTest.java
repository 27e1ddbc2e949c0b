package org.transcoder.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.manifest.AudioTrack;
import org.transcoder.media.manifest.Segment;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.media.testing.GeneratedMedia;

/**
 * The start of the audio track, encoded on its own so that a video can play before its whole track
 * is encoded, is the whole track's start: the same init and the same segment bytes under the same
 * names, so a playlist that first lists the start's segments only grows when it lists the whole
 * track's, with no gap or click at the join (there is no join).
 */
class AudioEncoderTest {

    static Stream<Arguments> sources() {
        return Stream.of(
                // 48 kHz AAC, made here; and a real 44.1 kHz Vorbis WebM (another frame length).
                Arguments.of("30s_480p30_aac_48k", GeneratedMedia.clip30s480p30Gop2s(), 2.0),
                Arguments.of(
                        "vp8_bbb_720p_vorbis", Fixtures.clip("vp8_bbb_720p_vorbis.webm"), 6.5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void theStartIsTheWholeTracksFirstSegmentsByteForByte(
            String name, Path source, double cover, @TempDir Path tmp) throws Exception {
        MediaInfo info = MediaProbe.probe(source);
        AudioEncoder encoder = new AudioEncoder();
        Path wholeDir = tmp.resolve("whole");
        Path startDir = tmp.resolve("start");
        AudioTrack whole = encoder.encode(source, info, 128, wholeDir);
        AudioTrack start = encoder.encodeStart(source, info, 128, startDir, cover);

        assertTrue(
                start.segments().size() < whole.segments().size(),
                name + ": the start is shorter than the track");
        Segment last = start.segments().get(start.segments().size() - 1);
        assertTrue(
                last.endTicks() >= cover * last.timescale(),
                name + ": the start covers " + cover + " s, ends at " + last.endTicks());
        assertEquals(whole.codecs(), start.codecs());
        assertEquals(whole.sampleRate(), start.sampleRate());
        Path w = wholeDir.resolve(OutputLayout.AUDIO_DIR);
        Path s = startDir.resolve(OutputLayout.AUDIO_DIR);
        assertArrayEquals(
                Files.readAllBytes(w.resolve(OutputLayout.AUDIO_INIT)),
                Files.readAllBytes(s.resolve(OutputLayout.AUDIO_INIT)),
                name + ": init");
        for (int i = 0; i < start.segments().size(); i++) {
            Segment a = whole.segments().get(i);
            Segment b = start.segments().get(i);
            assertEquals(a, b, name + ": segment " + i);
            assertArrayEquals(
                    Files.readAllBytes(w.resolve(a.uri())),
                    Files.readAllBytes(s.resolve(b.uri())),
                    name + ": bytes of segment " + i);
        }
        // Nothing beyond what it lists is left for an uploader to pick up by mistake.
        try (var files = Files.list(s)) {
            assertEquals(start.segments().size() + 1, files.count(), name + ": files written");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void aStartAsLongAsTheTrackIsTheTrack(String name, Path source, double cover, @TempDir Path tmp)
            throws Exception {
        MediaInfo info = MediaProbe.probe(source);
        AudioEncoder encoder = new AudioEncoder();
        AudioTrack whole = encoder.encode(source, info, 128, tmp.resolve("whole"));
        AudioTrack start =
                encoder.encodeStart(
                        source, info, 128, tmp.resolve("start"), info.videoDurationSeconds());
        assertEquals(whole.segments(), start.segments(), name);
    }
}
