package org.transcoder.connectors.storage;

import java.util.regex.Pattern;

/**
 * Checks object keys before they become paths: keys come partly from events, so a key must never
 * climb out of the storage root or mean different things on different filesystems.
 */
public final class ObjectKeys {

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._/-]+");

    private ObjectKeys() {}

    /** Returns {@code key} when it is a safe relative object key, else throws with the reason. */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object key must not be empty");
        }
        if (key.contains("..")) {
            throw new IllegalArgumentException(
                    "object key must not contain '..' (path traversal): '" + key + "'");
        }
        if (key.contains("\\")) {
            throw new IllegalArgumentException(
                    "object key must not contain a backslash: '" + key + "'");
        }
        if (key.startsWith("/")) {
            throw new IllegalArgumentException(
                    "object key must be relative (no leading '/'): '" + key + "'");
        }
        if (!ALLOWED.matcher(key).matches()) {
            throw new IllegalArgumentException(
                    "object key may only contain [A-Za-z0-9._/-]: '" + key + "'");
        }
        if (key.endsWith("/") || key.contains("//")) {
            throw new IllegalArgumentException(
                    "object key must not have empty segments: '" + key + "'");
        }
        for (String segment : key.split("/")) {
            if (segment.equals(".")) {
                throw new IllegalArgumentException(
                        "object key must not contain '.' segments: '" + key + "'");
            }
        }
        return key;
    }

    /** Like {@link #check} but "" (the whole root) is allowed and a trailing '/' is dropped. */
    public static String checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
            return "";
        }
        return check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    }
}
