/**
 * An independent server side of Telegram's middle-proxy (ME) protocol, written from {@code protocol.md} section 7
 * and sharing no code with the engine's client side: {@link io.mtgj.perf.middle.FakeMiddleProxy} speaks the RPC
 * channel (nonce, AES-256-CBC key derivation, handshake, framed messages) and
 * {@link io.mtgj.perf.middle.MiddleConfigServer} serves the proxy secret and the {@code proxy_for} lists over HTTP.
 * <p>
 * This package owns the fixtures and their wire codecs only. It must not import engine classes beyond
 * {@code io.mtgj.secret.Hex}: the point is that the proxy's RPC code is checked against something written apart
 * from it. Blocking sockets and a thread per connection: these are test fixtures, not the thing under test.
 */
package io.mtgj.perf.middle;
