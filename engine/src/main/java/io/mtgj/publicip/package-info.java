/**
 * Public IP detection at start-up (protocol.md 8.2): one blocking HTTP(S) GET per address family to a "what is my
 * IP" service, answered with a bare IP literal. Used only by the command line to print links; never touches the
 * reactor and never resolves an answer through DNS.
 */
package io.mtgj.publicip;
