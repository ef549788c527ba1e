/**
 * The perf harness: a fake Telegram DC, test clients for every secret mode, and (later) the load generator. Used
 * by the end-to-end tests and runnable on its own.
 */
package io.mtgj.perf;
