-- drkit idempotency records, MySQL 8.0+ and MariaDB 10.6+ with InnoDB (drkit's JdbcIdempotencyStore).
--
-- Create this table in the same database as the data the keyed writes change, so that a record
-- commits and replicates with its write. JdbcIdempotencyStore.createTableIfNotExists(Connection) runs
-- this file (with the configured table name in place of drkit_idempotency); or copy it into your
-- migrations. CREATE TABLE commits any open transaction on these engines.
--
-- Times are epoch milliseconds (UTC instants) from the application's clock (BIGINT): they do not
-- depend on the session's or the server's time zone.
--
-- The key columns are binary strings so that keys compare exactly, byte for byte: keys are printable
-- ASCII (0x20-0x7E), where a binary string of 255 bytes holds 255 characters, and every text
-- collation either folds case or ignores trailing spaces (PAD SPACE, including utf8mb4_bin), which
-- would make two different keys one. The primary key is 510 bytes, well inside InnoDB's 3072-byte
-- limit of the DYNAMIC row format.
--
-- state: 'P' = in progress (a claim committed on its own, outside the write's transaction),
--        'C' = completed (result holds the encoded result),
--        'N' = finished without a replayable result (the result was larger than the store keeps;
--              result is NULL and a retry is refused instead of run again).
-- A table created before 'N' existed needs its constraint replaced (MySQL 8.0.19+ / MariaDB 10.6+):
--   ALTER TABLE drkit_idempotency DROP CONSTRAINT drkit_idempotency_state_ck,
--     ADD CONSTRAINT drkit_idempotency_state_ck CHECK (state IN ('P', 'C', 'N'));
CREATE TABLE IF NOT EXISTS drkit_idempotency (
    scope               VARBINARY(255) NOT NULL,
    idem_key            VARBINARY(255) NOT NULL,
    state               CHAR(1) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fingerprint         VARBINARY(128) NOT NULL,
    claim_token         VARBINARY(64)  NOT NULL,
    result              LONGBLOB,
    lease_expires_at_ms BIGINT,
    expires_at_ms       BIGINT         NOT NULL,
    CONSTRAINT drkit_idempotency_pk PRIMARY KEY (scope, idem_key),
    CONSTRAINT drkit_idempotency_state_ck CHECK (state IN ('P', 'C', 'N')),
    -- For purging expired records.
    INDEX drkit_idempotency_expires_idx (expires_at_ms)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;
