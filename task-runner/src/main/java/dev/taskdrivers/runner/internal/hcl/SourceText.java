package dev.taskdrivers.runner.internal.hcl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The text of one file with its name, turning character offsets into line and column. */
final class SourceText {

    private final String file;
    private final String text;
    private final int[] lineStarts;

    SourceText(String file, String text) {
        this.file = file;
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        this.text = t.replace("\r\n", "\n");
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < this.text.length(); i++) {
            if (this.text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    String file() {
        return file;
    }

    String text() {
        return text;
    }

    int length() {
        return text.length();
    }

    char charAt(int offset) {
        return text.charAt(offset);
    }

    String slice(int from, int to) {
        return text.substring(from, to);
    }

    Position position(int offset) {
        int o = Math.max(0, Math.min(offset, text.length()));
        int index = Arrays.binarySearch(lineStarts, o);
        int line = index >= 0 ? index : -index - 2;
        int column = text.codePointCount(lineStarts[line], o) + 1;
        return new Position(file, line + 1, column);
    }
}
