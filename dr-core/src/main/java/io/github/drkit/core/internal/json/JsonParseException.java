package io.github.drkit.core.internal.json;

/**
 * A text that is not valid JSON (RFC 8259) or breaks one of {@link JsonReader}'s bounds. The message
 * says what is wrong, what was expected and where: {@code "Unexpected '}' at line 3, column 7:
 * expected a field name in double quotes"}. Not API.
 */
public final class JsonParseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final int offset;
    private final int line;
    private final int column;

    JsonParseException(String problem, int offset, int line, int column) {
        super(problem + " at line " + line + ", column " + column);
        this.problem = problem;
        this.offset = offset;
        this.line = line;
        this.column = column;
    }

    /**
     * What is wrong, without the position.
     *
     * @return the problem, such as {@code "Duplicate field 'search'"}
     */
    public String problem() {
        return problem;
    }

    /**
     * Where the problem is: the offset in characters of the text (for a byte input: in characters
     * after decoding, or in bytes for an encoding error), from 0.
     *
     * @return the offset
     */
    public int offset() {
        return offset;
    }

    /**
     * The line of the problem, from 1.
     *
     * @return the line
     */
    public int line() {
        return line;
    }

    /**
     * The column of the problem in characters, from 1.
     *
     * @return the column
     */
    public int column() {
        return column;
    }
}
