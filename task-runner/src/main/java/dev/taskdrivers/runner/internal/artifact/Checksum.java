package dev.taskdrivers.runner.internal.artifact;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An artifact's expected digest, written {@code TYPE:HEX} as in Nomad's {@code options.checksum}: md5, sha1, sha256
 * or sha512.
 */
public final class Checksum {
    private static final Map<String, Integer> HEX_LENGTHS = Map.of("md5", 32, "sha1", 40, "sha256", 64, "sha512", 128);
    private static final Map<String, String> JCA_NAMES =
            Map.of("md5", "MD5", "sha1", "SHA-1", "sha256", "SHA-256", "sha512", "SHA-512");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    private final String type;
    private final byte[] expected;

    private Checksum(String type, byte[] expected) {
        this.type = type;
        this.expected = expected;
    }

    /** The digest's name, lower case: md5, sha1, sha256 or sha512. */
    public String type() {
        return type;
    }

    /** The checksum {@code text} describes, or what is wrong with it. */
    public static Result parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return Result.problem("must be TYPE:HEX with TYPE md5, sha1, sha256 or sha512, got \"" + text + "\"");
        }
        String type = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String hex = text.substring(colon + 1);
        Integer length = HEX_LENGTHS.get(type);
        if (length == null) {
            return Result.problem("type must be md5, sha1, sha256 or sha512, got \"" + text.substring(0, colon) + "\"");
        }
        if (hex.length() != length || !HEX.matcher(hex).matches()) {
            return Result.problem(type + " must be " + length + " hexadecimal digits, got \"" + hex + "\"");
        }
        return new Result(Optional.of(new Checksum(type, HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)))), "");
    }

    /** A new digest of this checksum's type. */
    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(JCA_NAMES.get(type));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + type, e); // every JDK has all four
        }
    }

    /** Whether {@code actual} is the expected digest. */
    public boolean matches(byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    /** The expected digest as written. */
    public String expectedHex() {
        return HexFormat.of().formatHex(expected);
    }

    /**
     * A parsed checksum or why it is not one.
     *
     * @param checksum the checksum, when the text was one
     * @param problem what is wrong, when it was not
     */
    public record Result(Optional<Checksum> checksum, String problem) {
        static Result problem(String message) {
            return new Result(Optional.empty(), message);
        }
    }
}
