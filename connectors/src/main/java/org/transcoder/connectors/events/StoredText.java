package org.transcoder.connectors.events;

import java.util.regex.Pattern;

/**
 * Makes text from uploads safe for every store a record goes to. PostgreSQL refuses the NUL
 * character in text and JSONB, and Kafka refuses records over {@code max.request.size}: one event
 * carrying either must not become a record that a sink can never write (a poison pill that restarts
 * the job into the same record forever). Control characters become U+FFFD, and text is cut to a
 * bound, marked with an ellipsis.
 */
public final class StoredText {

    /** Longest message kept in a record (the reason for a failure, never a payload). */
    public static final int MAX_MESSAGE = 2000;

    /** Longest URI or label value kept in a record. */
    public static final int MAX_VALUE = 2048;

    /** Longest detail a failure message shows beside its reason's fixed text. */
    public static final int MAX_DETAIL = 300;

    /**
     * file: URIs, and absolute paths where a path starts: after a space, a quote, a bracket or a
     * colon (concat:/x), but not inside a word, a relative path or a scheme://authority/key.
     */
    private static final Pattern SERVER_PATH =
            Pattern.compile(
                    "(?i)\\bfile:[^\\s'\"<>]*|(?:(?<![\\w.:/~-])|(?<=:)(?!//))/[^\\s'\"<>,;:|)\\]]+");

    /** Memory addresses as FFmpeg and native crashes print them ({@code [h264 @ 0x55d0...]}). */
    private static final Pattern ADDRESS = Pattern.compile("(?i)\\b0x[0-9a-f]{4,}\\b");

    /** IPv4 addresses (with a port): where the job's services run. */
    private static final Pattern IPV4 =
            Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?\\b");

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private StoredText() {}

    /**
     * The part of an internal error text (ffmpeg's stderr, an exception message) that may be shown
     * to the uploader: server paths and file: URIs become {@code <path>}, memory addresses {@code
     * 0x...}, IP addresses {@code <host>}, control characters and line breaks one space, and it is
     * cut to {@value #MAX_DETAIL} characters. The full text belongs in the server log only.
     */
    public static String detail(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), 4 * MAX_DETAIL));
        for (int i = 0; i < text.length() && b.length() < 4 * MAX_DETAIL; i++) {
            char c = text.charAt(i);
            b.append(isControl(c) || Character.isISOControl(c) ? ' ' : c);
        }
        String s = SERVER_PATH.matcher(b).replaceAll("<path>");
        s = ADDRESS.matcher(s).replaceAll("0x...");
        s = IPV4.matcher(s).replaceAll("<host>");
        s = WHITESPACE.matcher(s).replaceAll(" ").trim();
        return clean(s, MAX_DETAIL);
    }

    /** {@code text} without control characters (tab and newline stay), at most {@code max}. */
    public static String clean(String text, int max) {
        if (text == null) {
            return null;
        }
        boolean dirty = text.length() > max;
        for (int i = 0; i < text.length() && !dirty; i++) {
            dirty = isControl(text.charAt(i));
        }
        if (!dirty) {
            return text;
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && b.length() < max; i++) {
            char c = text.charAt(i);
            b.append(isControl(c) ? '\uFFFD' : c);
        }
        if (text.length() > max) {
            b.setLength(max - 1);
            b.append('\u2026');
        }
        return b.toString();
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
    }
}
