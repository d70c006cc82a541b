package io.github.drkit.samples.orders;

/** No order with this ID on the node that served the read; answered with 404. */
public final class OrderNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param id the ID looked for
     */
    public OrderNotFoundException(long id) {
        super("order " + id + " not found (a reader may not have replayed it yet)");
    }
}
