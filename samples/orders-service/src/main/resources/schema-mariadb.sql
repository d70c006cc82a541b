-- The orders table on MariaDB (spring.sql.init.platform=mariadb, chosen by SchemaPlatform from the
-- endpoint URLs). Run at startup on the writer (spring.sql.init.mode=always); safe to re-run.
-- Column sizes are NewOrder's limits; TIMESTAMP(6) is stored in UTC like PostgreSQL's timestamptz.
CREATE TABLE IF NOT EXISTS orders (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer   VARCHAR(64)  NOT NULL,
    item       VARCHAR(128) NOT NULL,
    quantity   INT          NOT NULL CHECK (quantity > 0),
    reference  VARCHAR(128),
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer);
CREATE INDEX IF NOT EXISTS orders_item ON orders (item);
