/**
 * Learning what the cloak host's TLS 1.3 answer looks like on the wire: a real handshake, its raw bytes read record
 * by record, the shape kept for FakeTLS answers ({@link io.mtgj.faketls.ServerHelloShape}). Blocking sockets on a
 * thread of its own, never a reactor; the reactors only read the immutable shapes it publishes.
 */
package io.mtgj.tlsshape;
