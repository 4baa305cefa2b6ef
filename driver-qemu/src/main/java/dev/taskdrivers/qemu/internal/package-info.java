/** Machinery of the qemu driver; not API, may change without notice. */
package dev.taskdrivers.qemu.internal;
