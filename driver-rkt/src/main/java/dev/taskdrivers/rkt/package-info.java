/**
 * The {@code rkt} task driver: runs each task as a rkt pod through the rkt command line ({@code prepare},
 * {@code run-prepared}, {@code status}, {@code enter}, {@code stop}, {@code rm}) and reattaches by pod UUID.
 */
package dev.taskdrivers.rkt;
