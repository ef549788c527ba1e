/**
 * obfuscated2: the 64-byte frame, key derivation for both sides. Pure codecs: no sockets, no reactor.
 */
package io.mtgj.obfuscated2;
