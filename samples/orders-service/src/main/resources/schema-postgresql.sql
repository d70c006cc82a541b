-- The orders table on PostgreSQL (spring.sql.init.platform=postgresql, chosen by SchemaPlatform from the
-- endpoint URLs). Run at startup on the writer (spring.sql.init.mode=always); safe to re-run.
CREATE TABLE IF NOT EXISTS orders (
    id         bigserial PRIMARY KEY,
    customer   text        NOT NULL,
    item       text        NOT NULL,
    quantity   integer     NOT NULL CHECK (quantity > 0),
    reference  text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer);
CREATE INDEX IF NOT EXISTS orders_item ON orders (item);
