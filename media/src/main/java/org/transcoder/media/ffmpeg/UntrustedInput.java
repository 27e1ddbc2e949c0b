package org.transcoder.media.ffmpeg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;

/**
 * How every native step opens an upload or staged data: the one place of the input policy.
 *
 * <p>FFmpeg chooses a demuxer by content and by file name, and some demuxers open further URLs
 * named inside the file (hls, concat, image2 patterns, tee, subfile, data...) over any protocol it
 * has (http, tcp, concat:, pipe...). FFmpeg 8's own checks refuse some of this; an upload must not
 * depend on them. So every input gets:
 *
 * <ul>
 *   <li>{@code -protocol_whitelist file}: the file itself and nothing else (nested opens inherit
 *       it, so no playlist entry reaches the network, a pipe or another file through concat:);
 *   <li>{@code -format_whitelist}: the probe may choose only among the accepted containers, and
 *       every later step is given the probed demuxer with {@code -f} (no second guess by name);
 *   <li>{@code -max_pixels}: every decoder refuses a frame larger than the policy allows, whatever
 *       the header said ({@link NativeProcess} stops the child at the first one);
 *   <li>the path as a {@code file:} URL, so a name such as {@code concat:a|b} or {@code x%03d.mp4}
 *       is just a name.
 * </ul>
 *
 * Staged copies also get neutral names (see the callers), so that no user-chosen name or extension
 * reaches FFmpeg at all.
 */
public final class UntrustedInput {

    /** The container of staged chunks: written by us, read back only as that. */
    public static final String STAGED_DEMUXER = "nut";

    private static final Pattern REFUSED_FORMAT =
            Pattern.compile("\\[([a-z0-9_,]+) @ [^\\]]*\\] Format not on whitelist");

    private UntrustedInput() {}

    /**
     * Input options and the input for the first look at an upload: the demuxer is found by content
     * among {@code allowedDemuxers} only.
     */
    public static List<String> probing(
            Path file, Collection<String> allowedDemuxers, long maxPixels) {
        return input(file, String.join(",", allowedDemuxers), null, maxPixels);
    }

    /**
     * Input options and the input for a step after the probe: the probed demuxer ({@code
     * format_name} as the probe printed it, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}) and nothing else.
     */
    public static List<String> probed(Path file, String probedFormat, long maxPixels) {
        String demuxer = demuxer(probedFormat);
        return input(file, demuxer, demuxer, maxPixels);
    }

    /** A staged chunk, written by the splitter as NUT. */
    public static List<String> staged(Path file, long maxPixels) {
        return input(file, STAGED_DEMUXER, STAGED_DEMUXER, maxPixels);
    }

    /** The name {@code -f} takes: the first of the probed demuxer's names. */
    public static String demuxer(String probedFormat) {
        String first = probedFormat.split(",")[0].trim();
        if (!first.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("Not a demuxer name: " + probedFormat);
        }
        return first;
    }

    /**
     * The demuxer FFmpeg found and then refused because it is not on the whitelist (from its
     * stderr), or null when it refused nothing.
     */
    public static String refusedFormat(String stderr) {
        Matcher m = REFUSED_FORMAT.matcher(stderr);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> input(Path file, String whitelist, String demuxer, long maxPixels) {
        List<String> args = new ArrayList<>();
        args.addAll(List.of("-protocol_whitelist", "file", "-format_whitelist", whitelist));
        if (demuxer != null) {
            args.addAll(List.of("-f", demuxer));
        }
        if (maxPixels > 0) {
            args.addAll(List.of("-max_pixels", Long.toString(maxPixels)));
        }
        args.addAll(List.of("-i", "file:" + file.toAbsolutePath()));
        return args;
    }

    /**
     * {@code -fs}: an output file stops growing at the cap, so no step writes more than a video may
     * publish. FFmpeg then ends as if the input had ended: {@link #requireUnderCap} tells the
     * difference.
     */
    public static List<String> outputCap(long maxBytes) {
        return List.of("-fs", String.format(Locale.ROOT, "%d", maxBytes));
    }

    /** Fails with OUTPUT_TOO_LARGE when an output written under {@link #outputCap} reached it. */
    public static void requireUnderCap(Path output, long maxBytes)
            throws IOException, MediaException {
        long size = Files.size(output);
        if (size >= maxBytes) {
            throw new MediaException(
                    ReasonCode.OUTPUT_TOO_LARGE,
                    String.format(
                            Locale.ROOT,
                            "An output of this video reached the cap of %d bytes",
                            maxBytes));
        }
    }
}
