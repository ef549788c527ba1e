/**
 * What the proxy keeps across restarts in its {@code --state-dir}: the directory itself and its atomically replaced
 * files. Each concern (the users' usage, the anti-replay cache) owns its file's format.
 */
package io.mtgj.state;
