package io.github.drkit.jdbc;

/**
 * Receives {@link TopologyEvent}s. Called on the monitor's thread, in order, after the new snapshot
 * is published: keep it quick and do not block (hand slow work to your own executor). An exception
 * thrown by a listener is logged and does not stop the monitor.
 */
@FunctionalInterface
public interface TopologyListener {

    /**
     * Handles one change.
     *
     * @param event the change
     */
    void onEvent(TopologyEvent event);
}
