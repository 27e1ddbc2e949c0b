package org.transcoder.media.probe;

/**
 * One video stream as the probe saw it.
 *
 * @param rotation display rotation in degrees clockwise (0, 90, 180, 270), already normalized
 * @param sarNum sample aspect ratio numerator (1 when square pixels or unknown)
 * @param frameCount packets of this stream (one per frame for every codec we accept)
 * @param colorTransfer, colorSpace, colorPrimaries ffprobe's names of the declared transfer, matrix
 *     and primaries ("unknown" when undeclared; colorSpace and colorPrimaries null in probes stored
 *     before they were kept)
 * @param hdr true for PQ (smpte2084) or HLG (arib-std-b67) transfer
 * @param interlaced true when the field order says the frames are interlaced
 */
public record VideoStreamInfo(
        int index,
        String codec,
        String profile,
        int width,
        int height,
        int sarNum,
        int sarDen,
        int rotation,
        double avgFrameRate,
        double realFrameRate,
        boolean variableFrameRate,
        String pixelFormat,
        int bitDepth,
        String colorTransfer,
        String colorSpace,
        String colorPrimaries,
        boolean hdr,
        String fieldOrder,
        boolean interlaced,
        long frameCount,
        double startSeconds,
        double durationSeconds) {

    /** Width of the picture as displayed: pixel aspect applied, then rotation. */
    public int displayWidth() {
        int w = squarePixelWidth();
        return rotated() ? height : w;
    }

    /** Height of the picture as displayed: pixel aspect applied, then rotation. */
    public int displayHeight() {
        int w = squarePixelWidth();
        return rotated() ? w : height;
    }

    public boolean portrait() {
        return displayHeight() > displayWidth();
    }

    private boolean rotated() {
        return rotation == 90 || rotation == 270;
    }

    private int squarePixelWidth() {
        if (sarNum <= 0 || sarDen <= 0 || sarNum == sarDen) {
            return width;
        }
        return (int) Math.round(width * (double) sarNum / sarDen);
    }
}
