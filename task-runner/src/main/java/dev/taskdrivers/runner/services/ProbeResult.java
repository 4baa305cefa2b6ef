package dev.taskdrivers.runner.services;

import dev.taskdrivers.services.CheckHealth;

/** What one run of a check found. */
record ProbeResult(CheckHealth health, String output) {

    static ProbeResult passing(String output) {
        return new ProbeResult(CheckHealth.PASSING, output);
    }

    static ProbeResult critical(String output) {
        return new ProbeResult(CheckHealth.CRITICAL, output);
    }
}
