/**
 * The PROXY protocol (HAProxy's proxy-protocol.txt, versions 1 and 2) as a receiver reads it: a pure, incremental
 * decoder over the first bytes of a connection that says whether a load balancer's header is complete, what client
 * it names, or why it is not one. Knows no sockets, reactor, access list or counter: the session decides what a
 * verdict means.
 */
package io.mtgj.proxyprotocol;
