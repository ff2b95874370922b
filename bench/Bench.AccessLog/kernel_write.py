#!/usr/bin/env python3
"""The kernel's CPU per access log line as the writer appends (issue 18): 906-byte json-sized lines appended to a file
on the bench's file system in writes of 300 KB (the writer's batch under load), in writes of 64 KB, and in 300 KB
writes with the file's blocks reserved 64 MB ahead (fallocate with FALLOC_FL_KEEP_SIZE: ext4 then maps each page into
an extent that exists instead of reserving its block at every write). System CPU µs per line from os.times (10 ms
ticks over ~460 000 lines a run). Linux only. Usage, from the repository root:
    taskset -c 1 python3 bench/Bench.AccessLog/kernel_write.py     (BENCH_WORK=<folder> for the file, default /tmp)
"""
import ctypes
import os

FALLOC_FL_KEEP_SIZE = 1
LINE = (b'{"ClientAddr":"127.0.0.1:40000",' + b"x" * 900)[:905] + b"\n"
TOTAL = 400 << 20

libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]


def run(path, chunk, reserve):
    if os.path.exists(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    buf = LINE * (chunk // len(LINE))
    written = reserved = 0
    t0 = os.times()
    while written < TOTAL:
        if reserve and written + len(buf) > reserved:
            if libc.fallocate(fd, FALLOC_FL_KEEP_SIZE, reserved, reserve) != 0:
                raise OSError(ctypes.get_errno(), "fallocate")
            reserved += reserve
        os.write(fd, buf)
        written += len(buf)
    t1 = os.times()
    os.close(fd)
    os.unlink(path)
    return (t1.system - t0.system) * 1e6 / (written / len(LINE))


def main():
    folder = os.environ.get("BENCH_WORK", "/tmp")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"kernel-write-{os.getpid()}.log")
    for _ in range(int(os.environ.get("ROUNDS", "3"))):
        for name, chunk, reserve in (("300 KB writes", 300 << 10, 0), ("64 KB writes", 64 << 10, 0),
                                     ("300 KB writes, 64 MB reserved ahead", 300 << 10, 64 << 20)):
            print(f"{name:38s} kernel {run(path, chunk, reserve):.3f} µs/line", flush=True)


if __name__ == "__main__":
    main()
