package dev.taskdrivers.runner.services;

/** Runs one check once. Never throws: every failure is a critical result whose output says why. */
@FunctionalInterface
interface CheckProbe {
    ProbeResult run();
}
