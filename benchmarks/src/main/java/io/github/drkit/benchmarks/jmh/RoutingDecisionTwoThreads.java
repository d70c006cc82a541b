package io.github.drkit.benchmarks.jmh;

import org.openjdk.jmh.annotations.Threads;

/** {@link RoutingDecisionBenchmark} on two threads sharing the routers. */
@Threads(2)
public class RoutingDecisionTwoThreads extends RoutingDecisionBenchmark {}
