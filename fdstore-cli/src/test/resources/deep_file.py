#!/usr/bin/python3
"""A file deeper than PATH_MAX, which no path reaches: made and removed through directory fds (openat, mkdirat).

deep_file.py make BASE CONTENT COMMAND...   writes CONTENT to BASE/d.../deep and runs COMMAND with it open at fd 3
deep_file.py remove BASE                    removes the tree again
"""
import os
import shutil
import subprocess
import sys

NAME = "d" * 250
LEVELS = 20   # 20 x 251 bytes: past PATH_MAX (4096)


def make(base, content, command):
    directory = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(LEVELS):
        os.mkdir(NAME, 0o755, dir_fd=directory)
        deeper = os.open(NAME, os.O_RDONLY | os.O_DIRECTORY, dir_fd=directory)
        os.close(directory)
        directory = deeper
    file = os.open("deep", os.O_RDWR | os.O_CREAT, 0o600, dir_fd=directory)
    os.close(directory)
    os.write(file, content.encode())
    os.lseek(file, 0, os.SEEK_SET)
    os.dup2(file, 3)
    return subprocess.run(command, pass_fds=(3,)).returncode


def remove(base):
    top = os.path.join(base, NAME)
    if os.path.exists(top):
        shutil.rmtree(top)   # walks by directory fds, so depth does not matter
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        sys.exit(make(sys.argv[2], sys.argv[3], sys.argv[4:]))
    sys.exit(remove(sys.argv[2]))
