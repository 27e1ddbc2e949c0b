package org.transcoder.media.ladder;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads ladders by name from the classpath (ladders/NAME.json) or from a JSON file. */
public final class LadderProfiles {

    public static final String DEFAULT = "default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LadderProfiles() {}

    public static Ladder defaultLadder() {
        return byName(DEFAULT);
    }

    /** A bundled ladder; unknown names are an error that lists what exists. */
    public static Ladder byName(String name) {
        String resolved = name == null || name.isBlank() ? DEFAULT : name;
        if (!resolved.matches("[a-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("Invalid ladder profile name '" + name + "'");
        }
        try (InputStream in =
                LadderProfiles.class.getResourceAsStream("/ladders/" + resolved + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "Unknown ladder profile '" + resolved + "' (bundled: default, mobile)");
            }
            return JSON.readValue(in, Ladder.class);
        } catch (IOException e) {
            throw new IllegalStateException("Ladder profile '" + resolved + "' is unreadable", e);
        }
    }

    public static Ladder fromFile(Path json) throws IOException {
        return JSON.readValue(Files.readAllBytes(json), Ladder.class);
    }
}
