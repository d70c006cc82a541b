package io.github.drkit.samples.orders;

/** A request body field that is missing or out of range; answered with 400. */
public final class InvalidOrderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The field that is wrong. */
    private final String field;

    /**
     * Creates the exception.
     *
     * @param field the field's name
     * @param value the value received (quoted in the message; may be {@code null})
     * @param rule what the field must be
     */
    public InvalidOrderException(String field, Object value, String rule) {
        super(field + " " + rule + " (was " + (value instanceof String s ? "'" + abbreviate(s) + "'" : value) + ")");
        this.field = field;
    }

    /**
     * The field that is wrong.
     *
     * @return the field's name
     */
    public String field() {
        return field;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
