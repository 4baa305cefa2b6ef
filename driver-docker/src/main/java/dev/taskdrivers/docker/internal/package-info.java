/** Internals of the docker driver; not an API, may change in any release. */
package dev.taskdrivers.docker.internal;
