package org.transcoder.media.thumbs;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.media.encode.EncodeSpec;
import org.transcoder.media.ladder.LadderProfiles;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.testing.Fixtures;

class ThumbnailExtractorTest {

    @Test
    void tilesAreNeverCloserThanOrdinaryKeyframes() {
        // Short videos: a tile a second, unless keyframes come less often (then one per GOP).
        assertThat(ThumbnailExtractor.tileInterval(10, 0.5)).isEqualTo(1.0);
        assertThat(ThumbnailExtractor.tileInterval(10, 2.0)).isEqualTo(2.0);
        assertThat(ThumbnailExtractor.tileInterval(10, 2.002)).isEqualTo(2.1);
        // Long videos: at most 100 tiles.
        assertThat(ThumbnailExtractor.tileInterval(600, 2.0)).isEqualTo(6.0);
        // Long-GOP sources keep the fine grid (and pay for decoding every frame).
        assertThat(ThumbnailExtractor.tileInterval(60, 30.0)).isEqualTo(1.0);
    }

    /** Keyframes only: every tile and the poster come out, also where keyframes are 5.3 s apart. */
    @Test
    void posterAndStoryboardFromOneKeyframeDecode(@TempDir Path out) throws Exception {
        for (String clip :
                List.of(
                        "vp8_bbb_720p_vorbis.webm",
                        "hevc_android_1080p_rot90_metatrack.mp4",
                        "mpeg2_1080p_mp2_bbb.ts")) {
            Path source = Fixtures.clip(clip);
            MediaInfo info = MediaProbe.probe(source);
            Path dir = out.resolve(clip);
            Thumbnails t =
                    ThumbnailExtractor.extract(
                            source,
                            info,
                            EncodeSpec.forSource(
                                    info.video().orElseThrow(), LadderProfiles.defaultLadder()),
                            dir);

            double interval =
                    ThumbnailExtractor.tileInterval(
                            info.videoDurationSeconds(), info.maxGopSeconds());
            int tiles = (int) Math.ceil(info.videoDurationSeconds() / interval);
            List<String> cues =
                    Files.readAllLines(t.storyboardVtt()).stream()
                            .filter(l -> l.contains("-->"))
                            .toList();
            assertThat(cues).as(clip).hasSize(tiles);

            BufferedImage sprite = ImageIO.read(t.storyboard().toFile());
            int cols = Math.min(ThumbnailExtractor.COLUMNS, tiles);
            int rows = (tiles + ThumbnailExtractor.COLUMNS - 1) / ThumbnailExtractor.COLUMNS;
            assertThat(Math.max(sprite.getWidth() / cols, sprite.getHeight() / rows))
                    .as(clip + " tile long side")
                    .isEqualTo(ThumbnailExtractor.TILE_LONG_SIDE);

            BufferedImage poster = ImageIO.read(t.poster().toFile());
            // Upright (the rot90 phone clip is portrait), at most 1280 wide.
            boolean portrait =
                    info.video().orElseThrow().displayHeight()
                            > info.video().orElseThrow().displayWidth();
            assertThat(poster.getHeight() > poster.getWidth()).as(clip).isEqualTo(portrait);
            assertThat(poster.getWidth()).as(clip).isLessThanOrEqualTo(1280);
        }
    }
}
