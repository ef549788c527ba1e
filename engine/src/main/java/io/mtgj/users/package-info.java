/**
 * Named users on one proxy: their secrets file, limits, quotas and counted usage.
 */
package io.mtgj.users;
