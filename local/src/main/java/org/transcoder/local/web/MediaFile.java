package org.transcoder.local.web;

import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.MimeTypes;

/**
 * The kinds of file the origin serves, by extension, each with its media type and how long a
 * browser or CDN may keep it. Nothing else in the output tree is served (s3proxy's temporary upload
 * files, anything left there by hand).
 */
enum MediaFile {
    PLAYLIST("m3u8", "application/vnd.apple.mpegurl", Caching.REVALIDATE),
    DASH_MANIFEST("mpd", "application/dash+xml", Caching.REVALIDATE),
    SEGMENT("m4s", "video/iso.segment", Caching.IMMUTABLE),
    INIT_SEGMENT("mp4", "video/mp4", Caching.IMMUTABLE),
    IMAGE("jpg", "image/jpeg", Caching.REVALIDATE),
    STORYBOARD("vtt", "text/vtt;charset=utf-8", Caching.REVALIDATE);

    /** Cache-Control values. */
    static final class Caching {
        /**
         * Playlists are rewritten (a re-upload publishes a new master) and thumbnails have one key
         * per video: a cache must ask again each time (the ETag makes that a 304).
         */
        static final String REVALIDATE = "no-cache";

        /**
         * Segments live in their upload's generation directory and init segments are named by their
         * content hash (or live there too): a name never gets other bytes.
         */
        static final String IMMUTABLE = "public, max-age=31536000, immutable";

        private Caching() {}
    }

    final String extension;
    final String contentType;
    final String cacheControl;

    MediaFile(String extension, String contentType, String cacheControl) {
        this.extension = extension;
        this.contentType = contentType;
        this.cacheControl = cacheControl;
    }

    /**
     * The kind of the file a path names, by its extension; empty if the origin does not serve it.
     */
    static Optional<MediaFile> of(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (MediaFile f : values()) {
            if (f.extension.equals(ext)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** Makes Jetty's file servlet answer with these media types. */
    static void register(MimeTypes mimeTypes) {
        for (MediaFile f : values()) {
            mimeTypes.addMimeMapping(f.extension, f.contentType);
        }
    }
}
