package dev.taskdrivers.exec.internal.cgroup;

import java.util.BitSet;

/** The cpu ids of a kernel cpu list such as {@code 0-2,5} ({@code cpuset.cpus}, {@code Cpus_allowed_list}). */
final class CpuList {
    private CpuList() {}

    /**
     * The ids listed; an empty or blank list has none.
     *
     * @throws IllegalArgumentException when the text is no cpu list
     */
    static BitSet parse(String list) {
        BitSet ids = new BitSet();
        for (String part : list.trim().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int dash = part.indexOf('-');
            try {
                int from = Integer.parseInt(
                        part.substring(0, dash < 0 ? part.length() : dash).trim());
                int to = dash < 0
                        ? from
                        : Integer.parseInt(part.substring(dash + 1).trim());
                if (from < 0 || to < from) {
                    throw new IllegalArgumentException("not a cpu list: '" + list.trim() + "'");
                }
                ids.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cpu list: '" + list.trim() + "'", e);
            }
        }
        return ids;
    }

    /** Whether every cpu of {@code list} is also in {@code of}. */
    static boolean isSubset(String list, String of) {
        BitSet outside = parse(list);
        outside.andNot(parse(of));
        return outside.isEmpty();
    }
}
