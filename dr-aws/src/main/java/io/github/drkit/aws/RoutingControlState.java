package io.github.drkit.aws;

/**
 * The state of a Route 53 ARC routing control: {@code On} lets traffic flow to the cell or region
 * the control guards (its routing-control health check is healthy), {@code Off} stops it.
 */
public enum RoutingControlState {
    /** Traffic flows: the routing control's health check reports healthy. */
    ON("On"),
    /** Traffic is stopped: the routing control's health check reports unhealthy. */
    OFF("Off");

    private final String apiValue;

    RoutingControlState(String apiValue) {
        this.apiValue = apiValue;
    }

    /**
     * The value the ARC API uses.
     *
     * @return {@code "On"} or {@code "Off"}
     */
    public String apiValue() {
        return apiValue;
    }

    /**
     * Parses the ARC API value.
     *
     * @param apiValue {@code "On"} or {@code "Off"}
     * @return the state
     * @throws IllegalArgumentException if the value is neither
     */
    public static RoutingControlState fromApiValue(String apiValue) {
        for (RoutingControlState state : values()) {
            if (state.apiValue.equals(apiValue)) {
                return state;
            }
        }
        throw new IllegalArgumentException("routing control state must be On or Off (was " + apiValue + ")");
    }
}
