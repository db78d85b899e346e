package org.fdstore.daemon.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import org.fdstore.protocol.Names;

/**
 * Reads the policy file format of docs/security.md: one rule per line, words separated by blanks, {@code #} to the
 * end of a line a comment.
 *
 * <pre>
 * allow   WHO RIGHTS NAMESPACES     e.g. allow gid=fuse save,restore,list fuse.*
 * default WHO NAMESPACE             e.g. default cgroup=/machine.slice/box.scope box
 * quota   SCOPE LIMIT...            e.g. quota uid=* entries=100 metadata=1M
 * admin-group GROUP                 e.g. admin-group fdstore-admin
 * </pre>
 *
 * <p>The first problem stops the parse with a {@link PolicyException} naming its line. Stateless and thread safe.
 */
public final class PolicyParser {
    private PolicyParser() {}

    /**
     * Parses {@code lines} of the file {@code source}.
     *
     * @param adminGroup the daemon's {@code --admin-group}, or -1
     * @throws PolicyException at the first line that is not understood
     */
    public static Policy parse(String source, List<String> lines, int adminGroup, Quota.Defaults quotaDefaults)
            throws PolicyException {
        List<Rule.Allow> grants = new ArrayList<>();
        List<Rule.Default> defaults = new ArrayList<>();
        List<Rule.QuotaLimit> quotas = new ArrayList<>();
        Set<Integer> adminGroups = new HashSet<>();
        if (adminGroup >= 0) adminGroups.add(adminGroup);
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] words = line.split("\\s+");
            Line at = new Line(source, number);
            switch (words[0]) {
                case "allow" -> {
                    at.expectWords(words, 4, "allow WHO RIGHTS NAMESPACES");
                    grants.add(new Rule.Allow(number, who(at, words[1]), rights(at, words[2]),
                            namespacePatterns(at, words[3])));
                }
                case "default" -> {
                    at.expectWords(words, 3, "default WHO NAMESPACE");
                    defaults.add(new Rule.Default(number, who(at, words[1]), defaultNamespace(at, words[2])));
                }
                case "quota" -> {
                    if (words.length < 3) at.fail("expected: quota SCOPE LIMIT..., e.g. quota uid=* entries=100");
                    quotas.add(quota(at, words));
                }
                case "admin-group" -> {
                    at.expectWords(words, 2, "admin-group GROUP");
                    adminGroups.add(at.gid(words[1]));
                }
                default -> at.fail("unknown rule " + quote(words[0])
                        + "; a line starts with allow, default, quota or admin-group");
            }
        }
        return new Policy(source, grants, defaults, quotas, adminGroups, quotaDefaults);
    }

    private static Rule.Who who(Line at, String text) throws PolicyException {
        if (text.equals("any")) return Rule.Who.ANY;
        List<Rule.Condition> conditions = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) at.fail("peer " + quote(part) + " is not any, uid=, gid=, cgroup= or userns=");
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (value.isEmpty()) at.fail(key + "= needs a value");
            conditions.add(switch (key) {
                case "uid" -> new Rule.Condition.Uid(at.uid(value));
                case "gid" -> new Rule.Condition.Gid(at.gid(value));
                case "cgroup" -> {
                    if (!value.startsWith("/") && !value.startsWith("*")) {
                        at.fail("cgroup pattern " + quote(value) + " must start with / (a path as /proc/PID/cgroup"
                                + " shows it)");
                    }
                    yield new Rule.Condition.Cgroup(value);
                }
                case "userns" -> {
                    try {
                        yield new Rule.Condition.UserNamespace(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        at.fail("userns=" + value + " is not an inode number, as in user:[4026531837]");
                        yield null;
                    }
                }
                default -> {
                    at.fail("unknown peer condition " + quote(key) + "; use uid=, gid=, cgroup= or userns=");
                    yield null;
                }
            });
        }
        return new Rule.Who(List.copyOf(conditions));
    }

    private static int rights(Line at, String text) throws PolicyException {
        int rights = 0;
        for (String word : text.split(",", -1)) {
            if (word.equals("all")) {
                rights |= Right.ALL;
                continue;
            }
            Right right = Right.ofWord(word).orElse(null);
            if (right == null) {
                at.fail("unknown right " + quote(word) + "; rights are all, save, restore, take, remove, list,"
                        + " inspect, drop, dump");
            }
            rights |= right.bit();
        }
        return rights;
    }

    private static List<String> namespacePatterns(Line at, String text) throws PolicyException {
        List<String> patterns = new ArrayList<>();
        for (String pattern : text.split(",", -1)) {
            if (pattern.isEmpty()) at.fail("an empty namespace pattern");
            String sample = pattern.replace("${uid}", "0").replace("${gid}", "0");
            for (int i = 0; i < sample.length(); i++) {
                char c = sample.charAt(i);
                if (c != '*' && c != '?' && !Names.isNamespaceChar(c)) {
                    at.fail("namespace pattern " + quote(pattern) + " holds " + quote(String.valueOf(c))
                            + "; namespaces hold letters, digits and . _ - : @, patterns also * ? ${uid} ${gid}");
                }
            }
            patterns.add(pattern);
        }
        return List.copyOf(patterns);
    }

    private static String defaultNamespace(Line at, String template) throws PolicyException {
        String sample = template.replace("${uid}", "0").replace("${gid}", "0");
        String problem = Names.whyInvalidNamespace(sample).orElse(null);
        if (problem != null) at.fail("default namespace: " + problem);
        return template;
    }

    private static Rule.QuotaLimit quota(Line at, String[] words) throws PolicyException {
        String scope = words[1];
        Rule.Scope kind;
        boolean anyUid = false;
        int uid = 0;
        String namespacePattern = null;
        if (scope.equals("total")) {
            kind = Rule.Scope.TOTAL;
        } else if (scope.startsWith("uid=")) {
            kind = Rule.Scope.UID;
            String value = scope.substring(4);
            if (value.equals("*")) anyUid = true;
            else uid = at.uid(value);
        } else if (scope.startsWith("namespace=")) {
            kind = Rule.Scope.NAMESPACE;
            namespacePattern = namespacePatterns(at, scope.substring("namespace=".length())).getFirst();
            if (namespacePattern.contains("$")) at.fail("a quota's namespace pattern cannot use ${uid} or ${gid}");
        } else {
            at.fail("quota scope " + quote(scope) + " is not total, uid=UID, uid=* or namespace=PATTERN");
            return null;
        }
        long entries = -1;
        long metadata = -1;
        for (int i = 2; i < words.length; i++) {
            String limit = words[i];
            if (limit.startsWith("entries=")) {
                entries = at.size(limit.substring(8), false, "entries");
            } else if (limit.startsWith("metadata=")) {
                metadata = at.size(limit.substring(9), true, "metadata");
            } else {
                at.fail("quota limit " + quote(limit) + " is not entries=N or metadata=SIZE");
            }
        }
        return new Rule.QuotaLimit(at.number, kind, anyUid, uid, namespacePattern, entries, metadata);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Where a problem is: reports it with the file and line. */
    private record Line(String source, int number) {
        void fail(String problem) throws PolicyException {
            throw new PolicyException(source, number, problem);
        }

        void expectWords(String[] words, int count, String form) throws PolicyException {
            if (words.length != count) {
                fail("expected " + count + " words, " + form + "; found " + words.length);
            }
        }

        int uid(String value) throws PolicyException {
            OptionalInt uid = Accounts.uid(value);
            if (uid.isEmpty()) fail("no user " + quote(value) + " in /etc/passwd");
            return uid.getAsInt();
        }

        int gid(String value) throws PolicyException {
            OptionalInt gid = Accounts.gid(value);
            if (gid.isEmpty()) fail("no group " + quote(value) + " in /etc/group");
            return gid.getAsInt();
        }

        /** A count, or with {@code bytes} a size with an optional K, M or G suffix (powers of 1024). */
        long size(String text, boolean bytes, String what) throws PolicyException {
            String digits = text;
            long unit = 1;
            if (bytes && !text.isEmpty()) {
                char suffix = Character.toUpperCase(text.charAt(text.length() - 1));
                unit = switch (suffix) {
                    case 'K' -> 1L << 10;
                    case 'M' -> 1L << 20;
                    case 'G' -> 1L << 30;
                    default -> 1;
                };
                if (unit > 1) digits = text.substring(0, text.length() - 1);
            }
            try {
                long value = Long.parseLong(digits);
                if (value < 0) throw new NumberFormatException();
                return Math.multiplyHigh(value, unit) != 0 ? Long.MAX_VALUE : value * unit;
            } catch (NumberFormatException e) {
                fail(what + "=" + text + " is not " + (bytes ? "a size such as 4096, 64K, 1M or 2G"
                        : "a whole number").toLowerCase(Locale.ROOT));
                return 0;
            }
        }
    }
}
