/**
 * Support shared by the registry implementations of this SDK. Not API: it may change in any release.
 */
package dev.taskdrivers.services.internal;
