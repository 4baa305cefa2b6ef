/**
 * The {@code qemu} task driver: runs each task as a QEMU virtual machine with user-mode networking, stops it
 * gracefully through its monitor socket when asked, and reattaches to it after a runner restart.
 */
package dev.taskdrivers.qemu;
