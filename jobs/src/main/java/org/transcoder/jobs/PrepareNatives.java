package org.transcoder.jobs;

import org.transcoder.media.ffmpeg.FfmpegBinaries;

/**
 * Unpacks the bundled ffmpeg/ffprobe into JavaCPP's cache and checks that they start, run once by
 * the Dockerfile at image build time: otherwise every new TaskManager pod unpacks ~86 MB on its
 * first encode; the stubs for device libraries the image lacks (libpulse.so.0) are written then
 * too, and any other missing system library shows up in {@code docker build}, not in production.
 */
public final class PrepareNatives {

    private PrepareNatives() {}

    public static void main(String[] args) {
        FfmpegBinaries binaries = FfmpegBinaries.get();
        System.out.println("ffmpeg: " + binaries.ffmpeg());
        System.out.println("ffprobe: " + binaries.ffprobe());
    }
}
