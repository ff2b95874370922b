"""TCP scenario of bench/bench.py: an IngressRouteTCP (cleartext HostSNI(`*`)) vs haproxy in mode tcp, same backend.

Both proxies are pinned to the proxy CPU, the backend and the load generator (bench/tcp_load.py) to the load CPU.
Per interleaved round and proxy: upload and download of TCP_MB MiB over TCP_CONNS connections (throughput, and
the proxy's CPU time per MiB from /proc), then TCP_SHORT short connections over TCP_THREADS threads (connection
rate, and CPU per connection). `direct` (no proxy) is the ceiling of the load generator itself.
"""
import os
import re
import signal
import subprocess

MB = int(os.environ.get("TCP_MB", "1024"))
CONNS = int(os.environ.get("TCP_CONNS", "4"))
SHORT = int(os.environ.get("TCP_SHORT", "4000"))
THREADS = int(os.environ.get("TCP_THREADS", "8"))
PORTS = {"tcp-backend": 9113, "haproxy-tcp": 9114, "switchyard-tcp": 9115, "switchyard-tcp-admin": 9116,
         "switchyard-tcp-tls": 9117}


def load(b, *args):
    tool = os.path.join(b.BENCH, "tcp_load.py")
    r = subprocess.run(["taskset", "-c", b.LOAD_CPU, "python3", tool, *map(str, args)],
                       capture_output=True, text=True, timeout=900)
    return r.returncode, (r.stdout + r.stderr).strip()


def manifests(b):
    folder = os.path.join(b.WORK, "manifests-tcp")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tcp.yaml"), "w") as f:
        f.write(f"""apiVersion: v1
kind: Service
metadata: {{name: sink, namespace: bench}}
spec:
  ports: [{{name: tcp, port: 80, targetPort: {PORTS['tcp-backend']}}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: sink-1
  namespace: bench
  labels: {{kubernetes.io/service-name: sink}}
addressType: IPv4
ports: [{{name: tcp, port: {PORTS['tcp-backend']}}}]
endpoints: [{{addresses: ["127.0.0.1"], conditions: {{ready: true, serving: true}}}}]
---
apiVersion: traefik.io/v1alpha1
kind: IngressRouteTCP
metadata: {{name: sink, namespace: bench}}
spec:
  entryPoints: [web]
  routes:
    - match: HostSNI(`*`)
      services: [{{name: sink, port: 80}}]
""")
    return folder


def start_proxies(b):
    b.start("tcp-backend", ["python3", os.path.join(b.BENCH, "tcp_load.py"), "backend", str(PORTS["tcp-backend"])], b.LOAD_CPU)
    b.wait_port(PORTS["tcp-backend"])
    cfg = b.render("haproxy-tcp.cfg.in", "haproxy-tcp.cfg", PORT=PORTS["haproxy-tcp"], BACKEND=PORTS["tcp-backend"])
    b.start("haproxy-tcp", ["haproxy", "-db", "-f", cfg], b.PROXY_CPU)
    scfg = b.render("switchyard.yaml.in", "switchyard-tcp.yaml", WEB=PORTS["switchyard-tcp"],
                    ADMIN=PORTS["switchyard-tcp-admin"], TLS=PORTS["switchyard-tcp-tls"], MANIFESTS=manifests(b))
    b.start("switchyard-tcp", ["dotnet", b.DLL["switchyard"], "run", "--config", scfg], b.PROXY_CPU,
            env={"DOTNET_gcServer": "0", "Logging__LogLevel__Default": "Warning"})
    for name in ("haproxy-tcp", "switchyard-tcp"):
        b.wait_port(PORTS[name], 60)
    # The port listens before the first table is served: wait until an upload through the route counts right.
    import time
    deadline = time.time() + 60
    while load(b, "upload", "127.0.0.1", PORTS["switchyard-tcp"], 1, 1)[0] != 0:
        if time.time() > deadline:
            raise RuntimeError("switchyard never served the TCP route")
        time.sleep(0.2)


def measure(b, proxy, port, proc):
    for kind in ("upload", "download"):
        c0 = b.cpu_seconds(proc) if proc else 0
        code, out = load(b, kind, "127.0.0.1", port, MB, CONNS)
        c1 = b.cpu_seconds(proc) if proc else 0
        m = re.search(r"mb_per_s=([\d.]+)", out)
        b.record("tcp-integrity", proxy, kind, 1.0 if code == 0 else 0.0)
        if code != 0 or not m:
            b.log(f"  tcp {kind} {proxy}: {out}")
            continue
        b.record("tcp", proxy, f"{kind}_mb_per_s", float(m.group(1)))
        if proc:
            b.record("tcp", proxy, f"{kind}_cpu_us_per_mb", (c1 - c0) * 1e6 / MB)
        b.log(f"  tcp {kind:8s} {proxy:12s} {float(m.group(1)):8.0f} MiB/s" + (f"  {(c1 - c0) * 1e6 / MB:7.0f} µs CPU/MiB" if proc else ""))
    c0 = b.cpu_seconds(proc) if proc else 0
    code, out = load(b, "connect", "127.0.0.1", port, SHORT, THREADS)
    c1 = b.cpu_seconds(proc) if proc else 0
    m = re.search(r"connections=(\d+) .*per_s=(\d+)", out)
    if code != 0 or not m:
        b.log(f"  tcp connect {proxy}: {out}")
        return
    b.record("tcp", proxy, "connections_per_s", float(m.group(2)))
    if proc:
        b.record("tcp", proxy, "cpu_us_per_connection", (c1 - c0) * 1e6 / int(m.group(1)))
        b.record("tcp", proxy, "rss_mb", b.rss_mb(proc))
    b.log(f"  tcp connect  {proxy:12s} {float(m.group(2)):8.0f} conn/s" + (f"  {(c1 - c0) * 1e6 / int(m.group(1)):7.0f} µs CPU/conn" if proc else ""))


def scenario_tcp(b):
    start_proxies(b)
    peers = {"direct": (PORTS["tcp-backend"], None), "switchyard": (PORTS["switchyard-tcp"], b.procs["switchyard-tcp"]),
             "haproxy": (PORTS["haproxy-tcp"], b.procs["haproxy-tcp"])}
    # Warm-up: JIT and pools of the .NET process, same work for haproxy so both start equal.
    for name in ("switchyard", "haproxy"):
        load(b, "upload", "127.0.0.1", peers[name][0], max(64, MB // 4), CONNS)
        load(b, "connect", "127.0.0.1", peers[name][0], SHORT // 2, THREADS)
    for r in range(b.ROUNDS):
        b.log(f"tcp round {r + 1}/{b.ROUNDS}")
        for name, (port, proc) in peers.items():
            measure(b, name, port, proc)
    for name in ("switchyard-tcp", "haproxy-tcp", "tcp-backend"):
        p = b.procs.pop(name, None)
        if p and p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(20)


def report_lines(b):
    t = b.table
    metrics = ("upload_mb_per_s", "download_mb_per_s", "upload_cpu_us_per_mb", "download_cpu_us_per_mb",
               "connections_per_s", "cpu_us_per_connection", "rss_mb")
    if not any(k[0] == "tcp" for k in t):
        return []
    lines = ["", f"TCP through an IngressRouteTCP vs haproxy mode tcp ({MB} MiB over {CONNS} connections per run, "
             f"{SHORT} short connections over {THREADS} threads; median (min–max) of {b.ROUNDS} interleaved rounds):", "",
             "| metric | direct | switchyard | haproxy | switchyard/haproxy |", "|---|---|---|---|---|"]
    for m in metrics:
        row = [t.get(("tcp", p, m), []) for p in ("direct", "switchyard", "haproxy")]
        ratio = b.med(row[1]) / b.med(row[2]) if row[1] and row[2] else float("nan")
        lines.append(f"| {m} | {b.fmt(row[0], 0)} | {b.fmt(row[1], 0)} | {b.fmt(row[2], 0)} | {ratio:.2f} |")
    bad = [k for k, v in t.items() if k[0] == "tcp-integrity" and min(v) < 1]
    if bad:
        lines.append("Integrity failures (a byte count did not match): " + ", ".join(f"{k[1]} {k[2]}" for k in bad))
    return lines


if __name__ == "__main__":
    # Only this scenario, without the HTTP proxies' warm-up: python3 bench/tcp_bench.py (after bench/run.sh's builds).
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench as b
    os.makedirs(b.WORK, exist_ok=True)
    try:
        scenario_tcp(b)
    finally:
        b.stop_all()
        print("\n".join(report_lines(b)))
