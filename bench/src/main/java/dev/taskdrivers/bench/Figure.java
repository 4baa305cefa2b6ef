package dev.taskdrivers.bench;

/**
 * One result line of a benchmark.
 *
 * @param benchmark the benchmark's name
 * @param what what was compared, e.g. "SDK start / bare docker-java start (median)"
 * @param value the ratio or count
 * @param unit "x" for ratios, "count" for counts, or a unit for context-only absolute values
 * @param target the target as written, e.g. {@code "<= 1.1x"}; empty when none
 * @param met whether the target was met (true when there is none)
 * @param detail the raw numbers behind the figure, for the report
 */
public record Figure(
        String benchmark, String what, double value, String unit, String target, boolean met, String detail) {}
