package io.github.drkit.spring.internal;

import io.github.drkit.core.idempotency.ResultCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The parts of an HTTP response that an idempotent request stores and replays. Not API.
 *
 * @param status the status code
 * @param contentType the content type, or {@code ""}
 * @param location the {@code Location} header, or {@code ""}
 * @param body the body bytes
 */
public record StoredResponse(int status, String contentType, String location, byte[] body) {

    private static final int FORMAT = 1;

    /** Encodes a stored response as a small versioned binary record. */
    public static final ResultCodec<StoredResponse> CODEC = new ResultCodec<>() {
        @Override
        public byte[] encode(StoredResponse r) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(r.body.length + 64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT);
                out.writeShort(r.status);
                out.writeUTF(r.contentType);
                out.writeUTF(r.location);
                out.writeInt(r.body.length);
                out.write(r.body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        @Override
        public StoredResponse decode(byte[] data) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                int format = in.readUnsignedByte();
                if (format != FORMAT) {
                    throw new IllegalStateException("unknown stored response format " + format);
                }
                int status = in.readUnsignedShort();
                String contentType = in.readUTF();
                String location = in.readUTF();
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                return new StoredResponse(status, contentType, location, body);
            } catch (IOException e) {
                throw new UncheckedIOException("a stored response is truncated", e);
            }
        }
    };
}
