package io.github.drkit.samples.orders;

import io.github.drkit.jdbc.CommitOutcomeUnknownException;
import io.github.drkit.jdbc.FailoverInterruptedException;
import io.github.drkit.jdbc.NoReaderException;
import io.github.drkit.jdbc.NoWriterException;
import io.github.drkit.jdbc.WritesRefusedException;
import java.net.URI;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns failures into RFC 9457 problem answers. drkit's typed failover errors become 503 with {@code
 * Retry-After: 1} and a problem type naming what happened, so a client knows it may retry (with the
 * same {@code Idempotency-Key} for writes). A 503 from an idempotent request releases its key and
 * rolls its transaction back. Stateless.
 */
@RestControllerAdvice
public class FailoverProblems {

    /** The prefix of this service's problem types. */
    public static final String TYPE = "urn:orders:problem:";

    private static final Logger LOG = LoggerFactory.getLogger(FailoverProblems.class);

    /** Created by Spring. */
    public FailoverProblems() {}

    /**
     * A bad request field.
     *
     * @param e the failure
     * @return 400
     */
    @ExceptionHandler(InvalidOrderException.class)
    public ResponseEntity<ProblemDetail> invalid(InvalidOrderException e) {
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "invalid-" + e.field(), "Invalid " + e.field(), e);
        return respond(p, false);
    }

    /**
     * An unknown order.
     *
     * @param e the failure
     * @return 404
     */
    @ExceptionHandler(OrderNotFoundException.class)
    public ResponseEntity<ProblemDetail> notFound(OrderNotFoundException e) {
        return respond(problem(HttpStatus.NOT_FOUND, "order-not-found", "Order not found", e), false);
    }

    /**
     * A database failure, classified by drkit's typed exceptions anywhere in the cause chain.
     *
     * @param e the failure (a Spring {@link DataAccessException} or {@link TransactionException})
     * @return 503 for failover and availability failures, 500 otherwise
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    public ResponseEntity<ProblemDetail> database(RuntimeException e) {
        SQLException sql = sqlCause(e);
        String code;
        String title;
        if (sql instanceof NoWriterException) {
            code = "no-writer";
            title = "No writer right now (failover in progress)";
        } else if (sql instanceof FailoverInterruptedException) {
            code = "failover-interrupted";
            title = "The transaction was cut by a failover and rolled back";
        } else if (sql instanceof CommitOutcomeUnknownException) {
            code = "commit-outcome-unknown";
            title = "The commit's outcome is unknown; retry with the same Idempotency-Key";
        } else if (sql instanceof NoReaderException) {
            code = "no-reader";
            title = "No node can serve reads right now";
        } else if (sql instanceof WritesRefusedException) {
            code = "read-only-mode";
            title = "Writes are switched off (read-only mode)";
        } else if (sql instanceof SQLTransientConnectionException || unavailable(sql)) {
            code = "database-unavailable";
            title = "The database is unavailable";
        } else {
            LOG.warn("database failure", e);
            return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "database-error", "Database error", null), false);
        }
        return respond(problem(HttpStatus.SERVICE_UNAVAILABLE, code, title, sql), true);
    }

    private static boolean unavailable(SQLException sql) {
        String state = sql == null ? null : sql.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private static SQLException sqlCause(Throwable failure) {
        SQLException first = null;
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++) {
            if (t instanceof SQLException s) {
                if (s instanceof NoWriterException
                        || s instanceof FailoverInterruptedException
                        || s instanceof CommitOutcomeUnknownException
                        || s instanceof NoReaderException
                        || s instanceof WritesRefusedException) {
                    return s;
                }
                if (first == null) {
                    first = s;
                }
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return first;
    }

    private static ProblemDetail problem(HttpStatus status, String code, String title, Throwable e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(
                status, e == null ? "see the service's log" : String.valueOf(e.getMessage()));
        p.setType(URI.create(TYPE + code));
        p.setTitle(title);
        return p;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail p, boolean retry) {
        ResponseEntity.BodyBuilder b =
                ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retry) {
            b.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return b.body(p);
    }
}
