package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.ResultCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an HTTP response that an idempotent request stores and replays: status, the
 * allow-listed headers ({@code dr.idempotency.replay-headers}), the body and when the record expires.
 * A response whose body went over {@code dr.idempotency.max-response-size} is {@linkplain
 * #tooLarge() too large}: it was streamed to the client and is never stored (the key is finished as
 * not replayable). Not API.
 *
 * @param status the status code
 * @param headers the stored headers as name, value pairs, in order
 * @param body the body bytes (empty when too large)
 * @param expiresAtEpochSecond when the record expires, in seconds since the epoch
 * @param tooLarge whether the body went over the bound and was not kept
 */
public record StoredResponse(
        int status, List<String> headers, byte[] body, long expiresAtEpochSecond, boolean tooLarge) {

    /** Format 1: status, content type, location, body (records written before format 2). */
    private static final int FORMAT_1 = 1;

    /** Format 2: status, headers, expiry, body. */
    private static final int FORMAT_2 = 2;

    /** Encodes a stored response as a small versioned binary record, and decodes formats 1 and 2. */
    public static final ResultCodec<StoredResponse> CODEC = new ResultCodec<>() {
        @Override
        public byte[] encode(StoredResponse r) {
            if (r.tooLarge) {
                throw new IllegalStateException("a response over the buffer bound is never stored");
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(r.body.length + 64 + 32 * r.headers.size());
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT_2);
                out.writeShort(r.status);
                out.writeShort(r.headers.size() / 2);
                for (String h : r.headers) {
                    out.writeUTF(h);
                }
                out.writeLong(r.expiresAtEpochSecond);
                out.writeInt(r.body.length);
                out.write(r.body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        @Override
        public StoredResponse decode(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int format = in.readUnsignedByte();
                if (format == FORMAT_1) {
                    int status = in.readUnsignedShort();
                    String contentType = in.readUTF();
                    String location = in.readUTF();
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    List<String> headers = new ArrayList<>(4);
                    if (!contentType.isEmpty()) {
                        headers.add("Content-Type");
                        headers.add(contentType);
                    }
                    if (!location.isEmpty()) {
                        headers.add("Location");
                        headers.add(location);
                    }
                    return new StoredResponse(status, List.copyOf(headers), body, -1, false);
                }
                if (format != FORMAT_2) {
                    throw new IllegalStateException("unknown stored response format " + format);
                }
                int status = in.readUnsignedShort();
                int count = in.readUnsignedShort();
                List<String> headers = new ArrayList<>(count * 2);
                for (int i = 0; i < count * 2; i++) {
                    headers.add(in.readUTF());
                }
                long expires = in.readLong();
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                return new StoredResponse(status, List.copyOf(headers), body, expires, false);
            } catch (IOException e) {
                throw new UncheckedIOException("a stored response is truncated", e);
            }
        }
    };

    /**
     * A header's first stored value.
     *
     * @param name the header name, case-insensitive
     * @return the value, or {@code null}
     */
    public String header(String name) {
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                return headers.get(i + 1);
            }
        }
        return null;
    }
}
