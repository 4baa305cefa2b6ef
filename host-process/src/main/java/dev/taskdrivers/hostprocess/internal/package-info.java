/** Machinery of {@code dev.taskdrivers.hostprocess}; not API, may change without notice. */
package dev.taskdrivers.hostprocess.internal;
