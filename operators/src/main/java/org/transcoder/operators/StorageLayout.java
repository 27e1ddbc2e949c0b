package org.transcoder.operators;

import java.util.Locale;

/**
 * Deterministic object keys of a video's outputs and staging data: a retried or replayed task
 * overwrites its own objects instead of adding new ones.
 */
public final class StorageLayout {

    private StorageLayout() {}

    public static String videoPrefix(String videoId) {
        return "videos/" + videoId;
    }

    /** Where every video's staging data lives. */
    public static final String STAGING_ROOT = "staging/";

    public static String stagingPrefix(String videoId) {
        return STAGING_ROOT + videoId;
    }

    /**
     * A staged chunk of one upload (generation) of a video: a re-upload never reads or deletes the
     * chunks of the upload it replaces.
     */
    public static String stagedChunk(String videoId, long generation, int index) {
        return String.format(
                Locale.ROOT,
                "%s/%s/chunk_%05d.nut",
                stagingPrefix(videoId),
                generationDir(generation),
                index);
    }

    /**
     * Where one upload's media segments live, relative to their rendition's playlist, e.g.
     * "g1kq3x9z/seg_00003.m4s": a late task of an earlier upload of the same video writes under its
     * own generation and can never overwrite a segment this upload's playlists list.
     */
    public static String segmentPath(long generation, String fileName) {
        return generationDir(generation) + "/" + fileName;
    }

    private static String generationDir(long generation) {
        return "g" + Long.toString(generation, 36);
    }

    /** Where a video's poster and storyboard live, relative to the video. */
    public static final String THUMBNAILS_DIR = "thumbnails";

    /** Key of a file of a video, relative path like "720p/seg_00003.m4s" or "master.m3u8". */
    public static String videoFile(String videoId, String relative) {
        return videoPrefix(videoId) + "/" + relative;
    }
}
