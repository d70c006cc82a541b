package io.github.drkit.killswitch.internal;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A bounded, thread-safe record of the last N elements, oldest dropped first. Not API.
 *
 * @param <E> the element type
 */
public final class ChangeHistory<E> {

    private final int capacity;
    private final ArrayDeque<E> elements;

    /**
     * Creates the history.
     *
     * @param capacity how many elements to keep, at least 1
     */
    public ChangeHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 (was " + capacity + ")");
        }
        this.capacity = capacity;
        this.elements = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /**
     * Appends an element, dropping the oldest when full.
     *
     * @param element the element
     */
    public synchronized void add(E element) {
        if (elements.size() == capacity) {
            elements.removeFirst();
        }
        elements.addLast(element);
    }

    /**
     * The elements, oldest first.
     *
     * @return an immutable copy
     */
    public synchronized List<E> toList() {
        return List.copyOf(elements);
    }
}
