package io.github.drkit.benchmarks.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link RoutingDecisionBenchmark} on one thread. */
@Threads(1)
public class RoutingDecisionOneThread extends RoutingDecisionBenchmark {}
