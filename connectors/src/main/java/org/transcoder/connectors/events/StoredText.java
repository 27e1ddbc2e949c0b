package org.transcoder.connectors.events;

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

    private StoredText() {}

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
