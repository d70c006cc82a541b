-- drkit 0.1: the idempotency records of JdbcIdempotencyStore (MySQL 8.0.16+, Aurora MySQL 3,
-- MariaDB 10.6+, InnoDB). A released migration never changes: a later change is a new version.
-- IF NOT EXISTS: a table created earlier by JdbcIdempotencyStore.createTableIfNotExists is kept.
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
    INDEX drkit_idempotency_expires_idx (expires_at_ms)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin ROW_FORMAT = DYNAMIC;
