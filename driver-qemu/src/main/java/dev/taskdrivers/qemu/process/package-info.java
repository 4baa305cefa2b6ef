/** Starting a process that outlives the JVM, naming it safely by pid and start time, and sampling its usage. */
package dev.taskdrivers.qemu.process;
