/**
 * Anti-replay (protocol.md 5): remembers the random part of recent handshakes (the 32-byte FakeTLS client random,
 * the 48-byte obfuscated2 frame bytes {@code [8..56)}) so a recorded handshake played again is recognised.
 * <p>
 * Owns {@link io.mtgj.antireplay.AntiReplayCache}, its bounded {@link io.mtgj.antireplay.FingerprintCache} and the
 * {@link io.mtgj.antireplay.NoopAntiReplayCache}. Pure library code: it must not touch the reactor
 * ({@code io.mtgj.net}), sockets ({@code java.nio.channels}), modes or counters; callers decide what a replay costs
 * (cloak or close) and count it.
 */
package io.mtgj.antireplay;
