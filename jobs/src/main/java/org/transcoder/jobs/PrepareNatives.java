package org.transcoder.jobs;

import org.transcoder.media.ffmpeg.FfmpegBinaries;

/**
 * Unpacks the bundled ffmpeg/ffprobe into JavaCPP's cache and checks that they start, run once by
 * the Dockerfile at image build time: otherwise every new TaskManager pod unpacks ~86 MB on its
 * first encode, and a missing system library (libpulse0) shows up in production instead of in
 * {@code docker build}.
 */
public final class PrepareNatives {

    private PrepareNatives() {}

    public static void main(String[] args) {
        FfmpegBinaries binaries = FfmpegBinaries.get();
        System.out.println("ffmpeg: " + binaries.ffmpeg());
        System.out.println("ffprobe: " + binaries.ffprobe());
    }
}
