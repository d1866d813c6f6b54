#!/usr/bin/env python3
"""console-receiver.py SOCKET DIR: the other end of --console-socket for the guest's terminal cases, as
conmon or containerd's shim is. It listens on SOCKET, takes the one pty master sent to it (SCM_RIGHTS),
writes the master's pts number to DIR/ptn, then copies what the container writes to DIR/out and what is
written to the fifo DIR/in into the master, until the master hangs up (no process holds the slave any more).
"""
import fcntl
import os
import select
import socket
import struct
import sys

TIOCGPTN = 0x80045430  # _IOR('T', 0x30, unsigned int)


def main():
    path, out_dir = sys.argv[1], sys.argv[2]
    os.mkfifo(out_dir + "/in")
    # Opened read-write so that the fifo never reads as closed between two writers.
    fifo = os.open(out_dir + "/in", os.O_RDWR)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path + ".tmp")
    srv.listen(1)
    # Renamed once listening: a test that sees SOCKET can connect at once.
    os.rename(path + ".tmp", path)
    conn, _ = srv.accept()
    _, fds, _, _ = socket.recv_fds(conn, 64, 1)
    if len(fds) != 1:
        sys.exit("no fd received")
    master = fds[0]
    ptn = struct.unpack("I", fcntl.ioctl(master, TIOCGPTN, b"\0" * 4))[0]
    with open(out_dir + "/ptn.tmp", "w") as f:
        f.write(f"{ptn}\n")
    os.rename(out_dir + "/ptn.tmp", out_dir + "/ptn")
    with open(out_dir + "/out", "ab", buffering=0) as out:
        while True:
            ready, _, _ = select.select([master, fifo], [], [])
            if master in ready:
                try:
                    data = os.read(master, 4096)
                except OSError:  # EIO: the last slave was closed
                    break
                if not data:
                    break
                out.write(data)
            if fifo in ready:
                os.write(master, os.read(fifo, 4096))


if __name__ == "__main__":
    main()
