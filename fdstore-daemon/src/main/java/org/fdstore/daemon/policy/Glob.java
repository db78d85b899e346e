package org.fdstore.daemon.policy;

/**
 * Shell-style patterns over namespaces and cgroup paths: {@code *} matches any run of characters (slashes and dots
 * included), {@code ?} any one character, everything else itself. There are no character classes and no escapes,
 * since neither namespaces nor the patterns the policy file allows can hold {@code *} or {@code ?} literally.
 *
 * <p>Stateless and thread safe.
 */
final class Glob {
    private Glob() {}

    /** Whether {@code text} matches {@code pattern} as a whole. Linear in practice: one backtrack point. */
    static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int mark = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }
}
