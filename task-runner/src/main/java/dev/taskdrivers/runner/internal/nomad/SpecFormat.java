package dev.taskdrivers.runner.internal.nomad;

/** Tells the SDK's JSON spec from a Nomad HCL job file by its content. */
public final class SpecFormat {

    private SpecFormat() {}

    /**
     * True when the first character that is neither blank nor inside an HCL comment ({@code #}, {@code //},
     * {@code /* ... * /}) is an opening brace: a JSON object. Anything else is read as HCL.
     */
    public static boolean isJson(String text) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '\uFEFF') {
                i++;
            } else if (c == '#' || (c == '/' && i + 1 < n && text.charAt(i + 1) == '/')) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                return c == '{';
            }
        }
        return false;
    }
}
