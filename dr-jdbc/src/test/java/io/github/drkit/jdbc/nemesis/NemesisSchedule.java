package io.github.drkit.jdbc.nemesis;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A seeded, deterministic generator of fault cycles: the same seed gives the same sequence of
 * {@link CyclePlan}s, whatever the machine's timing. What a plan does to the live cluster (which
 * standby has received the most WAL, for instance) is decided when it runs, with the plan's own
 * random draws.
 *
 * <p>The plans model a DR orchestrator that honours a lease: after a fault that leaves the old
 * writer possibly alive (a freeze or a partition), it promotes nobody before {@link
 * #detectionBudget()} has passed, the time within which a client-side router is documented to have
 * declared that writer down and to have aborted its connections to it. Without such a lease no
 * client-side router can be safe (the old writer could still be acknowledging writes that the new
 * one never sees). After a crash or a clean stop nothing on the old writer can acknowledge anything,
 * so the promotion may follow at once. Not thread-safe.
 */
final class NemesisSchedule {

    /** The fault applied to the writer in a cycle. */
    enum Fault {
        /** kill -9. */
        CRASH,
        /** SIGSTOP. */
        FREEZE,
        /** The proxy in front of it holds every byte, without RST. */
        BLACK_HOLE,
        /** Planned switchover: a clean stop. */
        SWITCHOVER;

        /** Whether the old writer may still be alive and executing until it is fenced. */
        boolean needsLease() {
            return this == FREEZE || this == BLACK_HOLE;
        }
    }

    /**
     * One cycle: fault the writer, promote a standby, heal the old writer (split brain for a while),
     * repair the cluster.
     *
     * @param index the cycle's number, from 1
     * @param fault the fault
     * @param gapBeforeFault pause before the fault
     * @param promoteAfter pause between the end of the fault and the promotion (at least the
     *     detection budget for a fault that {@link Fault#needsLease() needs the lease})
     * @param standbyDraw a number in [0, 1) that picks among the standbys tied for the most WAL
     * @param repointOtherStandbyAtOnce whether the other standby follows the new writer right after
     *     the promotion (else only after the split brain, so that the old writer, healed, can commit
     *     with it as its synchronous standby: the sharpest case for the router)
     * @param healAfter pause between the end of the promotion and the healing of the old writer
     * @param splitBrainFor how long the healed old writer stays writable on its old timeline before
     *     the repair
     */
    record CyclePlan(
            int index,
            Fault fault,
            Duration gapBeforeFault,
            Duration promoteAfter,
            double standbyDraw,
            boolean repointOtherStandbyAtOnce,
            Duration healAfter,
            Duration splitBrainFor) {

        @Override
        public String toString() {
            return "cycle " + index + ": " + fault + " after " + gapBeforeFault.toMillis() + " ms, promote after "
                    + promoteAfter.toMillis() + " ms, heal after " + healAfter.toMillis()
                    + " ms, split brain for " + splitBrainFor.toMillis() + " ms, other standby repointed "
                    + (repointOtherStandbyAtOnce ? "at once" : "after the split brain");
        }
    }

    /** The longest random gap between two steps. */
    static final Duration MAX_GAP = Duration.ofMillis(1000);

    private final long seed;
    private final Duration detectionBudget;
    private final SplittableRandom random;
    private int index;

    /**
     * A schedule.
     *
     * @param seed the seed
     * @param detectionBudget the time within which drkit declares an unreachable writer down
     */
    NemesisSchedule(long seed, Duration detectionBudget) {
        if (detectionBudget.isNegative()) {
            throw new IllegalArgumentException("detectionBudget must be >= 0 (was " + detectionBudget + ")");
        }
        this.seed = seed;
        this.detectionBudget = detectionBudget;
        this.random = new SplittableRandom(seed);
    }

    long seed() {
        return seed;
    }

    Duration detectionBudget() {
        return detectionBudget;
    }

    /** The next cycle. */
    CyclePlan next() {
        Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
        Duration gapBeforeFault = gap();
        Duration promoteAfter;
        if (fault.needsLease()) {
            promoteAfter = detectionBudget.plus(gap());
        } else {
            promoteAfter = random.nextBoolean() ? Duration.ZERO : gap();
        }
        double standbyDraw = random.nextDouble();
        boolean repointAtOnce = random.nextBoolean();
        Duration healAfter = random.nextBoolean() ? Duration.ZERO : gap();
        Duration splitBrainFor = gap();
        return new CyclePlan(
                ++index, fault, gapBeforeFault, promoteAfter, standbyDraw, repointAtOnce, healAfter, splitBrainFor);
    }

    private Duration gap() {
        return Duration.ofMillis(random.nextLong(MAX_GAP.toMillis() + 1));
    }
}
