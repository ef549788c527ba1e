/**
 * Client modes: {@link io.mtgj.mode.SecretsMode} decides whether a client is ours and under which secret, for one
 * secret or many, each connection in its secret's mode. Uses the protocol codecs; never touches sockets.
 */
package io.mtgj.mode;
