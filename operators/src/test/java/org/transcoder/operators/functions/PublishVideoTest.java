package org.transcoder.operators.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.storage.ObjectStorage;
import org.transcoder.media.OutputLayout;
import org.transcoder.operators.model.Publication;

/** How PublishVideo carries a publication out, against a real (file://) object storage. */
class PublishVideoTest {

    @TempDir Path root;

    private static final String SHORT = "#EXTM3U\n#EXTINF:2.000000,\nseg_00000.m4s\n";
    private static final String LONG = SHORT + "#EXTINF:4.000000,\nseg_00001.m4s\n";

    /**
     * A restart rolls the assembler back to fewer chunks than storage lists: its growing playlists
     * are not written over the longer ones (players hold those), the master is.
     */
    @Test
    void aGrowingPlaylistIsNeverWrittenShorterThanStorageHasIt() throws Exception {
        ObjectStorage storage = ObjectStorage.of("file://" + root);
        String playlist = OutputLayout.videoFile("v", "720p/index.m3u8");
        String master = OutputLayout.videoFile("v", OutputLayout.MASTER);
        storage.putString(playlist, LONG);
        storage.putString(master, "#EXTM3U\nold\n");

        Publication rolledBack = new Publication();
        rolledBack.write(playlist, SHORT);
        rolledBack.write(master, "#EXTM3U\nnew\n");
        rolledBack.setAppendOnly(true);
        rolledBack.setRecord(VideoRecord.processing("v", null, 40));
        PublishVideo.carryOut(storage, rolledBack);
        assertThat(Files.readString(root.resolve(playlist))).isEqualTo(LONG);
        assertThat(Files.readString(root.resolve(master))).isEqualTo("#EXTM3U\nnew\n");

        // Longer than what is stored, or a different text: written.
        Publication next = new Publication();
        next.write(playlist, LONG + "#EXT-X-ENDLIST\n");
        next.setAppendOnly(true);
        next.setRecord(VideoRecord.processing("v", null, 90));
        PublishVideo.carryOut(storage, next);
        assertThat(Files.readString(root.resolve(playlist))).endsWith("#EXT-X-ENDLIST\n");
    }

    /** A failed video's entry points and everything else it wrote are deleted (keys first). */
    @Test
    void aFailedVideosEntryPointsAndEverythingItWroteAreDeleted() throws Exception {
        ObjectStorage storage = ObjectStorage.of("file://" + root);
        String master = OutputLayout.videoFile("v", OutputLayout.MASTER);
        String segment = OutputLayout.videoFile("v", "720p/seg_00000.m4s");
        storage.putString(master, "#EXTM3U\n");
        storage.putString(segment, "x");
        Publication end = new Publication();
        end.getDeleteKeys().add(master);
        end.getDeletePrefixes().add(OutputLayout.videoPrefix("v"));
        end.setRecord(VideoRecord.failed("v", null, "ENCODE_FAILED", "x"));
        assertThat(PublishVideo.carryOut(storage, end).getReasonCode()).isEqualTo("ENCODE_FAILED");
        assertThat(root.resolve(master)).doesNotExist();
        assertThat(root.resolve(segment)).doesNotExist();
    }
}
