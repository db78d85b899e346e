/**
 * Benchmark drivers that {@code bin/bench} runs against a real daemon it started itself ({@code $FDSTORE_SOCKET}),
 * through the real client library. Each driver is a main class that prints one line per figure on stdout, the figure
 * followed by its unit, and exits 0 (ok), 1 (a check failed: errors, leaks), 100 (bad usage) or 111 (no daemon, a
 * failed system call). The JMH microbenchmarks live in {@code org.fdstore.bench.jmh}.
 */
package org.fdstore.bench;
