/**
 * The {@code qemu} task driver: runs each task as a QEMU virtual machine with user-mode networking, stops it
 * gracefully through its monitor socket when asked, and reattaches to it after a runner restart.
 * Only the factory is API (found by {@link java.util.ServiceLoader}); the driver lives in
 * {@code dev.taskdrivers.qemu.internal}.
 */
package dev.taskdrivers.qemu;
