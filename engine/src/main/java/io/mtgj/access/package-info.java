/**
 * Access lists: networks allowed or denied at accept time, and block-list files reloaded when they change. Pure
 * data structures plus file reading on the control thread; never touches the reactor.
 */
package io.mtgj.access;
