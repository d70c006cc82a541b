-- drkit idempotency records, PostgreSQL (drkit's JdbcIdempotencyStore).
--
-- Create this table in the same database as the data the keyed writes change, so that a record
-- commits and replicates with its write. JdbcIdempotencyStore.createTableIfNotExists(Connection) runs
-- this file (with the configured table name in place of drkit_idempotency); or copy it into your
-- migrations.
--
-- Times are epoch milliseconds from the application's clock (BIGINT). For MySQL/MariaDB use
-- mysql.sql beside this file (binary key columns, LONGBLOB, InnoDB).
--
-- state: 'P' = in progress (a claim committed on its own, outside the write's transaction),
--        'C' = completed (result holds the encoded result),
--        'N' = finished without a replayable result (the result was larger than the store keeps;
--              result is NULL and a retry is refused instead of run again).
-- A table created before 'N' existed needs its constraint replaced, in one transaction:
--   ALTER TABLE drkit_idempotency DROP CONSTRAINT drkit_idempotency_state_ck,
--     ADD CONSTRAINT drkit_idempotency_state_ck CHECK (state IN ('P', 'C', 'N'));
CREATE TABLE IF NOT EXISTS drkit_idempotency (
    scope               VARCHAR(255) NOT NULL,
    idem_key            VARCHAR(255) NOT NULL,
    state               CHAR(1)      NOT NULL,
    fingerprint         VARCHAR(128) NOT NULL,
    claim_token         VARCHAR(64)  NOT NULL,
    result              BYTEA,
    lease_expires_at_ms BIGINT,
    expires_at_ms       BIGINT       NOT NULL,
    CONSTRAINT drkit_idempotency_pk PRIMARY KEY (scope, idem_key),
    CONSTRAINT drkit_idempotency_state_ck CHECK (state IN ('P', 'C', 'N'))
);

-- For purging expired records.
CREATE INDEX IF NOT EXISTS drkit_idempotency_expires_idx ON drkit_idempotency (expires_at_ms);
