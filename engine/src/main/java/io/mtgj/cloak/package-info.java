/**
 * Cloaking (domain fronting): the upstream that forwards clients that are not ours, untouched, to the real site.
 * The reactor does the relaying; this package only knows where to.
 */
package io.mtgj.cloak;
