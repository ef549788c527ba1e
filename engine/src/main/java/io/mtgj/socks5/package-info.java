/**
 * SOCKS5 upstreams ({@code --socks5}): the RFC 1928 / RFC 1929 codec ({@link io.mtgj.socks5.Socks5}) and the client
 * side of the negotiation ({@link io.mtgj.socks5.Socks5Tunnel}) as pure functions over buffers, and the set of
 * configured servers with their round robin and back-off ({@link io.mtgj.socks5.Socks5Chain}), which the reactor
 * reaches through {@link io.mtgj.net.Dialer}. Never touches a socket: the reactor moves the bytes.
 */
package io.mtgj.socks5;
