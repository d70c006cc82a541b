package io.github.drkit.jdbc.schema;

import java.util.Objects;

/**
 * One thing wrong with one of drkit's tables, and what to apply on the writer to fix it.
 *
 * @param table which of drkit's tables
 * @param tableName the table's name as configured (possibly schema-qualified)
 * @param kind what is wrong
 * @param detail a sentence saying what was found (naming the column or the constraint)
 * @param fix the exact SQL to run on the writer, statements separated by semicolons (for a missing
 *     table also the migration that creates it)
 */
public record SchemaProblem(DrkitTable table, String tableName, Kind kind, String detail, String fix) {

    /** What is wrong with a table. */
    public enum Kind {
        /** The table does not exist (or the connection's user may not see it). */
        MISSING_TABLE,
        /** The table exists without a column drkit reads or writes. */
        MISSING_COLUMN,
        /**
         * A check constraint is older than the code: the idempotency table's {@code state} check does not
         * allow {@code 'N'} (a finished record without a replayable result), so such a write would fail.
         */
        OUTDATED_CONSTRAINT
    }

    /**
     * Validates the components.
     *
     * @throws NullPointerException if any component is null
     */
    public SchemaProblem {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
    }

    @Override
    public String toString() {
        return kind + " " + tableName + ": " + detail + " Fix on the writer: " + fix;
    }
}
