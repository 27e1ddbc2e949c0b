package org.transcoder.media;

import java.nio.file.Path;
import org.transcoder.media.manifest.Presentation;
import org.transcoder.media.probe.MediaInfo;

/** What a whole-file transcode produced. */
public record TranscodeResult(
        MediaInfo source,
        Presentation presentation,
        int chunkCount,
        Path masterPlaylist,
        long wallMillis) {

    public boolean hasAudio() {
        return presentation.audio().isPresent();
    }
}
