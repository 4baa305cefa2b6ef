/**
 * The Consul registry's machinery: service ids, up-front validation, check status mapping. Not API: it may change in
 * any release.
 */
package dev.taskdrivers.consul.internal;
