/**
 * Clock check (protocol.md 8.1): measures the local clock's offset from SNTP servers and warns when it exceeds the
 * FakeTLS tolerance (protocol.md 4.3), since a skewed clock makes the proxy reject every FakeTLS client.
 * <p>
 * Owns {@link io.mtgj.clock.SntpClient} (one blocking RFC 4330 query over a {@link java.net.DatagramSocket}) and
 * {@link io.mtgj.clock.ClockCheck} (server choice, fallback, logging, the periodic task). It runs on the control
 * thread only: it must not touch the reactor ({@code io.mtgj.net}), never corrects the clock, and changes no
 * proxy behaviour beyond logging. The last offset and the failed queries are kept in volatile fields, which the
 * engine copies into the metrics' snapshot ({@code io.mtgj.stats} knows nothing of this package).
 */
package io.mtgj.clock;
