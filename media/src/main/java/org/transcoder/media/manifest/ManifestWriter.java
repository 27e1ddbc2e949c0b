package org.transcoder.media.manifest;

import java.util.LinkedHashMap;

/**
 * One streaming format's manifests of a {@link Presentation} (HLS playlists, a DASH MPD). A format
 * only describes segments that exist; it never writes media.
 */
public interface ManifestWriter {

    /**
     * Every manifest of the presentation by its path under the video's directory, in the order to
     * write them; the entry point a player opens ({@link #entryPoint()}) is last.
     */
    LinkedHashMap<String, String> manifests(Presentation presentation);

    /** Path of the manifest a player opens, under the video's directory. */
    String entryPoint();
}
