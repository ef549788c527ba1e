/**
 * {@code mtg probe}: a running proxy audited from the outside, as a censor's active prober would. A battery of
 * {@link io.mtgj.probe.Probe}s (plain HTTP, random bytes, hellos truncated, stalled, for a foreign name, replayed)
 * is sent to the proxy and to its cloak host, each on a fresh connection; an {@link io.mtgj.probe.Observation}
 * records what came back (bytes, TLS records, timing class, how it ended) and {@link io.mtgj.probe.ProbeAudit}
 * puts the two side by side. Where the proxy answers unlike the site it claims to be, a prober can tell.
 * <p>
 * Client side only, blocking sockets with timeouts; it never touches the reactor ({@code io.mtgj.net}) and prints
 * nothing: the command line formats the rows. The valid hello it replays is built here from the JDK's own
 * ClientHello, signed with the secret as a Telegram client signs it (protocol.md 4.3).
 */
package io.mtgj.probe;
