package org.transcoder.connectors.events;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for where an upload may be read from, checked without any I/O. A source is {@code
 * s3://bucket/key} or {@code file:///absolute/path}, spelled plainly: no {@code .} or {@code ..}
 * segment, no empty segment, no backslash, no control character, no query, fragment, user info or
 * port, and percent-escapes only for characters that mean nothing to a path (an escaped dot, slash,
 * backslash, percent or control character is refused, so {@code %2e%2e}, {@code %2f} and double
 * encoding such as {@code %252e} cannot smuggle a {@code ..} past the check or into a later
 * decoder). Such a URI names exactly one file or object, and {@link Roots#problem} then checks it
 * is under one of the configured roots by plain segment-wise prefix: file roots as {@code
 * file:///dir}, buckets as {@code s3://bucket} or {@code s3://bucket/prefix}.
 *
 * <p>Symlinks are the one thing this cannot see; {@code SourceFiles} resolves them when it opens
 * the file.
 */
public final class SourceUri {

    /** Bucket names as S3 allows them (lower case, digits, dots, hyphens). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?");

    /** An escape that decodes to a character a path or a decoder could give a meaning to. */
    private static final Pattern DANGEROUS_ESCAPE =
            Pattern.compile("%(?:[01][0-9a-fA-F]|7[fF]|2[eEfF5]|5[cC])");

    private static final Pattern ESCAPE = Pattern.compile("%[0-9a-fA-F]{2}");

    private final String scheme;

    /** The bucket of an s3 URI; empty for file URIs. */
    private final String bucket;

    /** The path segments (the key's segments for s3), as written (escapes not decoded). */
    private final List<String> segments;

    private SourceUri(String scheme, String bucket, List<String> segments) {
        this.scheme = scheme;
        this.bucket = bucket;
        this.segments = segments;
    }

    /** The parsed URI, or an {@link IllegalArgumentException} saying what is wrong with it. */
    public static SourceUri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("sourceUri is required");
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            // Format characters include the bidi overrides that make a name read differently.
            if (Character.isISOControl(c)
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)
                    || Character.getType(c) == Character.FORMAT
                    || c == '\\') {
                throw new IllegalArgumentException(
                        "sourceUri must not contain spaces, control characters or backslashes");
            }
        }
        try {
            new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("sourceUri is not a valid URI");
        }
        if (uri.indexOf('?') >= 0 || uri.indexOf('#') >= 0) {
            throw new IllegalArgumentException("sourceUri must not have a query or fragment");
        }
        int colon = uri.indexOf("://");
        String scheme = colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : uri.substring(colon + 3);
        String bucket;
        String path;
        switch (scheme) {
            case "s3" -> {
                int slash = rest.indexOf('/');
                bucket = slash < 0 ? rest : rest.substring(0, slash);
                path = slash < 0 ? "" : rest.substring(slash + 1);
                if (!BUCKET.matcher(bucket).matches() || path.isEmpty()) {
                    throw new IllegalArgumentException("sourceUri must look like s3://bucket/key");
                }
            }
            case "file" -> {
                // A host (file://server/x) would name another machine's file: not ours to read.
                if (!rest.startsWith("/") || rest.length() < 2) {
                    throw new IllegalArgumentException(
                            "sourceUri must look like file:///absolute/path");
                }
                bucket = "";
                path = rest.substring(1);
            }
            default ->
                    throw new IllegalArgumentException(
                            "sourceUri scheme must be s3 or file (s3://bucket/key,"
                                    + " file:///absolute/path)");
        }
        if (DANGEROUS_ESCAPE.matcher(path).find()
                || ESCAPE.matcher(path).replaceAll("").indexOf('%') >= 0) {
            throw new IllegalArgumentException(
                    "sourceUri must not percent-encode dots, slashes, backslashes, percent signs"
                            + " or control characters");
        }
        List<String> segments = List.of(path.split("/", -1));
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException(
                        "sourceUri must not have empty, '.' or '..' path segments");
            }
        }
        return new SourceUri(scheme, bucket, segments);
    }

    /** The problem {@link #parse} finds, or empty when the URI is well-formed. */
    public static Optional<String> problem(String uri) {
        try {
            parse(uri);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private boolean startsWith(SourceUri root) {
        return scheme.equals(root.scheme)
                && bucket.equals(root.bucket)
                && segments.size() > root.segments.size()
                && segments.subList(0, root.segments.size()).equals(root.segments);
    }

    /**
     * The configured places sources may come from ({@code storage.source-roots}): each {@code
     * file:///dir} or {@code s3://bucket[/prefix]}, itself spelled by the rule above. Nothing is
     * allowed when there are none.
     */
    public static final class Roots implements Serializable {

        private static final long serialVersionUID = 1L;

        private final List<String> roots;

        private transient List<SourceUri> parsed;

        public Roots(List<String> roots) {
            this.roots = List.copyOf(roots);
            for (String r : this.roots) {
                try {
                    parseRoot(r);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "Source root '"
                                    + r
                                    + "' is not file:///dir or s3://bucket[/prefix]: "
                                    + e.getMessage(),
                            e);
                }
            }
        }

        /** A bucket alone ({@code s3://b}) or a trailing slash is fine for a root. */
        private static SourceUri parseRoot(String root) {
            String r = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
            if (r.matches("(?i)s3://[^/]+")) {
                SourceUri withKey = parse(r + "/x");
                return new SourceUri(withKey.scheme, withKey.bucket, List.of());
            }
            if (r.equalsIgnoreCase("file:") || r.equalsIgnoreCase("file://")) {
                throw new IllegalArgumentException("the whole file system is not a source root");
            }
            return parse(r);
        }

        public List<String> asList() {
            return roots;
        }

        /** Why {@code uri} may not be read, or empty when it is well-formed and under a root. */
        public Optional<String> problem(String uri) {
            SourceUri u;
            try {
                u = parse(uri);
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
            if (parsed == null) {
                parsed = roots.stream().map(Roots::parseRoot).toList();
            }
            if (parsed.stream().noneMatch(u::startsWith)) {
                return Optional.of(
                        "sourceUri is not under a configured source root or bucket"
                                + " (storage.source-roots)");
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return roots.toString();
        }
    }
}
