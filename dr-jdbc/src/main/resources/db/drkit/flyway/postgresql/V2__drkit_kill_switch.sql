-- drkit 0.1: the fleet's kill switches read by JdbcSwitchSource (PostgreSQL, Aurora PostgreSQL).
-- A released migration never changes: a later change to this table is a new version.
-- IF NOT EXISTS: a table created earlier from JdbcSwitchSource.postgresqlSchema() is kept.
CREATE TABLE IF NOT EXISTS drkit_kill_switch (
    name        varchar(64)  NOT NULL PRIMARY KEY
                CHECK (name ~ '^[a-z][a-z0-9]*([.-][a-z0-9]+)*$'),
    state       varchar(16)  NOT NULL CHECK (state IN ('enabled', 'killed')),
    reason      text         NOT NULL DEFAULT '',
    actor       varchar(128) NOT NULL DEFAULT '',
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    expires_at  timestamptz
);
