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

    public static String stagingPrefix(String videoId) {
        return "staging/" + videoId;
    }

    public static String stagedChunk(String videoId, int index) {
        return String.format(Locale.ROOT, "%s/chunk_%05d.nut", stagingPrefix(videoId), index);
    }

    /** Key of a file of a video, relative path like "720p/seg_00003.m4s" or "master.m3u8". */
    public static String videoFile(String videoId, String relative) {
        return videoPrefix(videoId) + "/" + relative;
    }
}
