package org.transcoder.connectors.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the event types: unknown properties are ignored (producers may be newer
 * than the job), nulls are left out; properties are the POJO getters/setters.
 */
public final class EventJson {

    /** Thread-safe once configured; static, so it never travels inside a serialized schema. */
    public static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .serializationInclusion(JsonInclude.Include.NON_NULL)
                    .build();

    private EventJson() {}
}
