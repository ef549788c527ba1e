/**
 * {@code mtg doctor}'s checks, run once on the server by an operator: the clock against SNTP, each Telegram DC (or
 * middle proxy) reachable and its connect time, the cloak host over TLS 1.3, whether the secret's hostname points
 * at this server, and the open-file limit. Each check is a {@link io.mtgj.diagnose.Check} that returns
 * {@link io.mtgj.diagnose.Finding}s with a {@link io.mtgj.diagnose.Verdict} and, when it is not OK, what to do;
 * {@link io.mtgj.diagnose.Doctor} runs them in parallel within one time budget.
 * <p>
 * Blocking sockets and JSSE, every step with a timeout; nothing here runs inside a proxy, touches the reactor
 * ({@code io.mtgj.net}) or prints: the command line formats the findings.
 */
package io.mtgj.diagnose;
