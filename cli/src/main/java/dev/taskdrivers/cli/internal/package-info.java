/** Internals of the command line (the build's class-data training); not an API, may change in any release. */
package dev.taskdrivers.cli.internal;
