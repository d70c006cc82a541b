package io.github.drkit.spring.internal;

import java.util.Map;

/**
 * A part of the {@code dr} endpoint that is read only when asked for ({@code GET /actuator/dr/{name}}),
 * because reading it costs a remote call (for example the RDS control plane). Not API.
 */
public interface DrDetail {

    /**
     * The selector under the {@code dr} endpoint.
     *
     * @return a lowercase name such as {@code "aurora"}
     */
    String name();

    /**
     * Reads the detail now. Never throws: a failure is reported in the map.
     *
     * @return a JSON-friendly map
     */
    Map<String, Object> read();
}
