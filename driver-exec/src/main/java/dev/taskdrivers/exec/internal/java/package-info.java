/** Machinery of the java driver (a JVM run through the exec drivers' supervision); not API, may change without notice. */
package dev.taskdrivers.exec.internal.java;
