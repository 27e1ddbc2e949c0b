package org.transcoder.local.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.transcoder.connectors.events.RenditionRecord;
import org.transcoder.connectors.events.VideoRecord;
import org.transcoder.connectors.events.VideoStatus;
import org.transcoder.media.OutputLayout;

/**
 * The HTML of the list page and of a video's watch page. Every value from a record goes through
 * {@link Html#escape}; the player reads its URLs from data attributes, so no record value is ever
 * inside a script.
 */
final class Pages {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private Pages() {}

    /** The origin URL of a file of a video, as {@link StorageLayout} lays the tree out. */
    static String fileUrl(String videoId, String relative) {
        return "/videos/" + Html.pathSegment(videoId) + "/" + relative;
    }

    static String watchUrl(String videoId) {
        return "/watch/" + Html.pathSegment(videoId);
    }

    static String list(List<VideoRecord> videos) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>Videos</h1>\n");
        if (videos.isEmpty()) {
            b.append("<p class=\"empty\">No videos yet.</p>\n");
        } else {
            b.append(
                    "<table class=\"videos\"><thead><tr><th></th><th>Video</th><th>Status</th>"
                            + "<th>Progress</th><th>Duration</th><th>Rungs</th><th>Labels</th>"
                            + "<th>Updated</th></tr></thead><tbody>\n");
            for (VideoRecord v : videos) {
                String id = v.getVideoId();
                b.append("<tr data-video-id=\"").append(Html.escape(id)).append("\"><td>");
                if (v.getPosterUri() != null) {
                    b.append("<img class=\"thumb\" alt=\"\" loading=\"lazy\" src=\"")
                            .append(Html.escape(posterUrl(id)))
                            .append("\">");
                }
                b.append("</td><td><a href=\"")
                        .append(Html.escape(watchUrl(id)))
                        .append("\">")
                        .append(Html.escape(id))
                        .append("</a></td><td>")
                        .append(status(v))
                        .append("</td><td>")
                        .append(progress(v))
                        .append("</td><td>")
                        .append(duration(v))
                        .append("</td><td>")
                        .append(
                                Html.escape(
                                        v.getRenditions().stream()
                                                .map(RenditionRecord::getName)
                                                .collect(Collectors.joining(" · "))))
                        .append("</td><td>")
                        .append(labels(v.getLabels()))
                        .append("</td><td>")
                        .append(TIME.format(Instant.ofEpochMilli(v.getUpdatedAtMillis())))
                        .append("</td></tr>\n");
            }
            b.append("</tbody></table>\n");
        }
        boolean busy = videos.stream().anyMatch(v -> !terminal(v));
        return frame("Videos", b.toString(), busy ? 5 : 0);
    }

    /** The watch page, playing the HLS ladder. */
    static String watch(VideoRecord v) {
        return watch(v, false);
    }

    /**
     * The watch page; with {@code dash} (and a DASH manifest) dash.js plays manifest.mpd instead of
     * hls.js master.m3u8, over the same segments.
     */
    static String watch(VideoRecord v, boolean dash) {
        String id = v.getVideoId();
        StringBuilder b = new StringBuilder();
        b.append("<p class=\"back\"><a href=\"/\">All videos</a></p>\n");
        b.append("<h1>").append(Html.escape(id)).append("</h1>\n");
        if (playerShown(v)) {
            boolean useDash = dash && v.getDashManifestUri() != null;
            if (v.getDashManifestUri() != null) {
                b.append("<p class=\"formats\">Play as ")
                        .append(useDash ? "<a href=\"?format=hls\">HLS</a>" : "<b>HLS</b>")
                        .append(" · ")
                        .append(useDash ? "<b>DASH</b>" : "<a href=\"?format=dash\">DASH</a>")
                        .append("</p>\n");
            }
            b.append(player(v, useDash));
        } else {
            b.append("<p class=\"state\">").append(status(v)).append(" ").append(progress(v));
            b.append("</p>\n");
        }
        b.append("<dl class=\"facts\">");
        fact(b, "Status", status(v));
        if (v.getDurationSeconds() > 0) {
            fact(b, "Duration", duration(v));
        }
        if (!v.getLabels().isEmpty()) {
            fact(b, "Labels", labels(v.getLabels()));
        }
        fact(b, "Updated", TIME.format(Instant.ofEpochMilli(v.getUpdatedAtMillis())));
        b.append("</dl>\n");
        if (!v.getRenditions().isEmpty()) {
            b.append(
                    "<table class=\"ladder\"><thead><tr><th>Rung</th><th>Resolution</th>"
                            + "<th>Peak</th><th>Average</th><th>Codecs</th></tr></thead><tbody>\n");
            for (RenditionRecord r : v.getRenditions()) {
                b.append("<tr><td>")
                        .append(Html.escape(r.getName()))
                        .append("</td><td>")
                        .append(r.getWidth())
                        .append("×")
                        .append(r.getHeight())
                        .append("</td><td>")
                        .append(kbps(r.getBandwidth()))
                        .append("</td><td>")
                        .append(kbps(r.getAverageBandwidth()))
                        .append("</td><td>")
                        .append(Html.escape(r.getCodecs()))
                        .append("</td></tr>\n");
            }
            b.append("</tbody></table>\n");
        }
        // A page with a player is not reloaded: the player follows the growing playlists itself.
        return frame(id, b.toString(), terminal(v) || playerShown(v) ? 0 : 3);
    }

    static String notFound(String what) {
        return frame(
                "Not found",
                "<p class=\"back\"><a href=\"/\">All videos</a></p>\n<h1>Not found</h1>\n<p>No"
                        + " video "
                        + Html.escape(what)
                        + ".</p>\n",
                0);
    }

    /**
     * The player: the video element with its poster, the seek bar with the storyboard preview and
     * the quality menu; watch.js fills them in with hls.js.
     */
    private static String player(VideoRecord v, boolean dash) {
        String id = v.getVideoId();
        String thumbs = OutputLayout.THUMBNAILS_DIR + "/";
        return """
                <div class="player" id="player" data-format="%s" data-src="%s" data-storyboard="%s">
                  <video id="video" preload="metadata" playsinline%s></video>
                  <div class="preview" id="preview" hidden>
                    <div class="tile" id="preview-tile"></div><span id="preview-time"></span>
                  </div>
                  <div class="controls">
                    <button id="play" type="button" aria-label="Play">&#9654;</button>
                    <input id="seek" type="range" min="0" max="0" step="0.01" value="0"
                           aria-label="Seek">
                    <span id="time" class="time">0:00 / 0:00</span>
                    <label class="quality">Quality
                      <select id="quality"><option value="-1">Auto</option></select></label>
                    <button id="mute" type="button" class="text">Mute</button>
                    <button id="fullscreen" type="button" class="text">Full screen</button>
                  </div>
                </div>
                <script src="/static/%s"></script>
                <script src="/static/watch.js"></script>
                """
                .formatted(
                        dash ? "dash" : "hls",
                        Html.escape(
                                fileUrl(
                                        id,
                                        dash ? OutputLayout.DASH_MANIFEST : OutputLayout.MASTER)),
                        Html.escape(fileUrl(id, thumbs + OutputLayout.STORYBOARD_VTT)),
                        v.getPosterUri() == null
                                ? ""
                                : " poster=\"" + Html.escape(posterUrl(id)) + "\"",
                        dash ? "dash.all.min.js" : "hls.min.js");
    }

    private static String posterUrl(String id) {
        return fileUrl(id, OutputLayout.THUMBNAILS_DIR + "/" + OutputLayout.POSTER);
    }

    private static void fact(StringBuilder b, String name, String html) {
        b.append("<dt>").append(name).append("</dt><dd>").append(html).append("</dd>");
    }

    /** READY, or PLAYABLE: watchable while it is encoded (HLS; DASH comes with READY). */
    private static boolean playerShown(VideoRecord v) {
        return (v.getStatus() == VideoStatus.READY || v.getStatus() == VideoStatus.PLAYABLE)
                && v.getManifestUri() != null;
    }

    private static boolean terminal(VideoRecord v) {
        return v.getStatus() == VideoStatus.READY || v.getStatus() == VideoStatus.FAILED;
    }

    private static String status(VideoRecord v) {
        String s = v.getStatus().name();
        String html =
                "<span class=\"status status-" + s.toLowerCase(Locale.ROOT) + "\">" + s + "</span>";
        if (v.getReasonCode() != null) {
            html +=
                    " <span class=\"reason\">"
                            + Html.escape(v.getReasonCode())
                            + "</span> <span class=\"message\">"
                            + Html.escape(v.getMessage())
                            + "</span>";
        }
        return html;
    }

    private static String progress(VideoRecord v) {
        int p = v.getProgressPercent();
        return "<progress max=\"100\" value=\"" + p + "\"></progress> " + p + "%";
    }

    private static String duration(VideoRecord v) {
        return v.getDurationSeconds() > 0
                ? String.format(Locale.ROOT, "%.1f s", v.getDurationSeconds())
                : "";
    }

    private static String labels(Map<String, String> labels) {
        return labels.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(
                        e ->
                                "<span class=\"label\">"
                                        + Html.escape(e.getKey())
                                        + "="
                                        + Html.escape(e.getValue())
                                        + "</span>")
                .collect(Collectors.joining(" "));
    }

    private static String kbps(long bitsPerSecond) {
        return String.format(Locale.ROOT, "%d kb/s", Math.round(bitsPerSecond / 1000.0));
    }

    private static String frame(String title, String body, int refreshSeconds) {
        return """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                %s<title>%s · Transcoder</title>
                <link rel="stylesheet" href="/static/watch.css">
                </head>
                <body>
                <main>
                %s</main>
                </body>
                </html>
                """
                .formatted(
                        refreshSeconds > 0
                                ? "<meta http-equiv=\"refresh\" content=\""
                                        + refreshSeconds
                                        + "\">\n"
                                : "",
                        Html.escape(title),
                        body);
    }
}
