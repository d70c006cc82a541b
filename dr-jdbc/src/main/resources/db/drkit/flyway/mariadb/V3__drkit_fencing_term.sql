-- drkit 0.1: the fencing terms the MySQL-family dialect records on each writer it confirms (MySQL 8,
-- Aurora MySQL, MariaDB). Created here, the routing data source's user needs no CREATE privilege.
-- PostgreSQL has no V3: its timelines order the writers. A released migration never changes.
CREATE TABLE IF NOT EXISTS drkit_fencing_term (
    term        BIGINT          NOT NULL PRIMARY KEY,
    server_id   BIGINT UNSIGNED NOT NULL,
    recorded_at TIMESTAMP(6)    NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    recorded_by VARCHAR(255)    NOT NULL
) ENGINE = InnoDB;
