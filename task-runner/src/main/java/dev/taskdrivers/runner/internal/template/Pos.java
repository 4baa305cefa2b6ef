package dev.taskdrivers.runner.internal.template;

/** A place in a template's text: line and column, both counted from 1. */
public record Pos(int line, int column) {}
