/**
 * FakeTLS: the ClientHello check, the ServerHello, and the in-place record (un)wrapping of the stream after it.
 * Pure codecs over byte arrays and Agrona buffers: no sockets, no reactor.
 */
package io.mtgj.faketls;
