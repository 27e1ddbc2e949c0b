package org.transcoder.media.probe;

/** One audio stream as the probe saw it. */
public record AudioStreamInfo(
        int index, String codec, int channels, int sampleRate, boolean defaultTrack) {}
