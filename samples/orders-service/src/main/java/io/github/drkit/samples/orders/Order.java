package io.github.drkit.samples.orders;

import java.time.Instant;

/**
 * An order as stored and as returned by the API.
 *
 * @param id the order ID, assigned by the database
 * @param customer who ordered
 * @param item what
 * @param quantity how many, {@code > 0}
 * @param reference the customer's own reference (for example a purchase-order number), or {@code
 *     null}; not unique
 * @param createdAt when the writer committed it
 */
public record Order(long id, String customer, String item, int quantity, String reference, Instant createdAt) {}
