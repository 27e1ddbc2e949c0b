package org.transcoder.local.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Escaping for the pages: every string that comes from an upload goes through here. */
final class Html {

    private Html() {}

    /** Text or a quoted attribute value: the five characters HTML gives meaning to. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** One path segment of a URL (then escaped again where it goes into an attribute). */
    static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
