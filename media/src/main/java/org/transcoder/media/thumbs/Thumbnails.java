package org.transcoder.media.thumbs;

import java.nio.file.Path;

/** Poster and seek-preview storyboard of a video (sprite + WebVTT index). */
public record Thumbnails(Path poster, Path storyboard, Path storyboardVtt) {}
