package io.github.drkit.spring.internal;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical form of a JSON body for fingerprints: object members sorted by name, no
 * insignificant whitespace, numbers by value ({@code 1.50} and {@code 1.5} are equal), strings
 * escaped one way; optionally only selected members (JSON Pointers). Loaded only when {@code
 * dr.idempotency.fingerprint.mode=canonical-json} (Jackson must be on the class path). Thread-safe.
 * Not API.
 */
public final class JsonFingerprint {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final List<JsonPointer> fields;

    /**
     * Creates the canonicaliser.
     *
     * @param fields JSON Pointers of the members that count; empty for the whole body
     * @throws IllegalArgumentException if a pointer is malformed (the message names it)
     */
    public JsonFingerprint(List<String> fields) {
        List<JsonPointer> parsed = new ArrayList<>(fields.size());
        for (String f : fields) {
            parsed.add(JsonPointer.compile(f));
        }
        this.fields = List.copyOf(parsed);
    }

    /**
     * The canonical form of a JSON body.
     *
     * @param body the body bytes
     * @return the canonical text, or {@code null} if the body is not JSON (then the bytes count)
     */
    public String canonical(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (root == null || root.isMissingNode()) {
            return null;
        }
        StringBuilder out = new StringBuilder(body.length);
        if (fields.isEmpty()) {
            write(root, out);
            return out.toString();
        }
        for (JsonPointer f : fields) {
            out.append(f).append('=');
            JsonNode node = root.at(f);
            if (node.isMissingNode()) {
                out.append('-');
            } else {
                write(node, out);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), e.getValue());
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(ProblemResponse.quote(e.getKey())).append(':');
                write(e.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            out.append(node.decimalValue().stripTrailingZeros().toPlainString());
        } else if (node.isTextual()) {
            out.append(ProblemResponse.quote(node.textValue()));
        } else {
            out.append(node.toString()); // true, false, null
        }
    }
}
