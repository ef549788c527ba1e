/**
 * Metrics: the names and bounded labels ({@link io.mtgj.stats.MetricNames}), per-reactor latency recorders
 * ({@link io.mtgj.stats.LatencyRecorders}, HdrHistogram) and FakeTLS clock skews ({@link io.mtgj.stats.ClockSkews},
 * fixed signed buckets), the snapshot the reactors' counters are summed into, the
 * Prometheus collector and HTTP endpoint, and the statsd reporter. Counters are written by the reactors and only read
 * here, through {@link io.mtgj.stats.StatsSource}: this package never touches the reactor, its sockets or its
 * sessions, and everything in it that allocates or blocks runs on the scraping or control thread.
 */
package io.mtgj.stats;
