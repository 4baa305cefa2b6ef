/**
 * The {@code rkt} task driver: runs each task as a rkt pod through the rkt command line ({@code prepare},
 * {@code run-prepared}, {@code status}, {@code enter}, {@code stop}, {@code rm}) and reattaches by pod UUID.
 * Only the factory is API (found by {@link java.util.ServiceLoader}); the driver lives in
 * {@code dev.taskdrivers.rkt.internal}.
 */
package dev.taskdrivers.rkt;
