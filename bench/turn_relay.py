#!/usr/bin/python3
"""Relays the turn token between two Java benchmarks (bench/java-ab.sh): each speaks the Java side
of the take-turns protocol (reads DIR/java, writes DIR/pytorch; see Turns.java), so what one hands
on through its DIR/pytorch is passed to the other's DIR/java, byte for byte (tokens and the
finished/done messages alike). Waits for both DIR/java.ready markers, gives the first token to
side FIRST (0 = A, 1 = B), then relays until it is killed.

    /usr/bin/python3 bench/turn_relay.py DIR_A DIR_B FIRST
"""

import os
import select
import sys
import time


def main(dir_a, dir_b, first):
    dirs = (dir_a, dir_b)
    while not all(os.path.exists(os.path.join(d, "java.ready")) for d in dirs):
        time.sleep(0.1)
    # read-write opens of a pipe never wait for the other end (Linux)
    inbox = [os.open(os.path.join(d, "java"), os.O_RDWR) for d in dirs]
    outbox = [os.open(os.path.join(d, "pytorch"), os.O_RDWR) for d in dirs]
    os.write(inbox[first], b"t")
    while True:
        ready, _, _ = select.select(outbox, [], [])
        for fd in ready:
            side = outbox.index(fd)
            data = os.read(fd, 64)
            if data:
                os.write(inbox[1 - side], data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
