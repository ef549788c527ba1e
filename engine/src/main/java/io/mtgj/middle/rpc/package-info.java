/**
 * The middle-proxy RPC protocol's bytes: frames with sequence numbers and CRC32, key derivation, message layouts.
 * Pure codecs: no sockets, no reactor.
 */
package io.mtgj.middle.rpc;
