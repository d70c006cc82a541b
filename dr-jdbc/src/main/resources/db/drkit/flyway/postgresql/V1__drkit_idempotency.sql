-- drkit 0.1: the idempotency records of JdbcIdempotencyStore (PostgreSQL, Aurora PostgreSQL).
-- A released migration never changes: a later change to this table is a new version.
-- IF NOT EXISTS: a table created earlier by JdbcIdempotencyStore.createTableIfNotExists is kept.
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

CREATE INDEX IF NOT EXISTS drkit_idempotency_expires_idx ON drkit_idempotency (expires_at_ms);
