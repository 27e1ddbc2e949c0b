package org.transcoder.media;

import java.nio.file.Path;
import java.util.List;
import org.transcoder.media.hls.VariantStream;
import org.transcoder.media.probe.MediaInfo;

/** What a whole-file transcode produced. */
public record TranscodeResult(
        MediaInfo source,
        List<VariantStream> variants,
        boolean hasAudio,
        int chunkCount,
        Path masterPlaylist,
        long wallMillis) {}
