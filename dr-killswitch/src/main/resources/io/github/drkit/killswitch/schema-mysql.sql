-- drkit kill switches shared by a fleet (MySQL 8.0.16+ and MariaDB 10.6+, InnoDB). One row per switch
-- (or degraded-mode profile) the fleet sets; a switch without a row follows its declared default.
-- Every instance's registry polls this table (every 5 s by default), so one UPDATE reaches the whole
-- fleet within one poll interval. expires_at NULL means the setting never expires.
--
-- Times are UTC: updated_at and expires_at are DATETIME(6) holding the UTC wall-clock time of the
-- instant, whatever the session's or the server's time_zone (a TIMESTAMP would be converted through
-- the session time zone, and ends in 2038). When you UPDATE by hand, write UTC: set
-- updated_at = UTC_TIMESTAMP(6), and an expiry as a UTC time (or UTC_TIMESTAMP(6) + INTERVAL ...).
--
-- name and state are ASCII with a binary collation, so the rules below are case-sensitive as in
-- PostgreSQL (MySQL enforces CHECK constraints from 8.0.16; MariaDB from 10.2).
CREATE TABLE IF NOT EXISTS ${table} (
    name        VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    state       VARCHAR(16)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reason      VARCHAR(1024) NOT NULL DEFAULT '',
    actor       VARCHAR(128)  NOT NULL DEFAULT '',
    updated_at  DATETIME(6)   NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    expires_at  DATETIME(6)   NULL,
    CHECK (name REGEXP '^[a-z][a-z0-9]*([.-][a-z0-9]+)*$'),
    CHECK (state IN ('enabled', 'killed'))
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_unicode_ci
