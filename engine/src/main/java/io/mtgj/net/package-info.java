/**
 * The reactor: selector threads, sessions, sides, pipes, the buffer arena, timers. Owns every socket. Protocol
 * decisions come in through the {@link io.mtgj.net.ClientMode} and {@link io.mtgj.net.Upstream} strategies.
 */
package io.mtgj.net;
