#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal, for tests of terminal behaviour (REPL keys, progress bars).

    python3 pty-relay.py COLUMNS COMMAND [ARG...]

Bytes on this script's stdin are typed into the terminal (b"\\x03" is Ctrl-C, b"\\x04" Ctrl-D,
b"\\r" Enter); everything the command writes to the terminal (its stdout and stderr, and the
echo) comes out on this script's stdout. When the command has ended and its output is drained,
the last line on this script's stderr is `pty-exit <status>` (128 + N for a signal N).
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios


def main() -> None:
    columns = int(sys.argv[1])
    argv = sys.argv[2:]
    pid, master = pty.fork()
    if pid == 0:
        # The child: the terminal is its stdin, stdout and stderr. Give it a size before it starts,
        # so that it never reads a zero width.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        os.execvp(argv[0], argv)
    typing = True
    while True:
        readable, _, _ = select.select([master] + ([0] if typing else []), [], [])
        if master in readable:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the command has ended and closed the terminal
                data = b""
            if not data:
                break
            os.write(1, data)
        if 0 in readable:
            data = os.read(0, 65536)
            if data:
                os.write(master, data)
            else:
                typing = False
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.stderr.write(f"pty-exit {128 - code if code < 0 else code}\n")


main()
