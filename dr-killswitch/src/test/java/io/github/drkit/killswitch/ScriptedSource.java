package io.github.drkit.killswitch;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** A source whose next answer the test decides: a reading or a failure. */
final class ScriptedSource implements SwitchSource {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final String name;
    private final Optional<Duration> pollInterval;
    private volatile Callable<SourceReading> next;
    final AtomicInteger reads = new AtomicInteger();
    volatile boolean closed;

    ScriptedSource(String name) {
        this(name, Optional.empty());
    }

    ScriptedSource(String name, Optional<Duration> pollInterval) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.next = SourceReading::empty;
    }

    /** The next reads return these states. */
    ScriptedSource answer(Map<String, SwitchState> states) {
        Map<String, SwitchSetting> settings = new LinkedHashMap<>();
        states.forEach((k, v) -> settings.put(k, new SwitchSetting(v, "scripted", "ops-bot", T0, Optional.empty())));
        return answerSettings(settings);
    }

    ScriptedSource answerSettings(Map<String, SwitchSetting> settings) {
        SourceReading reading = new SourceReading(settings);
        next = () -> reading;
        return this;
    }

    /** The next reads run this. */
    ScriptedSource answerWith(Callable<SourceReading> read) {
        next = read;
        return this;
    }

    /** The next reads throw this. */
    ScriptedSource fail(Exception failure) {
        next = () -> {
            throw failure;
        };
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Duration> pollInterval() {
        return pollInterval;
    }

    @Override
    public SourceReading read() throws Exception {
        reads.incrementAndGet();
        return next.call();
    }

    @Override
    public void close() {
        closed = true;
    }
}
