package dev.taskdrivers.hostprocess;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A snapshot of every running process, read from {@code /proc}, and the processes of one task among them. */
public final class ProcessTable {
    private final List<ProcStat> processes;

    private ProcessTable(List<ProcStat> processes) {
        this.processes = processes;
    }

    /** Reads all processes now. */
    public static ProcessTable snapshot() {
        List<ProcStat> all = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.isEmpty()
                        && Character.isDigit(name.charAt(0))
                        && name.chars().allMatch(Character::isDigit)) {
                    ProcStat.read(Long.parseLong(name))
                            .filter(ProcStat::running)
                            .ifPresent(all::add);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return new ProcessTable(all);
    }

    /** Every running process. */
    public List<ProcStat> processes() {
        return processes;
    }

    /**
     * The processes that belong to a task whose leader is {@code leader}: its session and its process group (both
     * equal to the leader's pid, as it called setsid) and every descendant of the leader, even one that moved to a
     * session of its own.
     */
    public List<ProcStat> belongingTo(ProcessIdentity leader) {
        Set<Long> members = new HashSet<>();
        boolean leaderRunning = false;
        for (ProcStat p : processes) {
            if (p.pid() == leader.pid()) {
                if (p.startTicks() != leader.startTicks()) {
                    // the pid was recycled; the kernel never recycles a pid still used as a group or session id,
                    // so nothing of the task's group or session can be left
                    return List.of();
                }
                leaderRunning = true;
            }
        }
        for (ProcStat p : processes) {
            if (p.session() == leader.pid() || p.pgrp() == leader.pid()) {
                members.add(p.pid());
            }
        }
        if (leaderRunning) {
            Set<Long> visited = new HashSet<>();
            Deque<Long> todo = new ArrayDeque<>(List.of(leader.pid()));
            while (!todo.isEmpty()) {
                long parent = todo.pop();
                if (visited.add(parent)) {
                    members.add(parent);
                    for (ProcStat p : processes) {
                        if (p.ppid() == parent) {
                            todo.push(p.pid());
                        }
                    }
                }
            }
        }
        List<ProcStat> result = new ArrayList<>();
        for (ProcStat p : processes) {
            if (members.contains(p.pid())) {
                result.add(p);
            }
        }
        return result;
    }
}
