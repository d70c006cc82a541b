package io.github.drkit.spring.endpoint;

/** Who may use the write operations of {@link KillSwitchesEndpoint}. */
public enum OperatorAccess {
    /** Spring Security is active: an authenticated principal with the configured role. */
    ROLE,
    /** No security, and writes were explicitly enabled: anyone who reaches the endpoint. */
    OPEN,
    /** No security and not enabled: write operations are refused (403). */
    OFF
}
