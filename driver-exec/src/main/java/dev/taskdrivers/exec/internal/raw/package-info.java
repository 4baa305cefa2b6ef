/** Machinery of the raw_exec driver; not API, may change without notice. */
package dev.taskdrivers.exec.internal.raw;
