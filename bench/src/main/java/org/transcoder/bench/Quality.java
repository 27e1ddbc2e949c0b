package org.transcoder.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transcoder.media.OutputLayout;
import org.transcoder.media.ffmpeg.FfmpegBinaries;
import org.transcoder.media.ffmpeg.NativeProcess;
import org.transcoder.media.ffmpeg.ProcessResult;
import org.transcoder.media.ladder.Rendition;

/**
 * Quality of one rung against the source scaled to the rung's size (the same bicubic scaler as the
 * ladder), with ffmpeg's psnr and ssim filters. The rung is decoded the way a player sees it: its
 * media playlist's init segment followed by its media segments, concatenated.
 */
final class Quality {

    /** Average PSNR over Y, U, V (dB; "inf" is reported as 100) and SSIM "All", plus frames. */
    record Score(double psnr, double ssim, int frames) {}

    private static final Pattern PSNR = Pattern.compile("PSNR [^\\n]*?average:(inf|[0-9.]+)");
    private static final Pattern SSIM = Pattern.compile("SSIM [^\\n]*?All:([0-9.]+)");
    private static final Pattern FRAMES = Pattern.compile("(?m)frame=\\s*(\\d+)");

    private Quality() {}

    static Score parse(String ffmpegLog) {
        Matcher p = PSNR.matcher(ffmpegLog);
        Matcher s = SSIM.matcher(ffmpegLog);
        if (!p.find() || !s.find()) {
            throw new IllegalArgumentException("No PSNR/SSIM summary in ffmpeg output");
        }
        double psnr = "inf".equals(p.group(1)) ? 100 : Double.parseDouble(p.group(1));
        int frames = -1;
        Matcher f = FRAMES.matcher(ffmpegLog);
        while (f.find()) {
            frames = Integer.parseInt(f.group(1));
        }
        return new Score(psnr, Double.parseDouble(s.group(1)), frames);
    }

    /** The files of a media playlist in play order: each EXT-X-MAP before the segments using it. */
    static List<String> playOrder(String playlist) {
        List<String> out = new ArrayList<>();
        String currentMap = null;
        for (String line : playlist.split("\\R")) {
            line = line.strip();
            if (line.startsWith("#EXT-X-MAP:")) {
                Matcher m = Pattern.compile("URI=\"([^\"]+)\"").matcher(line);
                if (m.find() && !m.group(1).equals(currentMap)) {
                    currentMap = m.group(1);
                    out.add(currentMap);
                }
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(line);
            }
        }
        return out;
    }

    /** SHA-256 of a rung's files in play order. */
    static String contentHash(Path rungDir) throws IOException {
        try {
            java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
            for (String name :
                    playOrder(Files.readString(rungDir.resolve(OutputLayout.PLAYLIST)))) {
                d.update(Files.readAllBytes(rungDir.resolve(name)));
            }
            return java.util.HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Concatenates a rung's init and segments into one fragmented MP4. */
    static Path assemble(Path rungDir, Path target) throws IOException {
        String playlist = Files.readString(rungDir.resolve(OutputLayout.PLAYLIST));
        try (OutputStream os = Files.newOutputStream(target)) {
            for (String name : playOrder(playlist)) {
                Files.copy(rungDir.resolve(name), os);
            }
        }
        return target;
    }

    static Score measure(Path source, Path rungDir, Rendition r, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        Path rung = assemble(rungDir, scratch.resolve("rung-" + r.name() + ".mp4"));
        try {
            FfmpegBinaries ff = FfmpegBinaries.get();
            String graph =
                    String.format(
                            Locale.ROOT,
                            "[0:v:0]setpts=PTS-STARTPTS,format=yuv420p,split[d1][d2];"
                                    + "[1:v:0]setpts=PTS-STARTPTS,scale=%d:%d:flags=bicubic,setsar=1,"
                                    + "format=yuv420p,split[r1][r2];"
                                    + "[d1][r1]psnr[p];[d2][r2]ssim[s]",
                            r.width(),
                            r.height());
            List<String> cmd =
                    List.of(
                            ff.ffmpeg().toString(),
                            "-nostdin",
                            "-hide_banner",
                            "-i",
                            rung.toString(),
                            "-i",
                            source.toString(),
                            "-filter_complex",
                            graph,
                            "-map",
                            "[p]",
                            "-map",
                            "[s]",
                            "-f",
                            "null",
                            "-");
            ProcessResult res = NativeProcess.run(cmd, ff.environment(), Duration.ofMinutes(30));
            if (res.exitCode() != 0) {
                throw new IOException("Quality of " + rungDir + " failed: " + res.stderrTail());
            }
            return parse(res.stderr());
        } finally {
            Files.deleteIfExists(rung);
        }
    }
}
