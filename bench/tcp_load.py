#!/usr/bin/env python3
"""Load generator and backend of the TCP benchmark (bench/tcp_bench.py; never part of the test suite).

  tcp_load.py backend PORT                       a TCP server: 'U' = read to EOF then answer the byte count,
                                                 'D'+8 bytes N = send N bytes then close, 'C' = answer one byte
  tcp_load.py upload HOST PORT MB CONNS          CONNS connections each send MB/CONNS MiB, half-close, read the count
  tcp_load.py download HOST PORT MB CONNS        CONNS connections each receive MB/CONNS MiB
  tcp_load.py connect HOST PORT N THREADS        N short connections (connect, 'C', 1 byte back, close)

Each client prints one line `bytes=... seconds=... mb_per_s=...` or `connections=... seconds=... per_s=...`
and exits non-zero when a byte count does not match (integrity).
"""
import socket
import socketserver
import sys
import threading
import time

CHUNK = 256 * 1024


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        mode = s.recv(1)
        if mode == b"U":
            total = 0
            buf = bytearray(CHUNK)
            view = memoryview(buf)
            while True:
                n = s.recv_into(view)
                if n == 0:
                    break
                total += n
            s.sendall(total.to_bytes(8, "big"))
        elif mode == b"D":
            n = int.from_bytes(recv_exact(s, 8), "big")
            block = b"\x5a" * CHUNK
            while n > 0:
                k = min(n, CHUNK)
                s.sendall(block[:k])
                n -= k
            s.shutdown(socket.SHUT_WR)
            s.recv(1)
        elif mode == b"C":
            s.sendall(b"k")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        part = s.recv(n - len(data))
        if not part:
            raise IOError("connection closed early")
        data += part
    return data


def connect(host, port):
    s = socket.create_connection((host, port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def upload(host, port, nbytes, errors):
    s = connect(host, port)
    s.sendall(b"U")
    block = b"\xa5" * CHUNK
    left = nbytes
    while left > 0:
        k = min(left, CHUNK)
        s.sendall(block[:k])
        left -= k
    s.shutdown(socket.SHUT_WR)
    got = int.from_bytes(recv_exact(s, 8), "big")
    s.close()
    if got != nbytes:
        errors.append(f"backend received {got} of {nbytes} bytes")


def download(host, port, nbytes, errors):
    s = connect(host, port)
    s.sendall(b"D" + nbytes.to_bytes(8, "big"))
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    total = 0
    while True:
        n = s.recv_into(view)
        if n == 0:
            break
        total += n
    s.close()
    if total != nbytes:
        errors.append(f"client received {total} of {nbytes} bytes")


def short_connections(host, port, n, errors):
    for _ in range(n):
        try:
            s = connect(host, port)
            s.sendall(b"C")
            if s.recv(1) != b"k":
                errors.append("no answer")
            s.close()
        except OSError as e:
            errors.append(str(e))


def run_threads(target, count, *args):
    errors = []
    threads = [threading.Thread(target=target, args=(*args, errors)) for _ in range(count)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, errors


def main(argv):
    cmd = argv[1]
    if cmd == "backend":
        Server(("127.0.0.1", int(argv[2])), Handler).serve_forever()
        return 0
    host, port, amount, conns = argv[2], int(argv[3]), int(argv[4]), int(argv[5])
    if cmd in ("upload", "download"):
        per = amount * 1024 * 1024 // conns
        seconds, errors = run_threads(upload if cmd == "upload" else download, conns, host, port, per)
        total = per * conns
        print(f"bytes={total} seconds={seconds:.3f} mb_per_s={total / 1048576 / seconds:.1f} errors={len(errors)}")
    else:
        per = amount // conns
        seconds, errors = run_threads(short_connections, conns, host, port, per)
        print(f"connections={per * conns} seconds={seconds:.3f} per_s={per * conns / seconds:.0f} errors={len(errors)}")
    if errors:
        print("\n".join(errors[:5]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
