package org.transcoder.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UploadEventTest {

    private static IncomingUpload parse(String json) {
        return UploadEventDeserializationSchema.parse(
                "k".getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                "video-uploads",
                3,
                7);
    }

    @Test
    void parsesValidEventAndIgnoresUnknownFields() {
        IncomingUpload in =
                parse(
                        "{\"videoId\":\"cat_01\",\"sourceUri\":\"s3://uploads/cat.mp4\",\"profile\":\"hd\","
                                + "\"priority\":5,\"labels\":{\"user\":\"u1\"},\"newField\":[1,2]}");
        assertThat(in.isParsed()).isTrue();
        assertThat(in.getError()).isNull();
        assertThat(in.getKafkaKey()).isEqualTo("k");
        assertThat(in.getOffset()).isEqualTo(7);
        assertThat(in.position()).isEqualTo("video-uploads/3/7");
        UploadEvent e = in.getEvent();
        assertThat(e.getVideoId()).isEqualTo("cat_01");
        assertThat(e.getSourceUri()).isEqualTo("s3://uploads/cat.mp4");
        assertThat(e.getProfile()).isEqualTo("hd");
        assertThat(e.getPriority()).isEqualTo(5);
        assertThat(e.getLabels()).containsEntry("user", "u1");
        assertThat(e.problem()).isEmpty();
    }

    @Test
    void defaultsWhenOptionalFieldsAreMissingOrNull() {
        UploadEvent e =
                parse("{\"videoId\":\"v1\",\"sourceUri\":\"file:///data/v1.mp4\",\"labels\":null}")
                        .getEvent();
        assertThat(e.getProfile()).isNull();
        assertThat(e.getPriority()).isZero();
        assertThat(e.getLabels()).isNotNull().isEmpty();
        assertThat(e.problem()).isEmpty();
    }

    @Test
    void malformedJsonBecomesDataNotAnException() {
        IncomingUpload in = parse("{\"videoId\": \"v1\", ");
        assertThat(in.isParsed()).isFalse();
        assertThat(in.getEvent()).isNull();
        assertThat(in.getError()).startsWith("malformed JSON: ");
        assertThat(in.getRawPayload()).isEqualTo("{\"videoId\": \"v1\", ");
    }

    @Test
    void nonObjectsEmptyBodiesAndWrongTypesAreErrors() {
        assertThat(parse("[1,2]").getError()).startsWith("not a JSON object");
        assertThat(parse("\"hello\"").getError()).startsWith("not a JSON object");
        assertThat(parse("null").getError()).isEqualTo("empty payload");
        assertThat(parse(null).getError()).isEqualTo("empty payload");
        assertThat(parse("").getError()).isEqualTo("empty payload");
        assertThat(parse("{\"videoId\":\"v\",\"priority\":\"high\"}").getError())
                .startsWith("malformed JSON: ");
        assertThat(parse("{\"videoId\":\"v\",\"priority\":null}").getError())
                .startsWith("malformed JSON: ");
    }

    @Test
    void rawPayloadIsCapped() {
        String big = "x".repeat(5000);
        IncomingUpload in = parse(big);
        assertThat(in.getRawPayload()).hasSize(IncomingUpload.MAX_RAW_CHARS);
    }

    @Test
    void invalidVideoIdIsAProblem() {
        assertThat(UploadEvent.of("../etc", "s3://b/k").problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("videoId must match"));
        assertThat(UploadEvent.of("a".repeat(65), "s3://b/k").problem()).isPresent();
        assertThat(UploadEvent.of(null, "s3://b/k").problem()).isPresent();
        assertThat(UploadEvent.of("a b", "s3://b/k").problem()).isPresent();
        assertThat(UploadEvent.of("A-z_09", "s3://b/k").problem()).isEmpty();
    }

    @Test
    void sourceUriSchemes() {
        assertThat(UploadEvent.of("v", "file:///data/v.mp4").problem()).isEmpty();
        assertThat(UploadEvent.of("v", "s3://uploads/user-1/v.mp4").problem()).isEmpty();
        assertThat(UploadEvent.of("v", "http://example.com/v.mp4").problem())
                .get()
                .asString()
                .startsWith("sourceUri scheme must be s3 or file");
        assertThat(UploadEvent.of("v", "/data/v.mp4").problem()).isPresent();
        assertThat(UploadEvent.of("v", "file:relative.mp4").problem()).isPresent();
        assertThat(UploadEvent.of("v", "file:/data/v.mp4").problem()).isPresent();
        assertThat(UploadEvent.of("v", "file://otherhost/data/v.mp4").problem()).isPresent();
        assertThat(UploadEvent.of("v", "s3://bucket").problem()).isPresent();
        assertThat(UploadEvent.of("v", "s3://bucket/a b.mp4").problem()).isPresent();
        assertThat(UploadEvent.of("v", null).problem()).hasValue("sourceUri is required");
    }

    /**
     * What an attacker puts in a source URI to leave the allowed roots or reach another reader:
     * each is refused by its form alone, before anything is opened.
     */
    @Test
    void hostileSourceUrisAreRefusedByTheirForm() {
        for (String uri :
                java.util.List.of(
                        "file:///data/../etc/passwd",
                        "file:///data/./v.mp4",
                        "file:///data//v.mp4",
                        "file:///data/%2e%2e/etc/passwd",
                        "file:///data/%2E%2E/etc/passwd",
                        "file:///data/.%2e/etc/passwd",
                        "file:///data/%2e%2e%2fetc%2fpasswd",
                        "file:///data/..%2fetc/passwd",
                        "file:///data/%252e%252e/etc/passwd",
                        "file:///data/%25252e/etc/passwd",
                        "file:///data/..%5cetc/passwd",
                        "file:///data/..\\etc\\passwd",
                        "file:///data/v.mp4%00.txt",
                        "file:///data/v.mp4\u0000",
                        "file:///data/%zz.mp4",
                        "file:///data/v\u202egpj.mp4",
                        "file:///data/v.mp4?x=1",
                        "file:///data/v.mp4#frag",
                        "s3://uploads/../other/key",
                        "s3://uploads/a/%2e%2e/b",
                        "s3://user:secret@uploads/key",
                        "s3://uploads:9000/key",
                        "s3://UPLOADS/key",
                        "http://127.0.0.1:8080/v.mp4",
                        "https://example.com/v.mp4",
                        "ftp://example.com/v.mp4",
                        "data:video/mp4;base64,AAAA",
                        "jar:file:///data/a.jar!/v.mp4",
                        "concat:/data/a.mp4|/etc/passwd",
                        "subfile,,start,0,end,0,,:/etc/passwd",
                        "pipe:0",
                        "/etc/passwd")) {
            assertThat(UploadEvent.of("v", uri).problem()).as(uri).isPresent();
        }
    }

    @Test
    void profileIsBoundedLikeAnId() {
        UploadEvent e = UploadEvent.of("v", "s3://b/k");
        e.setProfile("mobile");
        assertThat(e.problem()).isEmpty();
        e.setProfile("x".repeat(65));
        assertThat(e.problem()).get().asString().startsWith("profile must match");
        e.setProfile("../default");
        assertThat(e.problem()).isPresent();
    }

    @Test
    void priorityRange() {
        UploadEvent e = UploadEvent.of("v", "s3://b/k");
        e.setPriority(100);
        assertThat(e.problem()).isEmpty();
        e.setPriority(101);
        assertThat(e.problem()).hasValue("priority must be in -100..100, got 101");
        e.setPriority(-101);
        assertThat(e.problem()).isPresent();
    }

    @Test
    void labelsAndSourceUriAreBoundedAndFreeOfControlCharacters() {
        UploadEvent e = UploadEvent.of("v", "s3://b/k");
        e.setLabels(Map.of("user", "u1", "app.version", "1.2"));
        assertThat(e.problem()).isEmpty();
        e.setLabels(Map.of("user", "nul\u0000"));
        assertThat(e.problem()).get().asString().contains("without control characters");
        e.setLabels(Map.of("bad key", "x"));
        assertThat(e.problem()).get().asString().startsWith("label keys must match");
        e.setLabels(Map.of("k", "x".repeat(UploadEvent.MAX_LABEL_VALUE + 1)));
        assertThat(e.problem()).isPresent();
        Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i <= UploadEvent.MAX_LABELS; i++) {
            many.put("k" + i, "v");
        }
        e.setLabels(many);
        assertThat(e.problem()).get().asString().startsWith("at most 32 labels");
        UploadEvent longUri = UploadEvent.of("v", "s3://b/" + "k".repeat(StoredText.MAX_VALUE));
        assertThat(longUri.problem()).get().asString().startsWith("sourceUri must be at most");
    }

    @Test
    void roundTrip() {
        UploadEvent e = UploadEvent.of("v-1", "s3://uploads/v-1.mov");
        e.setPriority(-3);
        e.setProfile("mobile");
        e.setLabels(Map.of("a", "b"));
        String json = UploadEventSerializationSchema.toJson(e);
        assertThat(json).doesNotContain("problem").doesNotContain("parsed");
        IncomingUpload back = parse(json);
        assertThat(back.getEvent()).isEqualTo(e);
        assertThat(UploadEventDeserializationSchema.toJson(e)).isEqualTo(json);
    }
}
