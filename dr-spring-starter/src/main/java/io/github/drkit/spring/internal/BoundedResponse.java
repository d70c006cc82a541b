package io.github.drkit.spring.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Holds the handler's response body back, up to a bound, until the idempotent execution is decided;
 * status and headers go to the real response as set. A body that grows past the bound is not held:
 * what was held is written to the real response and the rest streams through ("spilled"), so memory
 * stays bounded; such a response is never stored. Not thread-safe (one request). Not API.
 */
final class BoundedResponse extends HttpServletResponseWrapper {

    private static final String CONTENT_LENGTH = "Content-Length";

    private final int bound;
    private final Runnable beforeSpill;
    private ByteArrayOutputStream held = new ByteArrayOutputStream(256);
    private boolean spilled;
    private ServletOutputStream stream;
    private PrintWriter writer;

    /**
     * Wraps a response.
     *
     * @param response the real response
     * @param bound the most body bytes held back
     * @param beforeSpill run once, before the first byte reaches the real response (last chance for
     *     headers)
     */
    BoundedResponse(HttpServletResponse response, int bound, Runnable beforeSpill) {
        super(response);
        this.bound = bound;
        this.beforeSpill = beforeSpill;
    }

    /** Whether the body went past the bound and was streamed instead of held. */
    boolean spilled() {
        return spilled;
    }

    /** The held body (empty once spilled). */
    byte[] heldBody() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        return spilled ? new byte[0] : held.toByteArray();
    }

    /** Sends the held body (if any) to the real response, with its exact length. */
    void release() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        if (spilled) {
            getResponse().flushBuffer();
            return;
        }
        if (held.size() > 0) {
            HttpServletResponse real = (HttpServletResponse) getResponse();
            if (!real.isCommitted()) {
                real.setContentLength(held.size());
            }
            held.writeTo(real.getOutputStream());
            held.reset();
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        resetBuffer();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        resetBuffer();
        super.sendError(sc, msg);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (!spilled && held.size() + len > bound) {
            spill();
        }
        if (spilled) {
            getResponse().getOutputStream().write(b, off, len);
        } else {
            held.write(b, off, len);
        }
    }

    private void spill() throws IOException {
        spilled = true;
        beforeSpill.run();
        // no Content-Length: the response is chunked, so the client sees it complete only when the
        // filter is done (the record finished, the transaction committed), and an abort after a
        // failed commit reaches the client as a broken response, never as a complete success
        held.writeTo(getResponse().getOutputStream());
        held = new ByteArrayOutputStream(0);
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        return stream();
    }

    private ServletOutputStream stream() {
        if (stream == null) {
            stream = new ServletOutputStream() {
                private final byte[] one = new byte[1];

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException("@Idempotent handlers must answer synchronously");
                }

                @Override
                public void write(int b) throws IOException {
                    one[0] = (byte) b;
                    BoundedResponse.this.write(one, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    BoundedResponse.this.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    if (spilled) {
                        getResponse().getOutputStream().flush();
                    }
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() {
        if (writer == null) {
            if (stream != null) {
                throw new IllegalStateException("getOutputStream() has already been called for this response");
            }
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            writer = new PrintWriter(new OutputStreamWriter(stream(), charset));
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        if (spilled) {
            getResponse().flushBuffer();
        }
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        // held: the exact length is set on release; spilled: the response stays chunked (see spill)
    }

    @Override
    public void setHeader(String name, String value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            setContentLengthLong(value == null ? -1 : Long.parseLong(value.trim()));
        } else {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            setHeader(name, value);
        } else {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            setContentLengthLong(value);
        } else {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            setContentLengthLong(value);
        } else {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public void resetBuffer() {
        if (spilled) {
            super.resetBuffer();
        } else {
            held.reset();
        }
    }

    @Override
    public void reset() {
        super.reset();
        if (!spilled) {
            held.reset();
        }
    }
}
