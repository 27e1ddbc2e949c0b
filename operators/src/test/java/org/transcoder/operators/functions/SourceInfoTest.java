package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.transcoder.media.MediaSteps;
import org.transcoder.media.TranscodeOptions;
import org.transcoder.media.probe.MediaInfo;
import org.transcoder.media.probe.MediaProbe;
import org.transcoder.media.testing.Fixtures;
import org.transcoder.operators.Json;
import org.transcoder.operators.model.MediaTask;

/** Audio and thumbnail tasks use the probe they carry, and probe only when they carry none. */
class SourceInfoTest {

    private static final MediaSteps STEPS = MediaSteps.ffmpeg(TranscodeOptions.defaults());

    @Test
    void aTaskCarryingTheProbeDoesNotProbeAndAnOlderTaskProbesItself() throws Exception {
        Path clip = Fixtures.clip("h264_854x480_sintel_mp3.mp4");
        MediaInfo probed = MediaProbe.probe(clip);

        MediaTask restored = new MediaTask(); // as from a savepoint of an earlier version
        assertThat(MediaTaskFunction.sourceInfo(restored, clip, STEPS)).isEqualTo(probed);

        MediaTask carrying = new MediaTask();
        carrying.setSourceInfoJson(Json.write(probed.withoutFrameList()));
        // A path that does not exist: probing it would fail with SOURCE_MISSING.
        assertThat(MediaTaskFunction.sourceInfo(carrying, Path.of("/nonexistent/clip.mp4"), STEPS))
                .isEqualTo(probed.withoutFrameList());
    }
}
