"""What the cases of real_programs.py share: where they run, and how they print normalised outcomes.

Output lines:
    STEP: OUTCOME        what a step did (an exit status, a value, an errno name)
    STEP| DETAIL         its output, or one entry of a tree listing
    STEP! EXPECTED       the outcome is not what the program does on a healthy filesystem
"""
import errno
import hashlib
import os
import stat
import subprocess

root = scratch = ""
ENV = {}


def setup(case_root, case_scratch):
    global root, scratch, ENV
    root, scratch = os.path.abspath(case_root), os.path.abspath(case_scratch)
    os.makedirs(os.path.join(scratch, "home"), exist_ok=True)
    ENV = dict(os.environ, LC_ALL="C", TZ="UTC", HOME=os.path.join(scratch, "home"), GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t",
               GIT_AUTHOR_DATE="2020-01-01T00:00:00Z", GIT_COMMITTER_DATE="2020-01-01T00:00:00Z")


def norm(text):
    return text.replace(root, "ROOT").replace(scratch, "SCRATCH")


def say(step, outcome, expected=None):
    """Prints a step's outcome, and a '!' line when a healthy filesystem gives something else."""
    outcome = norm(str(outcome))
    print(f"{step}: {outcome}", flush=True)
    if expected is not None and outcome != str(expected):
        print(f"{step}! {expected}", flush=True)


def detail(step, line):
    print(f"{step}| {norm(line)}", flush=True)


def errname(e):
    if isinstance(e, OSError) and e.errno:
        return errno.errorcode.get(e.errno, str(e.errno))
    return repr(e)


def run(step, argv, cwd=None, expect=0, show=True, sort=False, timeout=300):
    """Runs a program; prints its exit status and (unless show is False) its output lines; returns them."""
    try:
        p = subprocess.run(argv, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        say(step, "timeout", f"rc={expect}")
        return []
    except OSError as e:
        say(step, errname(e), f"rc={expect}")
        return []
    say(step, f"rc={p.returncode}", f"rc={expect}")
    lines = p.stdout.decode(errors="replace").splitlines()
    if show or p.returncode != expect:
        for line in sorted(lines) if sort else lines:
            detail(step, line)
    return lines


def attempt(step, fn, expected="ok"):
    """Runs fn; prints "ok", "ok VALUE" or the errno name; returns fn's value (None if it failed)."""
    try:
        value = fn()
        outcome = "ok" if value is None else f"ok {value}"
    except OSError as e:
        value, outcome = None, errname(e)
    say(step, outcome, None if outcome.startswith(expected) else expected)
    return value


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def describe(path):
    """Type, mode, link count, owner, size and content digest (or target), and xattrs: not inode numbers, not times."""
    st = os.lstat(path)
    out = f"type={stat.S_IFMT(st.st_mode) >> 12:o} mode={stat.S_IMODE(st.st_mode):o} nlink={st.st_nlink}" \
          f" uid={st.st_uid} gid={st.st_gid}"
    if stat.S_ISREG(st.st_mode):
        out += f" size={st.st_size} sha={digest(path)}"
    elif stat.S_ISLNK(st.st_mode):
        out += f" ->{os.readlink(path)}"
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        out += f" rdev={st.st_rdev}"
    try:
        values = [f"{n}={hashlib.sha256(os.getxattr(path, n, follow_symlinks=False)).hexdigest()[:8]}"
                  for n in sorted(os.listxattr(path, follow_symlinks=False))]
        if values:
            out += " xattrs=" + ",".join(values)
    except OSError as e:
        out += f" xattrs={errname(e)}"
    return out


def listing(top, skip=()):
    """One line per entry under top (top itself excluded): its relative path and what describe() says."""
    lines = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if os.path.relpath(os.path.join(dirpath, d), top) not in skip)
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            if os.path.relpath(full, top) not in skip:
                lines.append(f"{os.path.relpath(full, top)} {describe(full)}")
    return lines


def tree(step, top, skip=()):
    """Prints the listing of top, one detail line per entry."""
    lines = listing(top, skip)
    say(step, f"{len(lines)} entries")
    for line in lines:
        detail(step, line)


def same_trees(step, a, b):
    """Prints whether two trees list the same, and the first lines that differ."""
    left, right = listing(a), listing(b)
    only = sorted(set(left) ^ set(right))
    say(step, "equal" if not only else f"{len(only)} lines differ", "equal")
    for line in only[:20]:
        detail(step, ("< " if line in left else "> ") + line)


def write_file(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
