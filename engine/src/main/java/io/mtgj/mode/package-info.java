/**
 * Client modes: one {@link io.mtgj.net.ClientMode} per secret mode, deciding whether a client is ours. Uses the
 * protocol codecs; never touches sockets.
 */
package io.mtgj.mode;
