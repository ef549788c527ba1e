/**
 * The reactor: selector threads, sessions, sides, pipes, the buffer arena, timers. Owns every socket. Protocol
 * decisions come in through the {@link io.mtgj.net.ClientMode} and {@link io.mtgj.net.Upstream} strategies; an
 * upstream that keeps its own connections ({@link io.mtgj.net.SharedUpstream}, promoted-channel mode) works through
 * {@link io.mtgj.net.ReactorServices} and the link interfaces, and this package knows nothing of what it speaks.
 */
package io.mtgj.net;
