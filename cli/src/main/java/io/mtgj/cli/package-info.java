/**
 * The {@code mtg} command line: parses flags and {@code MTG_*} variables, starts {@link io.mtgj.Proxy}, prints links,
 * and owns the console logger. The only package that writes to stdout or exits the JVM; it holds no proxy logic
 * and uses the engine only through its public API.
 */
package io.mtgj.cli;
