package org.transcoder.media.manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transcoder.media.MediaException;
import org.transcoder.media.dash.DashManifest;
import org.transcoder.media.hls.HlsManifests;

/**
 * The one packaging step both runners call (the whole-file Transcoder and the Flink job's
 * assembler): verify a presentation and give every manifest of every format to write, in order: all
 * media-level manifests first, then the entry points, so a player that finds an entry point finds
 * everything it lists.
 */
public final class Packaging {

    private final List<ManifestWriter> formats;
    private final boolean firstPart;

    /** Every format the platform publishes: HLS, and DASH over the same segments. */
    public static Packaging standard() {
        return new Packaging(List.of(new HlsManifests(), new DashManifest()));
    }

    /**
     * A video published while it is encoded: EVENT playlists under a fixed {@code targetDuration}
     * while it grows (HLS only: DASH is published when the video is whole, as a static MPD, so no
     * DASH player meets a live presentation); {@code ended}: the last write, HLS with ENDLIST and
     * the DASH MPD.
     */
    public static Packaging growing(long targetDuration, boolean ended) {
        HlsManifests hls = HlsManifests.growing(targetDuration, ended);
        return ended
                ? new Packaging(List.of(hls, new DashManifest()), false)
                : new Packaging(List.of(hls), true);
    }

    public Packaging(List<ManifestWriter> formats) {
        this(formats, false);
    }

    private Packaging(List<ManifestWriter> formats, boolean firstPart) {
        this.formats = List.copyOf(formats);
        this.firstPart = firstPart;
    }

    /** The manifests to write by path under the video's directory, entry points last. */
    public LinkedHashMap<String, String> manifests(Presentation presentation)
            throws MediaException {
        if (firstPart) {
            presentation = presentation.firstPart().verifyFirstPart();
        } else {
            presentation.verify();
        }
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        Map<String, String> entryPoints = new LinkedHashMap<>();
        for (ManifestWriter f : formats) {
            for (Map.Entry<String, String> m : f.manifests(presentation).entrySet()) {
                (m.getKey().equals(f.entryPoint()) ? entryPoints : out)
                        .put(m.getKey(), m.getValue());
            }
        }
        out.putAll(entryPoints);
        return out;
    }

    /** Each format's entry point, in the order of the formats. */
    public List<String> entryPoints() {
        return formats.stream().map(ManifestWriter::entryPoint).toList();
    }
}
