/**
 * Secrets: the three modes, hex and base64 codecs, generation. Knows nothing of sockets or the reactor.
 */
package io.mtgj.secret;
