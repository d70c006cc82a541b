-- drkit 0.1: the fleet's kill switches read by JdbcSwitchSource (MySQL 8.0.16+, Aurora MySQL 3,
-- MariaDB 10.6+, InnoDB). A released migration never changes: a later change is a new version.
-- IF NOT EXISTS: a table created earlier from JdbcSwitchSource.mysqlSchema() is kept.
-- Times are DATETIME(6) holding UTC.
CREATE TABLE IF NOT EXISTS drkit_kill_switch (
    name        VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    state       VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reason      VARCHAR(1024) NOT NULL DEFAULT '',
    actor       VARCHAR(128)  NOT NULL DEFAULT '',
    updated_at  DATETIME(6)   NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    expires_at  DATETIME(6)   NULL,
    CHECK (name REGEXP '^[a-z][a-z0-9]*([.-][a-z0-9]+)*$'),
    CHECK (state IN ('enabled', 'killed'))
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
