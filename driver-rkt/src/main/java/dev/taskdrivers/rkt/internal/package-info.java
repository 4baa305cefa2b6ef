/** Machinery of the rkt driver; not API, may change without notice. */
package dev.taskdrivers.rkt.internal;
