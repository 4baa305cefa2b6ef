/**
 * The driver technology compatibility kit: abstract JUnit 5 contract tests every driver runs, plus helpers for
 * tests against real services.
 */
package dev.taskdrivers.tck;
