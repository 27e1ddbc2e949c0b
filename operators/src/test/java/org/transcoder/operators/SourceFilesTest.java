package org.transcoder.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transcoder.connectors.events.SourceUri;
import org.transcoder.media.MediaException;
import org.transcoder.media.ReasonCode;

class SourceFilesTest {

    @TempDir Path tmp;
    private Path root;
    private Path outside;
    private SourceUri.Roots roots;

    @BeforeEach
    void layout() throws Exception {
        root = Files.createDirectories(tmp.resolve("uploads"));
        outside = Files.createDirectories(tmp.resolve("private"));
        Files.writeString(root.resolve("good.mp4"), "video");
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createDirectories(tmp.resolve("uploads-evil"));
        Files.writeString(tmp.resolve("uploads-evil/a.mp4"), "video");
        roots = new SourceUri.Roots(List.of(root.toUri().toString(), "s3://uploads/in"));
    }

    private MediaException refusal(String uri) {
        try {
            SourceFiles.open(uri, roots, tmp.resolve("scratch")).close();
        } catch (MediaException e) {
            return e;
        }
        throw new AssertionError(uri + " was opened");
    }

    @Test
    void aFileUnderTheRootIsReadInPlaceUnderTheNeutralName() throws Exception {
        try (SourceFiles.LocalSource s =
                SourceFiles.open(
                        root.resolve("good.mp4").toUri().toString(), roots, tmp.resolve("s"))) {
            // A link in scratch space: FFmpeg sees "source", never the uploader's name.
            assertThat(s.path()).isEqualTo(tmp.resolve("s").resolve(SourceFiles.NEUTRAL_NAME));
            assertThat(s.path()).isSymbolicLink();
            assertThat(s.path().toRealPath()).isEqualTo(root.resolve("good.mp4").toRealPath());
        }
        assertThat(tmp.resolve("s").resolve(SourceFiles.NEUTRAL_NAME))
                .as("closing removes the link")
                .doesNotExist();
        assertThat(root.resolve("good.mp4")).as("and only the link").exists();
    }

    /**
     * Outside the roots, an existing readable file (/etc/passwd, a file beside the root) and a path
     * that exists nowhere get the same INVALID_EVENT: decided from the URI alone, before any I/O,
     * so the answer says nothing about the server's files.
     */
    @Test
    void everythingOutsideTheRootsIsAnInvalidEventWhetherItExistsOrNot() {
        for (String uri :
                List.of(
                        "file:///etc/passwd",
                        "file:///no/such/file.mp4",
                        outside.resolve("secret.txt").toUri().toString(),
                        tmp.resolve("uploads-evil/a.mp4").toUri().toString(),
                        root.toUri() + "../private/secret.txt",
                        root.toUri() + "%2e%2e/private/secret.txt",
                        root.toUri() + "..%2fprivate%2fsecret.txt",
                        root.toUri() + "%252e%252e/private/secret.txt",
                        root.toUri() + "..%5cprivate%5csecret.txt",
                        root.toUri() + "good.mp4%00",
                        root.toUri().toString(),
                        "s3://other-bucket/in/a.mp4",
                        "s3://uploads/elsewhere/a.mp4",
                        "s3://uploads/in-other/a.mp4",
                        "http://127.0.0.1:1/a.mp4",
                        "ftp://example.com/a.mp4",
                        "data:video/mp4;base64,AAAA",
                        "jar:" + root.toUri() + "a.jar!/a.mp4",
                        "concat:" + root.resolve("good.mp4") + "|/etc/passwd")) {
            MediaException e = refusal(uri);
            assertThat(e.reason()).as(uri).isEqualTo(ReasonCode.INVALID_EVENT);
        }
    }

    /**
     * A bucket outside the roots is refused before the S3 file system is touched: there is none in
     * this test, and the allowed bucket shows what touching it would give (a storage error).
     */
    @Test
    void anotherBucketIsRefusedWithoutTouchingStorage() {
        assertThat(refusal("s3://other-bucket/in/a.mp4").reason())
                .isEqualTo(ReasonCode.INVALID_EVENT);
        assertThat(refusal("s3://uploads/in/a.mp4").reason()).isEqualTo(ReasonCode.STORAGE_ERROR);
    }

    /**
     * A symlink out of the root, a missing file, a dangling link and a directory inside the root:
     * one reason and one message, so an event cannot probe for paths through a link.
     */
    @Test
    void linksOutOfTheRootMissingAndUnreadableLookAlike() throws Exception {
        Files.createSymbolicLink(root.resolve("passwd.mp4"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(root.resolve("secret.mp4"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dangling.mp4"), outside.resolve("nothing"));
        Files.createSymbolicLink(root.resolve("dir-link"), outside);
        Files.createDirectories(root.resolve("a-dir"));
        for (String name :
                List.of(
                        "passwd.mp4",
                        "secret.mp4",
                        "dangling.mp4",
                        "dir-link/secret.txt",
                        "missing.mp4",
                        "a-dir")) {
            // Spelled by hand: Path.toUri() ends a directory's URI with '/'.
            MediaException e = refusal(root.toUri() + name);
            assertThat(e.reason()).as(name).isEqualTo(ReasonCode.SOURCE_MISSING);
            assertThat(e.getMessage()).as(name).isEqualTo(SourceFiles.NOT_READABLE);
        }
    }

    @Test
    void linksInsideTheRootAndALinkedRootAreFollowed() throws Exception {
        Files.createSymbolicLink(root.resolve("alias.mp4"), root.resolve("good.mp4"));
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("linked"), root);
        SourceUri.Roots viaLink = new SourceUri.Roots(List.of(linkedRoot.toUri().toString()));
        for (var c :
                List.of(
                        new Object[] {roots, root.resolve("alias.mp4")},
                        new Object[] {viaLink, linkedRoot.resolve("good.mp4")})) {
            try (SourceFiles.LocalSource s =
                    SourceFiles.open(
                            ((Path) c[1]).toUri().toString(),
                            (SourceUri.Roots) c[0],
                            tmp.resolve("s"))) {
                assertThat(s.path().toRealPath()).isEqualTo(root.resolve("good.mp4").toRealPath());
            }
        }
    }

    @Test
    void theWholeFileSystemOrAMalformedRootIsNotAcceptedAsARoot() {
        for (String r : List.of("file:///", "file://", "file:///a/../b", "http://x/", "s3://")) {
            assertThatThrownBy(() -> new SourceUri.Roots(List.of(r)))
                    .as(r)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new SourceUri.Roots(List.of()).problem("s3://uploads/in/a.mp4")).isPresent();
    }
}
