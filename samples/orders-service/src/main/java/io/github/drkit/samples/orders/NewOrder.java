package io.github.drkit.samples.orders;

/**
 * The body of {@code POST /orders}.
 *
 * @param customer who orders: 1-64 characters
 * @param item what: 1-128 characters
 * @param quantity how many: 1-1000
 * @param reference the customer's own reference, optional, at most 128 characters
 */
public record NewOrder(String customer, String item, Integer quantity, String reference) {

    /**
     * Checks every field.
     *
     * @throws InvalidOrderException naming the first bad field and its value
     */
    public void validate() {
        text("customer", customer, 64, true);
        text("item", item, 128, true);
        if (quantity == null || quantity < 1 || quantity > 1000) {
            throw new InvalidOrderException("quantity", quantity, "must be between 1 and 1000");
        }
        text("reference", reference, 128, false);
    }

    private static void text(String field, String value, int max, boolean required) {
        if (value == null) {
            if (required) {
                throw new InvalidOrderException(field, null, "is required");
            }
            return;
        }
        if (value.isBlank() || value.length() > max) {
            throw new InvalidOrderException(field, value, "must be 1-" + max + " characters, not blank");
        }
    }
}
