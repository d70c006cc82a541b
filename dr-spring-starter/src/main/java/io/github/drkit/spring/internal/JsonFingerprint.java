package io.github.drkit.spring.internal;

import io.github.drkit.core.internal.json.JsonParseException;
import io.github.drkit.core.internal.json.JsonPointer;
import io.github.drkit.core.internal.json.JsonReader;
import io.github.drkit.core.internal.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical form of a JSON body for fingerprints: object members sorted by name, no
 * insignificant whitespace, numbers by value ({@code 1.50} and {@code 1.5} are equal), strings
 * escaped one way ({@link JsonWriter#canonical}); optionally only selected members (JSON Pointers).
 * Used when {@code dr.idempotency.fingerprint.mode=canonical-json}; needs no JSON library (drkit's
 * own strict reader). A body that is not strictly one JSON value in UTF-8 (a field twice, trailing
 * content, a lone surrogate...) has no canonical form: its bytes count. Thread-safe. Not API.
 */
public final class JsonFingerprint {

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
        Object root;
        try {
            root = JsonReader.parse(body);
        } catch (JsonParseException e) {
            return null;
        }
        StringBuilder out = new StringBuilder(body.length);
        try {
            if (fields.isEmpty()) {
                JsonWriter.canonical(root, out);
                return out.toString();
            }
            for (JsonPointer f : fields) {
                out.append(f).append('=');
                Object node = f.resolve(root);
                if (node == JsonPointer.ABSENT) {
                    out.append('-');
                } else {
                    JsonWriter.canonical(node, out);
                }
                out.append('\n');
            }
        } catch (IllegalArgumentException e) {
            return null; // a number too large for plain notation: the bytes count
        }
        return out.toString();
    }
}
