-- drkit kill switches shared by a fleet (PostgreSQL). One row per switch (or degraded-mode profile)
-- the fleet sets; a switch without a row follows its declared default. Every instance's registry
-- polls this table (every 5 s by default), so one UPDATE reaches the whole fleet within one poll
-- interval. Set updated_at when you UPDATE by hand; expires_at NULL means the setting never expires.
CREATE TABLE IF NOT EXISTS ${table} (
    name        varchar(64)  NOT NULL PRIMARY KEY
                CHECK (name ~ '^[a-z][a-z0-9]*([.-][a-z0-9]+)*$'),
    state       varchar(16)  NOT NULL CHECK (state IN ('enabled', 'killed')),
    reason      text         NOT NULL DEFAULT '',
    actor       varchar(128) NOT NULL DEFAULT '',
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    expires_at  timestamptz
);
