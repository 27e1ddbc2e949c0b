package org.transcoder.media.thumbs;

import java.nio.file.Path;

/** Poster and seek-preview storyboard of a video (sprite + WebVTT index). */
public record Thumbnails(Path poster, Path storyboard, Path storyboardVtt) {

    public static final String POSTER = "poster.jpg";
    public static final String STORYBOARD = "storyboard.jpg";
    public static final String STORYBOARD_VTT = "storyboard.vtt";
}
