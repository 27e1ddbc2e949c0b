package org.transcoder.media;

import java.util.Locale;

/**
 * The one place that names every output: the files of a video's tree (manifests, rung and audio
 * directories, segments, inits, thumbnails) as both runners write them, and the object keys the job
 * puts them under (videos/{id}/..., staging/{id}/...). Keys are deterministic: a retried or
 * replayed task overwrites its own objects instead of adding new ones.
 *
 * <pre>
 * videos/{id}/master.m3u8, manifest.mpd
 * videos/{id}/{rung}/index.m3u8, iframes.m3u8, init_{hash}.mp4, g{generation}/seg_NNNNN.m4s
 * videos/{id}/audio/index.m3u8, g{generation}/init.mp4, g{generation}/seg_NNNNN.m4s
 * videos/{id}/thumbnails/poster.jpg, storyboard.jpg, storyboard.vtt
 * staging/{id}/g{generation}/chunk_NNNNN.nut
 * </pre>
 */
public final class OutputLayout {

    private OutputLayout() {}

    // ---- inside a video's directory ----

    /** The HLS entry point (the master playlist). */
    public static final String MASTER = "master.m3u8";

    /** The DASH entry point. */
    public static final String DASH_MANIFEST = "manifest.mpd";

    /** A rung's (or the audio's) media playlist, in its directory. */
    public static final String PLAYLIST = "index.m3u8";

    /** A rung's I-frame playlist, in its directory. */
    public static final String IFRAME_PLAYLIST = "iframes.m3u8";

    /** The audio rendition's directory. */
    public static final String AUDIO_DIR = "audio";

    /** The audio's init segment (one encode per video: one init). */
    public static final String AUDIO_INIT = "init.mp4";

    public static final String THUMBNAILS_DIR = "thumbnails";
    public static final String POSTER = "poster.jpg";
    public static final String STORYBOARD = "storyboard.jpg";
    public static final String STORYBOARD_VTT = "storyboard.vtt";

    public static String mediaPlaylist(String trackDirectory) {
        return trackDirectory + "/" + PLAYLIST;
    }

    public static String iFramePlaylist(String trackDirectory) {
        return trackDirectory + "/" + IFRAME_PLAYLIST;
    }

    public static String thumbnail(String fileName) {
        return THUMBNAILS_DIR + "/" + fileName;
    }

    /** Media segment {@code index} of a track (numbered across the whole video from 0). */
    public static String segmentName(int index) {
        return String.format(Locale.ROOT, "seg_%05d.m4s", index);
    }

    /** A rung's init segment, named by its content: identical inits are one object. */
    public static String initName(String contentHash) {
        return "init_" + contentHash + ".mp4";
    }

    /** A chunk's source packets as staged for its encode. */
    public static String stagedChunkName(int index) {
        return String.format(Locale.ROOT, "chunk_%05d.nut", index);
    }

    // ---- object keys of the job ----

    public static String videoPrefix(String videoId) {
        return "videos/" + videoId;
    }

    /** Key of a file of a video, relative path like "720p/seg_00003.m4s" or "master.m3u8". */
    public static String videoFile(String videoId, String relative) {
        return videoPrefix(videoId) + "/" + relative;
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
        return stagingPrefix(videoId)
                + "/"
                + generationDir(generation)
                + "/"
                + stagedChunkName(index);
    }

    /**
     * Where one upload's media segments live, relative to their track's directory, e.g.
     * "g1kq3x9z/seg_00003.m4s": a late task of an earlier upload of the same video writes under its
     * own generation and can never overwrite a segment this upload's playlists list.
     */
    public static String segmentPath(long generation, String fileName) {
        return generationDir(generation) + "/" + fileName;
    }

    private static String generationDir(long generation) {
        return "g" + Long.toString(generation, 36);
    }
}
