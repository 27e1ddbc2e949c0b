package org.transcoder.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;

class StagingSweeperTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final Duration AGE = Duration.ofDays(4);

    @TempDir Path root;

    @Test
    void deletesOnlyUploadsAcceptedLongerAgoThanTheOrphanAge() throws Exception {
        ObjectStorage storage = ObjectStorage.of(root.toUri().toString());
        long old = NOW - AGE.toMillis() - 1;
        long young = NOW - AGE.toMillis() + 60_000;
        String orphan = put(storage, OutputLayout.stagedChunk("crashed", old, 0));
        put(storage, OutputLayout.stagedChunk("crashed", old, 1));
        String inFlight = put(storage, OutputLayout.stagedChunk("encoding", young, 0));
        // A re-upload of the crashed video: its old upload goes, the new one stays.
        String reupload = put(storage, OutputLayout.stagedChunk("crashed", young, 0));
        String foreign = put(storage, "staging/not-ours.txt");
        String output = put(storage, OutputLayout.videoFile("crashed", "master.m3u8"));

        assertThat(StagingSweeper.sweep(storage, NOW, AGE))
                .containsExactly(orphan.substring(0, orphan.lastIndexOf('/')));

        assertThat(storage.list(OutputLayout.STAGING_ROOT))
                .containsExactlyInAnyOrder(inFlight, reupload, foreign);
        assertThat(storage.list("videos/")).containsExactly(output);
        assertThat(StagingSweeper.sweep(storage, NOW, AGE)).isEmpty();
    }

    private static String put(ObjectStorage storage, String key) throws Exception {
        Path f = Files.createTempFile("chunk", ".nut");
        Files.writeString(f, key);
        storage.put(key, f);
        Files.delete(f);
        return key;
    }
}
