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

    /** Every format the platform publishes: HLS, and DASH over the same segments. */
    public static Packaging standard() {
        return new Packaging(List.of(new HlsManifests(), new DashManifest()));
    }

    public Packaging(List<ManifestWriter> formats) {
        this.formats = List.copyOf(formats);
    }

    /** The manifests to write by path under the video's directory, entry points last. */
    public LinkedHashMap<String, String> manifests(Presentation presentation)
            throws MediaException {
        presentation.verify();
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
