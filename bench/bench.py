#!/usr/bin/env python3
"""Switchyard side-by-side benchmarks (run through bench/run.sh, never part of the test suite).

Each proxy (Switchyard, bare YARP, nginx, haproxy) is pinned alone to CPU 1; the backend and the load
generator share CPU 0. The figure that matters is the proxy's CPU time per call, read from
/proc/<pid>/stat before and after a closed-loop h2load run: it is robust to machine noise, unlike
throughput. Rounds are interleaved (A B C D, A B C D, ...) and medians reported with min-max.

Issue 21 in one run: "shipped" is `switchyard run` with config/switchyard.yaml as shipped (INFO, metrics and API
on) beside the quiet bench config (WARN, metrics off) in the basic rounds and the 1000 calls/s latency runs;
"memory" measures RSS idle and under load per runtime setting; "start" measures time to the first table and
CPU per call over the first seconds of load (plain build vs the ReadyToRun publish). COMPARE_DLL adds a second
build (another commit) to the basic rounds; PEERS limits which proxies the basic rounds measure.
"""
import datetime
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
WORK = os.environ.get("BENCH_WORK", "/tmp/switchyard-bench")
RESULTS = os.path.join(BENCH, "results")
ROUNDS = int(os.environ.get("ROUNDS", "5"))
CALLS = int(os.environ.get("CALLS", "100000"))
CONNS = int(os.environ.get("CONNS", "32"))
STREAMS = int(os.environ.get("STREAMS", "16"))
SCENARIOS = os.environ.get("SCENARIOS", "basic,shipped,latency,stream,chain,memory,metrics,accesslog,routes10k,swaps,propagation,compile,start,tls,tcp").split(",")
CLK = os.sysconf("SC_CLK_TCK")
PROXY_CPU = os.environ.get("PROXY_CPU", "1")
LOAD_CPU = os.environ.get("LOAD_CPU", "0")
STAT_EVENTS = os.environ.get("STAT_EVENTS", "task-clock,context-switches,page-faults,raw_syscalls:sys_enter,syscalls:sys_enter_write,syscalls:sys_enter_futex,syscalls:sys_enter_sched_yield")

PORTS = {"backend": 9101, "yarp": 9102, "nginx": 9103, "haproxy": 9104, "switchyard": 9105,
         "switchyard-admin": 9106, "switchyard-tls": 9107, "nginx-tls": 9108, "haproxy-tls": 9109,
         "obs": 9110, "obs-admin": 9111, "obs-tls": 9112, "switchyard-b": 9113, "switchyard-b-admin": 9114,
         "switchyard-b-tls": 9115, "shipped": 9116, "shipped-admin": 9117, "shipped-tls": 9118,
         "h2up": 9119, "shipped-json": 9120, "shipped-json-admin": 9121, "shipped-json-tls": 9122,
         "quiet-json": 9123, "quiet-json-admin": 9124, "quiet-json-tls": 9125,
         "quiet-json-b": 9126, "quiet-json-b-admin": 9127, "quiet-json-b-tls": 9128,
         # 9130 on: the memory scenario's processes (3 ports each), 9180 on: the latency variants'.
         "quiet-trace": 9250, "quiet-trace-admin": 9251, "quiet-trace-tls": 9252}
# PORT_OFFSET=1000 moves every port (two bench runs side by side, or another helper's run on this machine).
PORT_OFFSET = int(os.environ.get("PORT_OFFSET", "0"))
PORTS = {k: v + PORT_OFFSET for k, v in PORTS.items()}
# COMPARE_DLL=/other/checkout/src/Switchyard/bin/Release/net10.0/switchyard.dll: a second Switchyard build measured as
# "switchyard-b" in the same interleaved rounds as this checkout's (an A/B of two commits on the same backend).
COMPARE_DLL = os.environ.get("COMPARE_DLL")
# COMPARE_ENV="NAME=value,NAME=value": the same build (or COMPARE_DLL) with these variables, as "switchyard-b".
COMPARE_ENV = dict(kv.split("=", 1) for kv in os.environ.get("COMPARE_ENV", "").split(",") if kv)
# PEERS=switchyard,switchyard-b: measure only these proxies in the basic scenario (default: all).
PEERS = [p for p in os.environ.get("PEERS", "").split(",") if p]
# H2UP_ENV="NAME=value,...": environment of the h2up proxy (Bench.H2Proxy), e.g. DOTNET_PerfMapEnabled=1 for perf.
H2UP_ENV = dict(kv.split("=", 1) for kv in os.environ.get("H2UP_ENV", "").split(",") if kv)
DLL = {
    "backend": f"{BENCH}/Bench.Backend/bin/Release/net10.0/Bench.Backend.dll",
    "yarp": f"{BENCH}/Bench.BareYarp/bin/Release/net10.0/Bench.BareYarp.dll",
    # Issue 21's alternative: the same Kestrel front as bare YARP, a purpose-built multiplexed h2c client behind.
    "h2up": f"{BENCH}/Bench.H2Proxy/bin/Release/net10.0/Bench.H2Proxy.dll",
    "client": f"{BENCH}/Bench.Client/bin/Release/net10.0/Bench.Client.dll",
    # SWITCHYARD_BIN=artifacts/trimmed/switchyard: measure the form the image and scripts/run.sh ship (the trimmed
    # self-contained publish) wherever the plain build would run.
    "switchyard": os.environ.get("SWITCHYARD_BIN") or f"{ROOT}/src/Switchyard/bin/Release/net10.0/switchyard.dll",
}

procs = {}


def log(msg):
    print(msg, flush=True)


def wait_port(port, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def start(name, cmd, cpu, env=None):
    out = open(os.path.join(WORK, f"{name}.log"), "w")
    p = subprocess.Popen(["taskset", "-c", cpu] + cmd, stdout=out, stderr=subprocess.STDOUT,
                         env={**os.environ, **(env or {})}, start_new_session=True)
    procs[name] = p
    return p


def switchyard_cmd(path):
    """The command line that runs a Switchyard build: `dotnet <dll>` for a framework-dependent build, the executable
    itself for a self-contained publish (the trimmed form carries its own trimmed runtime)."""
    return ["dotnet", path] if path.endswith(".dll") else [path]


def stop_all():
    for name, p in list(procs.items()):
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        procs.pop(name, None)


def pids_of(p):
    """The process and its children (nginx master + worker)."""
    out = subprocess.run(["pgrep", "-g", str(p.pid)], capture_output=True, text=True).stdout.split()
    pids = {int(x) for x in out} | {p.pid}
    return sorted(x for x in pids if os.path.exists(f"/proc/{x}/stat"))


def cpu_seconds(p):
    total = 0
    for pid in pids_of(p):
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK


def rss_mb(p):
    total = 0
    for pid in pids_of(p):
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def smaps_mb(p):
    """(Pss, Private) MB of the process from /proc/<pid>/smaps_rollup. RSS counts every mapped page, the .NET shared
    framework's files included, which other .NET processes on the machine map too: Pss divides each shared page
    among its mappers, Private (clean + dirty) counts only pages no other process maps. A container holding one
    gateway has no one to share with, so RSS stays the reported figure; these say how much of it is the files."""
    pss = private = 0
    with open(f"/proc/{p.pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key == "Pss":
                pss = int(rest.split()[0])
            elif key in ("Private_Clean", "Private_Dirty"):
                private += int(rest.split()[0])
    return pss / 1024, private / 1024


def threads(p):
    with open(f"/proc/{p.pid}/status") as f:
        return float(next(line.split()[1] for line in f if line.startswith("Threads:")))


def hwm_mb(p):
    """Peak RSS (VmHWM) of the process since it started."""
    with open(f"/proc/{p.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def grpc_body():
    path = os.path.join(WORK, "hello.bin")
    msg = b"\x0a\x05world"
    with open(path, "wb") as f:
        f.write(b"\x00" + len(msg).to_bytes(4, "big") + msg)
    return path


def h2load(url, n, extra=(), tls=False):
    cmd = ["taskset", "-c", LOAD_CPU, "h2load", "-n", str(n), "-c", str(CONNS), "-m", str(STREAMS),
           "-d", grpc_body(), "-H", "content-type: application/grpc", "-H", "te: trailers"]
    for h in extra:
        cmd += ["-H", h]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))
    ok2xx = int(re.search(r"status codes: (\d+) 2xx", out).group(1))
    return rps, ok2xx, out


def client(*args, timeout=300):
    r = subprocess.run(["taskset", "-c", LOAD_CPU, "dotnet", DLL["client"], *args],
                       capture_output=True, text=True, timeout=timeout)
    return r.returncode, (r.stdout + r.stderr).strip()


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt(xs, digits=1):
    if not xs:
        return "n/a"
    return f"{med(xs):.{digits}f} ({min(xs):.{digits}f}–{max(xs):.{digits}f})"


# ---------------------------------------------------------------- proxies

def render(template, out_name, **values):
    with open(os.path.join(BENCH, "conf", template)) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace(f"@{k}@", str(v))
    path = os.path.join(WORK, out_name)
    with open(path, "w") as f:
        f.write(text)
    return path


def greeter_manifests(folder, routes=1, chain=False, extra_hosts=()):
    """The target route (PathPrefix /greet.Greeter) plus routes-1 decoys with other hosts and paths."""
    os.makedirs(folder, exist_ok=True)
    backend = PORTS["backend"]
    docs = [f"""apiVersion: v1
kind: Service
metadata: {{name: greeter, namespace: bench}}
spec:
  ports: [{{name: grpc, port: 80, targetPort: {backend}}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: greeter-1
  namespace: bench
  labels: {{kubernetes.io/service-name: greeter}}
addressType: IPv4
ports: [{{name: grpc, port: {backend}}}]
endpoints: [{{addresses: ["127.0.0.1"], conditions: {{ready: true, serving: true}}}}]
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {{name: limit, namespace: bench}}
spec:
  rateLimit: {{average: 1000000, burst: 1000000}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {{name: proto, namespace: bench}}
spec:
  headers:
    customRequestHeaders: {{X-Forwarded-Proto: https, X-Bench: "1"}}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {{name: greeter, namespace: bench}}
spec:
  entryPoints: [web]
  routes:
    - match: PathPrefix(`/greet.Greeter`) && !HostRegexp(`^p[0-9]+\\.bench$`)
      kind: Rule
      services: [{{name: greeter, port: 80, scheme: h2c}}]
    - match: Host(`chain.bench`) && PathPrefix(`/greet.Greeter`)
      kind: Rule
      middlewares: [{{name: limit}}, {{name: proto}}]
      services: [{{name: greeter, port: 80, scheme: h2c}}]
"""]
    with open(os.path.join(folder, "greeter.yaml"), "w") as f:
        f.write("\n---\n".join(docs))
    if routes > 1:
        with open(os.path.join(folder, "decoys.yaml"), "w") as f:
            for i in range(routes - 1):
                f.write(f"""---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {{name: decoy-{i}, namespace: bench}}
spec:
  entryPoints: [web]
  routes:
    - match: Host(`svc{i}.bench`) && PathPrefix(`/pkg{i}.Service{i}`)
      kind: Rule
      services: [{{name: greeter, port: 80, scheme: h2c}}]
""")
    return folder


def switchyard_config(manifests, name="switchyard.yaml"):
    return render("switchyard.yaml.in", name, WEB=PORTS["switchyard"], ADMIN=PORTS["switchyard-admin"],
                  TLS=PORTS["switchyard-tls"], MANIFESTS=manifests)


def shipped_config(manifests, port="shipped", name=None, access_log=None):
    """config/switchyard.yaml as shipped (INFO, metrics on, API on), only its addresses and folder changed.
    "shipped-json" adds Traefik's json access log to a file: issue 21 item 1 asks for the shipped configuration
    with and without it against haproxy in the same rounds. `name` (default: the port's) names the config file and
    `access_log` (default: on for "shipped-json") the json log file (the accesslog scenario's shipped variants)."""
    name = name or port
    if access_log is None and port == "shipped-json":
        access_log = f"{WORK}/access-shipped-json.log"
    with open(os.path.join(ROOT, "config", "switchyard.yaml")) as f:
        text = f.read()
    for addr, key in ((":8000", port), (":8443", f"{port}-tls"), (":9000", f"{port}-admin")):
        text = text.replace(f'address: "{addr}"', f'address: "127.0.0.1:{PORTS[key]}"')
    text = text.replace("directory: manifests", f"directory: {manifests}")
    if access_log:
        text += f"\naccessLog:\n  filePath: {access_log}\n  format: json\n"
    path = os.path.join(WORK, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def without_sections(path, names):
    """Removes top-level sections (`metrics:` and its indented lines) from a rendered config; "log" sets WARN instead,
    "http2" removes the web entry point's http2 block (back to Kestrel's defaults)."""
    lines = open(path).read().split("\n")
    out, skip = [], None
    for line in lines:
        if skip is not None:
            if line.startswith(skip) or not line.strip():
                continue
            skip = None
        top = line.split(":")[0]
        if top in names and top not in ("log", "http2") and not line.startswith(" "):
            skip = " "
            continue
        if "http2" in names and line == "    http2:":
            skip = "      "
            continue
        out.append(line.replace("level: INFO", "level: WARN") if "log" in names else line)
    with open(path, "w") as f:
        f.write("\n".join(out))


# HOPS=1: every Switchyard process loads bench/Bench.Hops as a startup hook, and the latency scenario reports thread-pool
# work items per call beside the context switches (the hops of one call's path; a trimmed SWITCHYARD_BIN ignores hooks).
HOPS_DIR = os.path.join(WORK, "hops")
HOPS_ENV = {"DOTNET_STARTUP_HOOKS": f"{BENCH}/Bench.Hops/bin/Release/net10.0/Bench.Hops.dll",
            "BENCH_HOPS_DIR": HOPS_DIR} if os.environ.get("HOPS") == "1" else {}


def gc_counts(p):
    """(thread-pool threads, gen0, gen1, gen2 collections, total GC pause in 100 ns ticks, bytes allocated, bytes
    promoted out of gen0, out of gen1) so far (Bench.Hops' file), or
    None without HOPS=1 or before the hook's first write with them."""
    if not HOPS_ENV:
        return None
    try:
        with open(os.path.join(HOPS_DIR, f"hops-{p.pid}")) as f:
            fields = [int(x) for x in f.read().split()]
        return fields[1:9] if len(fields) >= 9 else None
    except (FileNotFoundError, ValueError):
        return None


def work_items(p):
    """Thread-pool work items the process completed so far (Bench.Hops' file), or None without HOPS=1."""
    if not HOPS_ENV:
        return None
    try:
        with open(os.path.join(HOPS_DIR, f"hops-{p.pid}")) as f:
            return int(f.read().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def start_switchyard(manifests, name="switchyard", dll=None, port="switchyard", env=None):
    env = dict(env or {})
    # A latency variant of the shipped config: "SHIPPED_DROP" names its top-level sections to remove (see
    # LATENCY_VARIANTS); it is read here and not passed to the process.
    drop = env.pop("SHIPPED_DROP", None)
    if port in ("shipped", "shipped-json") or drop is not None:
        cfg = shipped_config(manifests, port)
        if drop:
            without_sections(cfg, drop.split("+"))
    else:
        cfg = render("switchyard.yaml.in", f"{name}.yaml", WEB=PORTS[port], ADMIN=PORTS[f"{port}-admin"],
                     TLS=PORTS[f"{port}-tls"], MANIFESTS=manifests)
    if port in ("quiet-json", "quiet-json-b"):
        # The bench's quiet config plus the json access log to a file: the accesslog scenario's pair (accesslog-off /
        # accesslog-json) as long-lived processes in the basic rounds, beside switchyard (the same config without it);
        # quiet-json-b is the same with COMPARE_DLL (an A/B of the access log's cost between two builds).
        with open(cfg, "a") as f:
            f.write(f"\naccessLog:\n  filePath: {WORK}/access-{port}.log\n  format: json\n")
    if port == "quiet-trace":
        # The bench's quiet config plus tracing at sampleRate 0.1 to the backend's OTLP receiver: the accesslog
        # scenario's tracing-0.1 as a long-lived process in the basic rounds, beside switchyard.
        with open(cfg, "a") as f:
            f.write(f"\ntracing:\n  sampleRate: 0.1\n  otlp:\n    grpc:\n      endpoint: 127.0.0.1:{PORTS['backend']}\n      insecure: true\n")
    p = start(name, switchyard_cmd(dll or DLL["switchyard"]) + ["run", "--config", cfg], PROXY_CPU,
              env={"DOTNET_gcServer": "0", "Logging__LogLevel__Default": "Warning", **HOPS_ENV, **(env or {})})
    wait_port(PORTS[port], 60)
    # Wait until the first table serves the greeter route.
    deadline = time.time() + 60
    while time.time() < deadline:
        code, out = client("check", f"http://127.0.0.1:{PORTS[port]}", "1", timeout=60)
        if p.poll() is not None:
            # Another process answers on its port (a leftover of an earlier run): measuring it would count nothing.
            raise RuntimeError(f"{name} exited (see {WORK}/{name}.log) while something else serves port {PORTS[port]}")
        if code == 0:
            return p
        time.sleep(0.2)
    raise RuntimeError("switchyard never served the greeter route: " + out)


# ---------------------------------------------------------------- scenarios

results = []   # rows: (scenario, proxy, metric, value)
table = {}     # (scenario, proxy, metric) -> [values]


# Every row is appended to the raw TSV as it is measured, so a run stopped half-way (time, a crash) keeps its rounds;
# `REPORT_FROM=bench/results/raw-<stamp>.tsv python3 bench/bench.py` prints the table of such a file again.
STAMP = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H%MZ")
RAW = os.path.join(RESULTS, f"raw-{STAMP}.tsv")


def record(scenario, proxy, metric, value):
    results.append((scenario, proxy, metric, value))
    table.setdefault((scenario, proxy, metric), []).append(value)
    new = not os.path.exists(RAW)
    with open(RAW, "a") as f:
        if new:
            f.write("scenario\tproxy\tmetric\tvalue\n")
        f.write(f"{scenario}\t{proxy}\t{metric}\t{value}\n")


def context_switches(p):
    """Voluntary + involuntary context switches of every thread of the process (/proc/<pid>/task/*/status): a thread
    woken per call (a futex wake, a switch on the pinned core) shows here whatever the machine's load."""
    total = 0
    for pid in pids_of(p):
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/status") as f:
                    total += sum(int(line.split()[1]) for line in f if "ctxt_switches" in line)
            except FileNotFoundError:
                pass  # a thread that ended meanwhile
    return total


def thread_cpu(p):
    """CPU seconds per thread name (/proc/<pid>/task/*/stat comm: ".NET TP Worker", "access log writ", ...)."""
    by_name = {}
    for pid in pids_of(p):
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/stat") as f:
                    text = f.read()
            except FileNotFoundError:
                continue  # a thread that ended meanwhile
            name = text[text.index("(") + 1:text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            by_name[name] = by_name.get(name, 0) + (int(fields[11]) + int(fields[12])) / CLK
    return by_name


def measure_cpu(scenario, proxy, p, url, extra=(), tls=False):
    h2load(url, max(2000, CALLS // 20), extra, tls)  # warm-up (JIT, pools)
    if HOPS_ENV:
        time.sleep(0.25)  # Bench.Hops writes every 100 ms: its file then holds the counts after the warm-up
    g0 = gc_counts(p)
    c0, s0, t0 = cpu_seconds(p), context_switches(p), thread_cpu(p)
    rps, ok, out = h2load(url, CALLS, extra, tls)
    c1, s1, t1 = cpu_seconds(p), context_switches(p), thread_cpu(p)
    record(scenario, proxy, "switches_per_call", (s1 - s0) / max(ok, 1))
    if g0 is not None:
        time.sleep(0.25)
        g1 = gc_counts(p)
        if g1 is not None:
            # HOPS=1: GC work per call (workstation GC runs a blocking collection on the allocating request thread).
            for i, metric in enumerate(("gen0_per_1k_calls", "gen1_per_1k_calls", "gen2_per_1k_calls"), start=1):
                record(scenario, proxy, metric, (g1[i] - g0[i]) * 1000 / max(ok, 1))
            record(scenario, proxy, "gc_pause_us_per_call", (g1[4] - g0[4]) / 10 / max(ok, 1))
            record(scenario, proxy, "alloc_bytes_per_call", (g1[5] - g0[5]) / max(ok, 1))
            # What survived: bytes the collections promoted out of gen0 (into gen1) and out of gen1 (into gen2).
            record(scenario, proxy, "promoted_gen0_bytes_per_call", (g1[6] - g0[6]) / max(ok, 1))
            record(scenario, proxy, "promoted_gen1_bytes_per_call", (g1[7] - g0[7]) / max(ok, 1))
            record(scenario, proxy, "pool_threads", g1[0])
    if scenario == "observability" or proxy.startswith("shipped") or proxy in ("quiet-json", "quiet-json-b", "switchyard", "switchyard-b"):
        # Where the CPU went, by thread name: the access log writer's own µs per call beside the request threads'.
        for name, sec in t1.items():
            if sec - t0.get(name, 0) > 0:
                record(scenario, proxy, "thread_us_per_call:" + name, (sec - t0.get(name, 0)) * 1e6 / max(ok, 1))
    if ok < CALLS:
        log(f"  {proxy}: only {ok}/{CALLS} 2xx answers\n{out[-600:]}")
    us = (c1 - c0) * 1e6 / max(ok, 1)
    record(scenario, proxy, "cpu_us_per_call", us)
    record(scenario, proxy, "calls_per_s", rps)
    record(scenario, proxy, "rss_mb", rss_mb(p))
    log(f"  {scenario:10s} {proxy:12s} {us:7.1f} µs/call  {rps:9.0f} calls/s  rss {rss_mb(p):6.1f} MB")


def warm_process(p, url, name):
    """A fresh .NET proxy runs its hot path in tier-0 / instrumented code until tiered JIT (dynamic PGO) catches up,
    and that tier-1 compilation runs on a background thread that a saturated pinned core starves: under continuous
    load both 1-route and 10k-route processes stayed at ~80 µs/call after 150k calls, and one long warm-up plus
    one idle pause still left the first measured rounds at ~75 µs (the tier-up happens at the next calls, under
    load again). So warm in batches with idle gaps until three batches agree within 10 %, after at least 5 batches:
    the slow phase is steady too (3 batches at ~88 µs agreed once, and the process dropped to ~25 µs later)."""
    batch = int(os.environ.get("WARMUP_BATCH", "30000"))
    idle = float(os.environ.get("WARMUP_IDLE", "4"))
    seen = []
    min_batches = int(os.environ.get("WARMUP_MIN_BATCHES", "5"))
    for _ in range(int(os.environ.get("WARMUP_MAX_BATCHES", "12"))):
        c0 = cpu_seconds(p)
        h2load(url, batch)
        seen.append((cpu_seconds(p) - c0) / batch * 1e6)
        time.sleep(idle)
        # Three batches in a row within 10 %: two could agree while the process was still tiering up (issue 21's
        # false 15 % "regression" of switchyard / bare YARP).
        if len(seen) >= max(min_batches, 3) and max(seen[-3:]) <= 1.1 * min(seen[-3:]):
            break
    log(f"  warm-up {name}: " + " → ".join(f"{us:.1f}" for us in seen) + " µs/call")


def integrity(proxy, url):
    code, out = client("check", url, "200")
    record("integrity", proxy, "ok", 1.0 if code == 0 else 0.0)
    if code != 0:
        log(f"  integrity {proxy}: {out}")


def scenario_basic(sw):
    peers = {"switchyard": sw, "yarp": procs["yarp"], "nginx": procs["nginx"], "haproxy": procs["haproxy"]}
    for extra in ("shipped", "shipped-json", "quiet-json", "quiet-json-b", "quiet-trace", "switchyard-b", "h2up"):
        if extra in procs:
            peers[extra] = procs[extra]
    if PEERS:
        # In the order PEERS names them.
        peers = {k: peers[k] for k in PEERS if k in peers}
    for r in range(ROUNDS):
        log(f"round {r + 1}/{ROUNDS}")
        # BASIC_ABBA=1: every other round measures the peers in reverse order, so a peer's effect on the one measured
        # right after it (the same pinned core) falls on each side alike.
        order = list(peers.items())
        if os.environ.get("BASIC_ABBA") == "1" and r % 2 == 1:
            order.reverse()
        for name, p in order:
            url = f"http://127.0.0.1:{PORTS[name]}/greet.Greeter/SayHello"
            integrity(name, f"http://127.0.0.1:{PORTS[name]}")
            measure_cpu("basic", name, p, url)
            if "chain" in SCENARIOS and name == "switchyard":
                measure_cpu("chain", name, p, url, extra=[":authority: chain.bench"])
        # BASIC_TOGETHER=a+b,c+d: after each round's own measurements, each pair loaded at the same time.
        for a, b in together_pairs():
            if a in peers and b in peers:
                measure_together(f"together:{a}+{b}", [(a, peers[a]), (b, peers[b])])


def together_pairs():
    return [tuple(pair.split("+", 1)) for pair in os.environ.get("BASIC_TOGETHER", "").split(",") if "+" in pair]


def measure_together(scenario, pair):
    """Two proxies loaded at the same time, each by its own h2load for the same TOGETHER_SECONDS, on the same pinned
    core: whatever the VM does to the core (its run-to-run spread is ±20 % a round, more than an A/B's effect) it does
    to both in the same seconds, so their CPU per call compare within the round. Each gets about half the core; both
    pay the same cache interference from the other, so the ratio, not the absolute figure, is the result."""
    seconds = os.environ.get("TOGETHER_SECONDS", "6")
    urls = [f"http://127.0.0.1:{PORTS[n]}/greet.Greeter/SayHello" for n, _ in pair]
    for url in urls:
        h2load(url, 2000)  # after the round's idle gaps: both run a little before being measured
    c0 = [cpu_seconds(p) for _, p in pair]
    loads = [subprocess.Popen(["taskset", "-c", LOAD_CPU, "h2load", "-D", seconds, "-c", str(CONNS), "-m", str(STREAMS),
                               "-d", grpc_body(), "-H", "content-type: application/grpc", "-H", "te: trailers", url],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for url in urls]
    outs = [lp.communicate(timeout=600)[0] for lp in loads]
    c1 = [cpu_seconds(p) for _, p in pair]
    counts = [re.search(r"status codes: (\d+) 2xx", out) for out in outs]
    if not all(counts):
        # A round without both counts is left out whole (the pair's rounds stay paired).
        log(f"  {scenario}: no call count from h2load, round left out\n" + "\n".join(out[-400:] for out in outs))
        return
    for (name, _), m, a, b in zip(pair, counts, c0, c1):
        ok = int(m.group(1))
        us = (b - a) * 1e6 / max(ok, 1)
        record(scenario, name, "cpu_us_per_call", us)
        log(f"  {scenario:30s} {name:12s} {us:7.1f} µs/call  ({ok} calls)")


# Issue 21 item 3: I/O-scheduling and runtime levers of tail latency, each alone, as extra `switchyard run` processes
# (quiet config, this build) measured in the same interleaved latency rounds as the default "switchyard"
# (LATENCY_VARIANTS=a,b,...; each appears as "lat-<name>"). README "Performance" has what each did.
LATENCY_VARIANTS = {
    # Socket completions run on the epoll thread instead of being queued to the thread pool (client side too).
    "sockets-inline": {"DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS": "1"},
    # Kestrel's SocketTransportOptions.UnsafePreferInlineScheduling (EntryPoints/SocketTransportTuning.cs).
    "kestrel-inline": {"SWITCHYARD_KESTREL_INLINE_SCHEDULING": "true"},
    "both-inline": {"DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS": "1", "SWITCHYARD_KESTREL_INLINE_SCHEDULING": "true"},
    # Kestrel's IOQueueCount 0: transport completions go to the thread pool without Kestrel's own queue in between.
    "io-queues-0": {"SWITCHYARD_KESTREL_IO_QUEUES": "0"},
    "min-threads-4": {"DOTNET_ThreadPool_ForceMinWorkerThreads": "4"},
    # The own upstream's send loop runs inline in the flush on a connection with at most 2 open streams
    # (Forwarding/Http2Upstream/SendLoopScheduler.cs): no thread-pool hop per flush at low rates.
    "upstream-inline-send": {"SWITCHYARD_UPSTREAM_INLINE_SEND": "true"},
    # A call resumes on the own upstream's read loop when its response headers arrive, after the rest of that read is
    # parsed, on a connection with at most 2 open streams (Forwarding/Http2Upstream/InlineResponse.cs): no thread-pool
    # hop between the backend's answer and the response write at low rates.
    "upstream-inline-response": {"SWITCHYARD_UPSTREAM_INLINE_RESPONSE": "true"},
    # Both of the own upstream's hops inline at low rates.
    "upstream-inline": {"SWITCHYARD_UPSTREAM_INLINE_SEND": "true", "SWITCHYARD_UPSTREAM_INLINE_RESPONSE": "true"},
    # Both, plus Kestrel's transport pipes inline (no IOQueue / thread-pool hop between a socket completion and the
    # HTTP/2 connection's frame loop, or between a response flush and the socket send).
    "all-inline": {"SWITCHYARD_UPSTREAM_INLINE_SEND": "true", "SWITCHYARD_UPSTREAM_INLINE_RESPONSE": "true",
                   "SWITCHYARD_KESTREL_INLINE_SCHEDULING": "true"},
    # Everything inline: all-inline plus socket completions on the epoll thread, the shape of an event loop (nginx's
    # ~2 context switches per call instead of ~7.5).
    "all-inline-sockets": {"SWITCHYARD_UPSTREAM_INLINE_SEND": "true", "SWITCHYARD_UPSTREAM_INLINE_RESPONSE": "true",
                           "SWITCHYARD_KESTREL_INLINE_SCHEDULING": "true", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS": "1"},
    # Thread-pool workers block at once instead of spinning first (the proxy is pinned to one core).
    "no-spin": {"DOTNET_ThreadPool_UnfairSemaphoreSpinLimit": "0"},
    "no-pgo": {"DOTNET_TieredPGO": "0"},
    "gen0-2mb": {"DOTNET_GCgen0size": "0x200000"},
    # The shipped config (config/switchyard.yaml) less some of its sections: which of them costs latency.
    "shipped-as-is": {"SHIPPED_DROP": ""},
    "shipped-no-metrics": {"SHIPPED_DROP": "metrics"},
    "shipped-no-api": {"SHIPPED_DROP": "api"},
    "shipped-warn": {"SHIPPED_DROP": "log"},
    "shipped-no-http2": {"SHIPPED_DROP": "http2"},
}
LATENCY_NAMES = [n for n in os.environ.get("LATENCY_VARIANTS", "").split(",") if n]
for _i, _n in enumerate(LATENCY_NAMES):
    for _k, _suffix in enumerate(("", "-admin", "-tls")):
        PORTS[f"lat-{_n}{_suffix}"] = PORT_OFFSET + 9180 + 3 * _i + _k


def context_switches(p):
    """Voluntary context switches of every thread of the process (and its children): a thread that blocks for want of
    work and is woken again (a thread-pool hop that found its worker asleep, an epoll wait) counts one, so per call
    they count wake-ups; involuntary ones are left out, they count the other load on the core."""
    total = 0
    for pid in pids_of(p):
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/status") as f:
                    total += sum(int(line.split()[1]) for line in f if line.startswith("voluntary_ctxt_switches:"))
            except FileNotFoundError:
                pass  # a thread that ended meanwhile
    return total


# Latency rounds (Bench.Client rounds, LatencyRounds.cs): one warm client process per round calls every target open loop
# at LATENCY_RATE calls/s in LATENCY_SLICE_MS slices, LATENCY_CYCLES times over, the target order rotated every cycle;
# LATENCY_SKIP calls at the start of each slice are warm-up. "direct-b" is a second connection to the backend: its
# difference to "direct" is the client's own noise. The client runs on LATENCY_CPU (default LOAD_CPU), never the proxy's.
LATENCY_RATE = int(os.environ.get("LATENCY_RATE", "1000"))
LATENCY_SLICE_MS = int(os.environ.get("LATENCY_SLICE_MS", "1000"))
LATENCY_CYCLES = int(os.environ.get("LATENCY_CYCLES", "3"))
LATENCY_SKIP = int(os.environ.get("LATENCY_SKIP", "100"))
LATENCY_CPU = os.environ.get("LATENCY_CPU", LOAD_CPU)


def scenario_latency():
    targets = {"direct": PORTS["backend"], "direct-b": PORTS["backend"], "switchyard": PORTS["switchyard"],
               "yarp": PORTS["yarp"], "nginx": PORTS["nginx"], "haproxy": PORTS["haproxy"]}
    for extra in ("shipped", "switchyard-b", "h2up", *(f"lat-{n}" for n in LATENCY_NAMES)):
        if extra in procs:
            targets[extra] = PORTS[extra]
    calls = LATENCY_CYCLES * (LATENCY_RATE * LATENCY_SLICE_MS // 1000 - LATENCY_SKIP)
    log(f"  latency: {len(targets)} targets, {calls} measured calls each per round at {LATENCY_RATE}/s")
    for r in range(ROUNDS):
        cs0 = {name: context_switches(procs[name]) for name in targets if name in procs}
        wi0 = {name: work_items(procs[name]) for name in targets if name in procs}
        cmd = ["taskset", "-c", LATENCY_CPU, "dotnet", DLL["client"], "rounds", str(LATENCY_RATE), str(LATENCY_SLICE_MS),
               str(LATENCY_CYCLES), str(LATENCY_SKIP), *(f"{n}=http://127.0.0.1:{port}" for n, port in targets.items())]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if HOPS_ENV:
            time.sleep(0.3)  # Bench.Hops writes every 100 ms: let the idle processes' files catch up with the round
        text = (out.stdout + out.stderr).strip()
        seen = 0
        for m in re.finditer(r"latency name=(\S+) p50=(\d+) p90=(\d+) p99=(\d+) calls=(\d+) errors=(\d+)", text):
            name = m.group(1)
            seen += 1
            for q, v in zip(("p50", "p90", "p99"), m.groups()[1:4]):
                record("latency", name, q, float(v))
            if name in cs0:
                # Per call sent to it in this round (the warm-up and skipped calls too: the process saw them all).
                sent = 200 + LATENCY_CYCLES * LATENCY_RATE * LATENCY_SLICE_MS // 1000
                record("latency", name, "ctxsw_per_call", (context_switches(procs[name]) - cs0[name]) / sent)
                if wi0.get(name) is not None and (wi1 := work_items(procs[name])) is not None:
                    record("latency", name, "work_items_per_call", (wi1 - wi0[name]) / sent)
        if seen != len(targets) or out.returncode != 0:
            log(f"  latency round {r}: {text[-2000:]}")
    log("  latency done")


def scenario_stream():
    for r in range(ROUNDS):
        for name in ("switchyard", "yarp", "nginx", "haproxy"):
            code, out = client("stream", f"http://127.0.0.1:{PORTS[name]}", "200000")
            m = re.search(r"per_second=(\d+)", out)
            if m:
                record("stream", name, "messages_per_s", float(m.group(1)))
            else:
                log(f"  stream {name}: {out}")
    log("  stream done")


def scenario_routes10k():
    folder = os.path.join(WORK, "manifests-10k")
    shutil.rmtree(folder, ignore_errors=True)
    greeter_manifests(folder, routes=10000)
    p = start_switchyard(folder, "switchyard-10k")
    warm_process(p, f"http://127.0.0.1:{PORTS['switchyard']}/greet.Greeter/SayHello", "switchyard-10k")
    for r in range(ROUNDS):
        measure_cpu("routes10k", "switchyard", p, f"http://127.0.0.1:{PORTS['switchyard']}/greet.Greeter/SayHello")
        # The same idle gaps the interleaved basic rounds get while the other proxies run.
        time.sleep(float(os.environ.get("ROUND_GAP", "15")))
    record("compile", "switchyard-10k", "rss_mb_serving", rss_mb(p))
    os.killpg(p.pid, signal.SIGTERM)
    p.wait(20)
    procs.pop("switchyard-10k", None)


def scenario_metrics(manifests):
    """The basic route on a process with Prometheus metrics on, every label set included (config/switchyard.yaml
    and the Helm chart turn metrics on): the per-call cost of counting."""
    cfg = switchyard_config(manifests, "switchyard-metrics.yaml")
    with open(cfg, "a") as f:
        f.write("\nmetrics:\n  prometheus:\n    addRoutersLabels: true\n")
    p = start("switchyard-metrics", switchyard_cmd(DLL["switchyard"]) + ["run", "--config", cfg], PROXY_CPU,
              env={"DOTNET_gcServer": "0", "Logging__LogLevel__Default": "Warning"})
    wait_port(PORTS["switchyard"], 60)
    url = f"http://127.0.0.1:{PORTS['switchyard']}/greet.Greeter/SayHello"
    integrity("switchyard-metrics", f"http://127.0.0.1:{PORTS['switchyard']}")
    warm_process(p, url, "switchyard-metrics")
    for r in range(ROUNDS):
        measure_cpu("metrics", "switchyard", p, url)
        time.sleep(float(os.environ.get("ROUND_GAP", "15")))
    os.killpg(p.pid, signal.SIGTERM)
    p.wait(20)
    procs.pop("switchyard-metrics", None)


def exported_spans():
    """Spans the backend's OTLP sink has received so far (it is h2c only, hence prior knowledge)."""
    out = subprocess.run(["curl", "-s", "--http2-prior-knowledge", f"http://127.0.0.1:{PORTS['backend']}/otlp/spans"],
                         capture_output=True, text=True, timeout=30).stdout
    return int(out) if out.strip().isdigit() else -1


def scenario_accesslog(manifests):
    """Observability cost in one run: processes with the access log on (json, to a file) and with tracing on
    (sampleRate 1.0 and 0.1, OTLP/gRPC to the backend process's real OTLP receiver, minimal verbosity: entry point
    and ReverseProxy spans) next to one with everything off, same config otherwise, measured in interleaved rounds
    on the same pinned CPU; the report gives each variant / off."""
    otlp = f"  otlp:\n    grpc:\n      endpoint: 127.0.0.1:{PORTS['backend']}\n      insecure: true\n"
    variants = {
        "accesslog-off": "",
        "accesslog-json": f"\naccessLog:\n  filePath: {WORK}/access.log\n  format: json\n",
        "tracing-1.0": "\ntracing:\n  sampleRate: 1.0\n" + otlp,
        "tracing-0.1": "\ntracing:\n  sampleRate: 0.1\n" + otlp,
        # The basic rounds' shipped / shipped-json pair as fresh processes in these rounds (config/switchyard.yaml:
        # INFO, metrics and API on, its HTTP/2 settings): the same access log beside a different config and process life.
        # Named apart from the basic rounds' peers: a process's name is its key in `procs`.
        "obs-shipped-off": None,
        "obs-shipped-json": None,
        # The json access log with the writer woken by every 32nd queued line instead of the 256th (AccessLogWriter's
        # SWITCHYARD_ACCESSLOG_WAKE_AT): more wake-ups, each line formatted sooner after its call filled it.
        "accesslog-json-wake32": f"\naccessLog:\n  filePath: {WORK}/access.log\n  format: json\n",
    }
    variant_env = {"accesslog-json-wake32": {"SWITCHYARD_ACCESSLOG_WAKE_AT": "32"}}
    only = os.environ.get("OBS_VARIANTS")
    # The obs-shipped-* pair and the wake-up variant run only when OBS_VARIANTS names them.
    variants = {k: v for k, v in variants.items() if k in only.split(",")} if only else \
        {k: v for k, v in variants.items() if v is not None and k not in variant_env}
    # COMPARE_DLL / COMPARE_ENV: every variant also as "<variant>-b" with the other build / variables, in the same
    # interleaved rounds (an A/B of two commits: each build's variant / its own off, and variant / variant-b).
    # OBS_PERF=<variant>[,...]: `perf record -F 4000 -g` of the measured run of these variants (perf map on for all).
    perf_of = [v for v in os.environ.get("OBS_PERF", "").split(",") if v]
    # OBS_STAT=<variant>[,...]: `perf stat` of the measured run of these variants (STAT_EVENTS per call in the report).
    stat_of = [v for v in os.environ.get("OBS_STAT", "").split(",") if v]
    # W^X off under perf: JIT code then lives in anonymous memory that /tmp/perf-PID.map names (with W^X it is
    # mapped from memfd:doublemapper and `perf report` shows bare addresses).
    base_env = {"DOTNET_gcServer": "0", "Logging__LogLevel__Default": "Warning", **HOPS_ENV,
                **({"DOTNET_PerfMapEnabled": "1", "DOTNET_EnableWriteXorExecute": "0"} if perf_of else {})}
    running = {}
    def obs_config(name, extra, suffix=""):
        if extra is None:  # an obs-shipped-* variant
            log_file = f"{WORK}/access-{name}{suffix}.log" if name == "obs-shipped-json" else ""
            return shipped_config(manifests, "obs", name=f"{name}{suffix}", access_log=log_file)
        cfg = render("switchyard.yaml.in", f"{name}{suffix}.yaml", WEB=PORTS["obs"], ADMIN=PORTS["obs-admin"],
                     TLS=PORTS["obs-tls"], MANIFESTS=manifests)
        with open(cfg, "a") as f:
            f.write(extra.replace("access.log", f"access-{name}{suffix}.log"))
        return cfg

    for name, extra in variants.items():
        env = {**base_env, **variant_env.get(name, {})}
        running[name] = (obs_config(name, extra), DLL["switchyard"], env)
        if COMPARE_DLL or COMPARE_ENV:
            running[f"{name}-b"] = (obs_config(name, extra, "-b"), COMPARE_DLL or DLL["switchyard"], {**env, **COMPARE_ENV})
    for r in range(ROUNDS):
        log(f"observability round {r + 1}/{ROUNDS}")
        for name, (cfg, dll, env) in running.items():
            # One process at a time on the same ports and CPU; each round starts it afresh and warms it.
            p = start(name, switchyard_cmd(dll) + ["run", "--config", cfg], PROXY_CPU, env=env)
            wait_port(PORTS["obs"], 60)
            deadline = time.time() + 60
            while client("check", f"http://127.0.0.1:{PORTS['obs']}", "1", timeout=60)[0] != 0 and time.time() < deadline:
                time.sleep(0.2)  # the first table is not served yet
            url = f"http://127.0.0.1:{PORTS['obs']}/greet.Greeter/SayHello"
            integrity(name, f"http://127.0.0.1:{PORTS['obs']}")
            warm_process(p, url, name)
            spans0 = exported_spans()
            perf = None
            if name in perf_of:
                perf = subprocess.Popen(["perf", "record", "-F", "4000", "-g", "-p", str(p.pid),
                                         "-o", f"{WORK}/perf-{name}-r{r + 1}.data"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            stat = None
            if name in stat_of:
                # Counted, not sampled: instructions (user, kernel), context switches and syscalls of the measured run;
                # unlike CPU time, these hardly move with the machine's load.
                stat = subprocess.Popen(["perf", "stat", "-x", ",", "-e", STAT_EVENTS, "-p", str(p.pid),
                                         "-o", f"{WORK}/stat-{name}-r{r + 1}.csv"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(0.5)  # perf attaches
            measure_cpu("observability", name, p, url)
            if perf is not None:
                perf.send_signal(signal.SIGINT)
                perf.wait(60)
            if stat is not None:
                stat.send_signal(signal.SIGINT)
                stat.wait(60)
                calls = CALLS + max(2000, CALLS // 20)  # measure_cpu's warm-up h2load runs under perf stat too
                with open(f"{WORK}/stat-{name}-r{r + 1}.csv") as f:
                    for row in f:
                        cols = row.strip().split(",")
                        if len(cols) > 2 and cols[0].replace(".", "").isdigit():
                            record("observability", name, "per_call:" + cols[2], float(cols[0]) / calls)
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(20)  # the tracer flushes its last batch on the way out
            procs.pop(name, None)
            if name.startswith("tracing"):
                # Spans per measured call (warm-up included from the second h2load on: an upper bound on what the
                # measured run exported); 2 per sampled call in minimal verbosity.
                spans = exported_spans() - spans0
                record("observability", name, "spans_per_call", spans / (CALLS + max(2000, CALLS // 20)))
                # The SDK reports at shutdown what its full export queue dropped (the gateway logs it): over the whole
                # life of the process, warm-up included.
                with open(os.path.join(WORK, f"{name}.log")) as f:
                    dropped = sum(int(m) for m in re.findall(r"dropped (\d+) spans", f.read()))
                record("observability", name, "spans_dropped", dropped)
                log(f"  {name}: {spans} spans exported, {dropped} dropped by the full export queue (whole process)")
    log_file = f"{WORK}/access-accesslog-json.log"
    lines = sum(1 for _ in open(log_file)) if os.path.exists(log_file) else 0
    record("observability", "accesslog-json", "log_lines", lines)


# Runtime settings the memory scenario can compare, one `switchyard run` process each (MEMORY_VARIANTS=a,b,...;
# default as-shipped only). README "Performance" has the figures of all of them.
MEMORY_VARIANTS = {
    "as-shipped": {},
    "pool-64": {"DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION": "64"},
    "pool-128": {"DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION": "128"},
    "pool-256": {"DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION": "256"},
    "gen0-4mb": {"DOTNET_GCgen0size": "0x400000"},
    # The GC reads GCgen0size from the environment only (System.GC.Gen0Size in runtimeconfig.json changes nothing).
    "gen0-1mb": {"DOTNET_GCgen0size": "0x100000"},
    "malloc-arena-1": {"MALLOC_ARENA_MAX": "1"},
    "conserve-7": {"DOTNET_GCConserveMemory": "7"},
    "server-datas": {"DOTNET_gcServer": "1", "DOTNET_GCDynamicAdaptationMode": "1"},
    "no-pgo": {"DOTNET_TieredPGO": "0"},
    "conserve-9": {"DOTNET_GCConserveMemory": "9"},
    "conserve-5": {"DOTNET_GCConserveMemory": "5"},
    "conserve-3": {"DOTNET_GCConserveMemory": "3"},
    # The shipped form without System.GC.ConserveMemory 7 (Switchyard.csproj): the A/B of that setting.
    "conserve-0": {"DOTNET_GCConserveMemory": "0"},
    "conserve-7-arena-1": {"DOTNET_GCConserveMemory": "7", "MALLOC_ARENA_MAX": "1"},
    # Workstation GC without background (concurrent) gen2 collections: gen0 allocation does not go on into fresh
    # regions while a gen2 collection runs.
    "no-concurrent": {"DOTNET_gcConcurrent": "0"},
    "hard-limit-64mb": {"DOTNET_GCHeapHardLimit": "0x4000000"},
    "no-tiering": {"DOTNET_TieredCompilation": "0"},
    "no-quick-jit-loops": {"DOTNET_TC_QuickJitForLoops": "0"},
    "no-wxe": {"DOTNET_EnableWriteXorExecute": "0"},
    # The mapped files' resident pages left where they are after the start (MappedFilePages: paged out at the trim).
    "no-pageout": {"SWITCHYARD_PAGEOUT": "0"},
    # The ReadyToRun publish of the container image (bench/run.sh publishes it when a scenario needs it).
    "r2r": {},
    # Trimmed self-contained publishes (PUBLISHED; bench/run.sh publishes them when a scenario names them).
    "trimmed": {},
    "trimmed-r2r": {},
    # ReadyToRun for every assembly, the cold ones too (the profile's partial ReadyToRun off).
    "trimmed-r2r-all": {},
    # A ReadyToRun image per assembly instead of the shipped composite one.
    "trimmed-r2r-separate": {},
    "trimmed-r2r-gen0max-3mb": {"DOTNET_GCGen0MaxBudget": "0x300000"},
    "trimmed-r2r-gen0max-6mb": {"DOTNET_GCGen0MaxBudget": "0x600000"},
    # The Native AOT publish (src/Switchyard/Properties/PublishProfiles/aot.pubxml): no JIT, no tiering.
    "aot": {},
    # The same with the gen0 cap from the environment: whether the 6 MB cap Switchyard.csproj embeds reaches Native
    # AOT's GC (its runtime knobs are compiled into the executable, not read from runtimeconfig.json).
    "aot-gen0max-6mb": {"DOTNET_GCGen0MaxBudget": "0x600000"},
    "gen0-2mb": {"DOTNET_GCgen0size": "0x200000"},
    # Regions of 1 MB instead of 4 MB: less committed slack per generation for a heap of ~30 MB.
    "region-1mb": {"DOTNET_GCRegionSize": "0x100000"},
    # The segments GC the runtime ships beside the regions one (libclrgc.so).
    "segments": {"DOTNET_GCName": "libclrgc.so"},
    "segments-gen0-2mb": {"DOTNET_GCName": "libclrgc.so", "DOTNET_GCgen0size": "0x200000"},
    "region-1mb-gen0-2mb": {"DOTNET_GCRegionSize": "0x100000", "DOTNET_GCgen0size": "0x200000"},
    # The gen0 budget's cap. Workstation GC sizes gen0 from the L3 cache (4/5 of it: ~26 MB on a 32 MB L3), and with
    # 512 calls in flight that budget is what RSS grows by under load. Unlike GCgen0size, this one is also read from
    # runtimeconfig.json (System.GC.Gen0MaxBudget), so it can ship in the build.
    "gen0max-3mb": {"DOTNET_GCGen0MaxBudget": "0x300000"},
    "gen0max-4mb": {"DOTNET_GCGen0MaxBudget": "0x400000"},
    "gen0max-6mb": {"DOTNET_GCGen0MaxBudget": "0x600000"},
    "gen0max-8mb": {"DOTNET_GCGen0MaxBudget": "0x800000"},
    # Switchyard.csproj caps the budget at 6 MB; a 256 MB cap is no cap (the budget the GC computes is smaller).
    "gen0max-default": {"DOTNET_GCGen0MaxBudget": "0x10000000"},
    # The gen1 budget's cap: under load each gen0 GC promotes the state of the calls in flight, and gen1 collects it
    # only once its own budget is used up. Environment only: System.GC.Gen1MaxBudget in runtimeconfig.json changed no
    # gen1 collection count where DOTNET_GCGen1MaxBudget did. Under load it moved RSS -8 MB in one run, +9 in the next
    # (README "Performance", 2026-12-07 12:55-14:15): not shipped.
    "gen1max-2mb": {"DOTNET_GCGen1MaxBudget": "0x200000"},
    "gen1max-4mb": {"DOTNET_GCGen1MaxBudget": "0x400000"},
}


def scenario_memory(manifests):
    """Issue 21 item 2: RSS of `switchyard run` (1 route) idle after its first table, and under the 512-stream
    closed-loop load (h2load -c CONNS -m STREAMS), for each runtime setting in MEMORY_VARIANTS, with CPU per call
    so no setting buys memory with CPU. All variants run at once (idle ones cost nothing) and are measured in
    interleaved rounds."""
    names = [n for n in os.environ.get("MEMORY_VARIANTS", "as-shipped").split(",") if n]
    # COMPARE_DLL: each setting also with the other build, as "<setting>-b" (an A/B of two commits in one run).
    builds = [(n, PUBLISHED.get(n, DLL["switchyard"]), n) for n in names] + ([(f"{n}-b", COMPARE_DLL, n) for n in names] if COMPARE_DLL else [])
    # Idle RSS once per round, each time from fresh processes (a spread, not one sample); the last round's
    # processes stay up for the load rounds.
    for r in range(ROUNDS):
        running = {}
        for i, (name, dll, setting) in enumerate(builds):
            web, admin, tls = (PORT_OFFSET + 9130 + 3 * i + k for k in range(3))
            cfg = render("switchyard.yaml.in", f"memory-{name}.yaml", WEB=web, ADMIN=admin, TLS=tls, MANIFESTS=manifests)
            # COMPARE_ENV applies to the "-b" processes (with COMPARE_DLL: give them a copy of the build, since pages
            # of files two processes map stay resident in both whatever one of them advises; MappedFilePages).
            p = start(f"memory-{name}", switchyard_cmd(dll) + ["run", "--config", cfg], PROXY_CPU,
                      env={"DOTNET_gcServer": "0", **MEMORY_VARIANTS[setting], **(COMPARE_ENV if name.endswith("-b") else {})})
            ready_seconds(admin, time.time())
            running[name] = (p, f"http://127.0.0.1:{web}/greet.Greeter/SayHello")
        time.sleep(float(os.environ.get("SETTLE", "6")))  # past the memory trim after the first table
        for name, (p, _) in running.items():
            record("memory", name, "rss_mb_idle", rss_mb(p))
            pss, private = smaps_mb(p)
            record("memory", name, "pss_mb_idle", pss)
            record("memory", name, "private_mb_idle", private)
            record("memory", name, "threads_idle", threads(p))
        log(f"  memory idle round {r + 1}: " + ", ".join(f"{n} {table[('memory', n, 'rss_mb_idle')][-1]:.0f} MB" for n in running))
        if r < ROUNDS - 1:
            for name, (p, _) in running.items():
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(20)
                procs.pop(f"memory-{name}", None)
    for name, (p, url) in running.items():
        warm_process(p, url, f"memory-{name}")
    for r in range(ROUNDS):
        for name, (p, url) in running.items():
            measure_cpu("memory", name, p, url)
    for name, (p, _) in running.items():
        record("memory", name, "rss_mb_peak", hwm_mb(p))
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(20)
        procs.pop(f"memory-{name}", None)


def scenario_swaps(manifests):
    """Bounded load while the manifest folder changes SWAPS times; every call must succeed."""
    swaps = int(os.environ.get("SWAPS", "1000"))
    spacing = float(os.environ.get("SWAP_SPACING", "0.06"))
    path = os.path.join(manifests, "swap.yaml")
    duration = swaps * spacing + 2
    load = subprocess.Popen(["taskset", "-c", LOAD_CPU, "dotnet", DLL["client"], "load",
                             f"http://127.0.0.1:{PORTS['switchyard']}", str(duration), "8"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1)
    for i in range(swaps):
        with open(path + ".tmp", "w") as f:
            f.write(f"""apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {{name: swap, namespace: bench}}
spec:
  entryPoints: [web]
  routes:
    - match: Host(`swap{i}.bench`)
      kind: Rule
      services: [{{name: greeter, port: 80, scheme: h2c}}]
""")
        os.replace(path + ".tmp", path)
        time.sleep(spacing)
    out, _ = load.communicate(timeout=duration + 120)
    m = re.search(r"ok=(\d+) failed=(\d+)", out)
    if m:
        record("swaps", "switchyard", "ok_calls", float(m.group(1)))
        record("swaps", "switchyard", "failed_calls", float(m.group(2)))
        log(f"  swaps: {swaps} manifest changes, ok={m.group(1)} failed={m.group(2)}")
    else:
        log("  swaps: " + out)
    os.remove(path)


def scenario_propagation(manifests):
    n = os.environ.get("PROPAGATIONS", "100")
    code, out = client("propagate", f"http://127.0.0.1:{PORTS['switchyard']}", manifests, n, timeout=600)
    m = re.search(r"p50=([\d.]+) p99=([\d.]+)", out)
    if m:
        record("propagation", "switchyard", "p50_ms", float(m.group(1)))
        record("propagation", "switchyard", "p99_ms", float(m.group(2)))
    log("  propagation: " + out)


def scenario_compile():
    """Wall time of `switchyard validate` (load + compile) on 1k and 10k IngressRoutes, minus an empty folder."""
    def validate_seconds(folder):
        times = []
        for _ in range(3):
            t0 = time.time()
            subprocess.run(["taskset", "-c", PROXY_CPU, *switchyard_cmd(DLL["switchyard"]), "validate", folder],
                           capture_output=True, timeout=300)
            times.append(time.time() - t0)
        return min(times)
    empty = os.path.join(WORK, "manifests-empty")
    greeter_manifests(empty, routes=1)
    base = validate_seconds(empty)
    p = start_switchyard(empty, "switchyard-1")
    time.sleep(float(os.environ.get("SETTLE", "6")))
    record("compile", "switchyard-1", "rss_mb_loaded", rss_mb(p))
    os.killpg(p.pid, signal.SIGTERM)
    p.wait(20)
    procs.pop("switchyard-1", None)
    for n in (1000, 10000):
        folder = os.path.join(WORK, f"manifests-{n}")
        shutil.rmtree(folder, ignore_errors=True)
        greeter_manifests(folder, routes=n)
        record("compile", f"switchyard-{n}", "load_compile_s", validate_seconds(folder) - base)
        # RSS of `switchyard run` serving that table, idle: after the first table and the memory trim that
        # follows it (2 s of quiet, see src/Switchyard/MemoryTrimmer.cs).
        p = start_switchyard(folder, f"switchyard-{n}")
        time.sleep(float(os.environ.get("SETTLE", "6")))
        record("compile", f"switchyard-{n}", "rss_mb_loaded", rss_mb(p))
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(20)
        procs.pop(f"switchyard-{n}", None)
    log("  compile done")


def ready_seconds(port, t0, timeout=60.0):
    """Seconds from t0 until the admin entry point's /readyz answers 200 (the first table is applied)."""
    import urllib.request
    deadline = t0 + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                if r.status == 200:
                    return time.time() - t0
        except OSError:
            pass
        time.sleep(0.005)
    raise RuntimeError(f"/readyz on {port} never answered 200")


# `switchyard run` variants of the start scenario: (dll, extra environment). "r2r" is the ReadyToRun publish that the
# container image ships (published by bench/run.sh into bench/results/r2r when the start scenario runs).
R2R_DLL = os.path.join(RESULTS, "r2r", "switchyard.dll")
# Publishes a variant of the memory or start scenario runs instead of the plain build, by variant name; the trimmed
# ones are self-contained executables (switchyard_cmd).
PUBLISHED = {
    "r2r": R2R_DLL,
    "trimmed": os.path.join(RESULTS, "trimmed", "switchyard"),
    "trimmed-r2r": os.path.join(RESULTS, "trimmed-r2r", "switchyard"),
    "trimmed-r2r-all": os.path.join(RESULTS, "trimmed-r2r-all", "switchyard"),
    "trimmed-r2r-separate": os.path.join(RESULTS, "trimmed-r2r-separate", "switchyard"),
    # Native AOT (aot.pubxml): one native executable, no JIT.
    "aot": os.path.join(RESULTS, "aot", "switchyard"),
}
PUBLISHED["aot-gen0max-6mb"] = PUBLISHED["aot"]
PUBLISHED["trimmed-r2r-gen0max-3mb"] = PUBLISHED["trimmed-r2r"]
PUBLISHED["trimmed-r2r-gen0max-6mb"] = PUBLISHED["trimmed-r2r"]
START_VARIANTS = {
    "jit": (None, {}),
    # The shipped form without System.GC.ConserveMemory 7 (Switchyard.csproj): does it cost the start?
    "jit-conserve-0": (None, {"DOTNET_GCConserveMemory": "0"}),
    "r2r": (R2R_DLL, {}),
    "jit-no-delay": (None, {"DOTNET_TC_CallCountingDelayMs": "0"}),
    "r2r-no-delay": (R2R_DLL, {"DOTNET_TC_CallCountingDelayMs": "0"}),
    # Without dynamic PGO a hot ReadyToRun method goes straight to tier 1 (no instrumented tier in between).
    "r2r-no-pgo": (R2R_DLL, {"DOTNET_TieredPGO": "0"}),
    "trimmed": (PUBLISHED["trimmed"], {}),
    "trimmed-r2r": (PUBLISHED["trimmed-r2r"], {}),
    "trimmed-r2r-all": (PUBLISHED["trimmed-r2r-all"], {}),
    "trimmed-r2r-separate": (PUBLISHED["trimmed-r2r-separate"], {}),
    # Native AOT: full speed from the first call (nothing to tier up), but no dynamic PGO either.
    "aot": (PUBLISHED["aot"], {}),
    # Tiered compilation's call-counting delay (TC_CallCountingDelayMs, 100 ms) is multiplied by
    # TC_DelaySingleProcMultiplier (10) when the process may use one CPU only (the bench pins it), and the delay is
    # extended while new methods keep being called for the first time: 1 s of quiet is needed before any call counting
    # or tier-1 jitting resumes (dotnet/runtime src/coreclr/vm/tieredcompilation.cpp, eeconfig.cpp). Environment only.
    "jit-delay-x1": (None, {"DOTNET_TC_DelaySingleProcMultiplier": "1"}),
    "jit-no-pgo": (None, {"DOTNET_TieredPGO": "0"}),
    # Dynamic PGO set from the environment, which overrides runtimeconfig.json's System.Runtime.TieredPGO.
    "jit-pgo": (None, {"DOTNET_TieredPGO": "1"}),
    "r2r-pgo": (R2R_DLL, {"DOTNET_TieredPGO": "1"}),
    # Methods without ReadyToRun code are jitted optimized at once (no tier 0); settable in runtimeconfig.json.
    "jit-no-quickjit": (None, {"DOTNET_TC_QuickJit": "0"}),
    "jit-no-tiering": (None, {"DOTNET_TieredCompilation": "0"}),
    # Dynamic PGO's strategy (dotnet/runtime clrconfigvalues.h, environment only): 0 instruments every jitted method
    # from its first compile and never instruments ReadyToRun code, so a hot ReadyToRun method goes straight to tier 1
    # (one compile instead of an instrumented one first) but without a dynamic profile.
    "jit-pgo-hot-r2r-uninstrumented": (None, {"DOTNET_TieredPGO_InstrumentOnlyHotCode": "0"}),
    # The instrumented tier of jitted methods optimized (inlining, fewer probes) instead of tier-0 code with probes.
    "jit-pgo-instrumented-optimized": (None, {"DOTNET_TieredPGO_InstrumentedTierAlwaysOptimized": "1"}),
    "r2r-delay-x1": (R2R_DLL, {"DOTNET_TC_DelaySingleProcMultiplier": "1"}),
    "r2r-no-quickjit": (R2R_DLL, {"DOTNET_TC_QuickJit": "0"}),
}
# START_ENV="NAME=value,...": one more variant, "jit-env", the plain build with these variables.
if os.environ.get("START_ENV"):
    START_VARIANTS["jit-env"] = (None, dict(kv.split("=", 1) for kv in os.environ["START_ENV"].split(",") if kv))
# COMPARE_DLL (a build's switchyard.dll, or a trimmed publish's executable): "jit-b", that build started the same way, so
# an A/B of two commits' starts is paired round by round.
if COMPARE_DLL:
    START_VARIANTS["jit-b"] = (COMPARE_DLL, {})


def scenario_start():
    """Issue 21 item 4: a fresh `switchyard run` on a 1k-route folder — seconds until the first table is served
    (/readyz 200), then closed-loop load straight away in batches of START_BATCH calls. Two figures against the
    target "full speed within the first 10 s of load": CPU µs/call over all calls of the first START_SECONDS (10) s
    of load, and the same process's steady state afterwards (batches with idle gaps, as warm_process, until three
    agree within 10 %), so first_10s / steady says how much a fresh process pays for tiering; plus when a batch first
    came within 25 % of that steady figure. One process per variant (START_VARIANTS) and round, variants interleaved."""
    folder = os.path.join(WORK, "manifests-1000")
    if not os.path.exists(folder):
        greeter_manifests(folder, routes=1000)
    batch = int(os.environ.get("START_BATCH", "5000"))
    horizon = float(os.environ.get("START_SECONDS", "10"))
    url = f"http://127.0.0.1:{PORTS['switchyard']}/greet.Greeter/SayHello"
    names = [n for n in os.environ.get("START_VARIANTS", "jit,r2r").split(",") if n]
    for r in range(ROUNDS):
        for name in names:
            dll, env = START_VARIANTS[name]
            if dll and not os.path.exists(dll):
                log(f"  start {name}: {dll} missing (bench/run.sh publishes it)")
                continue
            cfg = switchyard_config(folder, "switchyard-start.yaml")
            t0 = time.time()
            p = start("switchyard-start", switchyard_cmd(dll or DLL["switchyard"]) + ["run", "--config", cfg], PROXY_CPU, env=env)
            ready = ready_seconds(PORTS["switchyard-admin"], t0)
            subject = f"{name}-1k-routes"
            record("start", subject, "ready_s", ready)
            # CPU the process spent until ready: robust to a loaded machine, unlike the wall-clock ready_s.
            record("start", subject, "cpu_s_to_ready", cpu_seconds(p))
            series = []
            c_first, calls_first = cpu_seconds(p), 0
            while time.time() - t0 - ready < horizon:
                c0 = cpu_seconds(p)
                _, ok, _ = h2load(url, batch)
                calls_first += ok
                series.append((time.time() - t0 - ready, (cpu_seconds(p) - c0) * 1e6 / max(ok, 1)))
            first = (cpu_seconds(p) - c_first) * 1e6 / max(calls_first, 1)
            steady_batches = []
            for _ in range(int(os.environ.get("START_STEADY_BATCHES", "12"))):
                time.sleep(float(os.environ.get("WARMUP_IDLE", "4")))
                c0 = cpu_seconds(p)
                _, ok, _ = h2load(url, batch)
                steady_batches.append((time.time() - t0 - ready, (cpu_seconds(p) - c0) * 1e6 / max(ok, 1)))
                last = [us for _, us in steady_batches[-3:]]
                if len(last) == 3 and max(last) <= 1.1 * min(last):
                    break
            steady = med([us for _, us in steady_batches[-3:]])
            full = next((t for t, us in series + steady_batches if us <= 1.25 * steady), float("nan"))
            record("start", subject, "full_speed_after_s", full)
            record("start", subject, "first_batch_us", series[0][1])
            record("start", subject, "first_10s_us", first)
            record("start", subject, "steady_us", steady)
            record("start", subject, "first_10s_over_steady", first / steady)
            log(f"  start {name}: ready {ready:.2f} s; first {horizon:.0f} s of load {first:.0f} µs/call, steady {steady:.0f}"
                f" ({first / steady:.2f}×); µs/call by seconds since ready: "
                + " ".join(f"{t:.1f}s:{us:.0f}" for t, us in series + steady_batches))
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(20)
            procs.pop("switchyard-start", None)


def make_cert():
    cert, key, pem = (os.path.join(WORK, n) for n in ("tls.crt", "tls.key", "tls.pem"))
    if not os.path.exists(pem):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=bench.localhost",
                        "-addext", "subjectAltName=DNS:bench.localhost,IP:127.0.0.1"], check=True, capture_output=True)
        with open(pem, "w") as f:
            f.write(open(cert).read() + open(key).read())
    return cert, key, pem


def tls_manifest(folder):
    import base64
    cert, key, _ = make_cert()
    b64 = lambda p: base64.b64encode(open(p, "rb").read()).decode()
    with open(os.path.join(folder, "tls.yaml"), "w") as f:
        f.write(f"""apiVersion: v1
kind: Secret
metadata: {{name: bench-tls, namespace: bench}}
type: kubernetes.io/tls
data:
  tls.crt: {b64(cert)}
  tls.key: {b64(key)}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {{name: greeter-tls, namespace: bench}}
spec:
  entryPoints: [websecure]
  routes:
    - match: PathPrefix(`/greet.Greeter`)
      kind: Rule
      services: [{{name: greeter, port: 80, scheme: h2c}}]
  tls:
    secretName: bench-tls
""")


def scenario_tls(sw):
    # haproxy 2.6 answers every h2load stream on its TLS frontend with REFUSED_STREAM here (its cleartext
    # h2 frontend works), so the TLS comparison is against nginx only until that is understood.
    peers = {"switchyard": sw, "nginx": procs["nginx"]}
    ports = {"switchyard": PORTS["switchyard-tls"], "nginx": PORTS["nginx-tls"]}
    for r in range(ROUNDS):
        for name, p in peers.items():
            measure_cpu("tls", name, p, f"https://127.0.0.1:{ports[name]}/greet.Greeter/SayHello", tls=True)


# ---------------------------------------------------------------- report

def added_latency(proxy, q):
    """Per round: the proxy's quantile minus the direct (no proxy) one of the same round."""
    mine, direct = table.get(("latency", proxy, q), []), table.get(("latency", "direct", q), [])
    return [a - b for a, b in zip(mine, direct)] if len(mine) == len(direct) else []


def paired(scenario, a, b, metric="cpu_us_per_call"):
    """Ratios a/b paired per round (the peers of one round ran back to back)."""
    xs, ys = table.get((scenario, a, metric), []), table.get((scenario, b, metric), [])
    return [x / y for x, y in zip(xs, ys)] if xs and len(xs) == len(ys) else []


def issue21_lines():
    """Issue 21's four targets against what this run measured: median (min–max) over the rounds, so the spread
    says whether a target is met or only touched. Rows whose scenario did not run are left out."""
    rows = []

    def row(item, what, target, values, digits=2):
        if values:
            rows.append(f"| {item} | {what} | {target} | {fmt(values, digits)} |")

    row("1 CPU", "shipped / haproxy, µs per call paired per round", "≤ 1.00", paired("basic", "shipped", "haproxy"))
    row("1 CPU", "shipped + json access log to a file / haproxy, paired per round", "≤ 1.00",
        paired("basic", "shipped-json", "haproxy"))
    row("1 CPU", "quiet / haproxy, paired per round", "≤ 1.00", paired("basic", "switchyard", "haproxy"))
    # COMPARE_DLL (e.g. the Native AOT publish) against this build or SWITCHYARD_BIN in the same rounds.
    row("1 CPU", "switchyard-b / switchyard (COMPARE_DLL / this build), paired per round", "",
        paired("basic", "switchyard-b", "switchyard"))
    row("2 memory", "RSS MB under the 512-stream load (as shipped)", "≤ 128", table.get(("memory", "as-shipped", "rss_mb")), 0)
    row("2 memory", "RSS MB idle, 1 route (as shipped, fresh process per round)", "≤ 80", table.get(("memory", "as-shipped", "rss_mb_idle")), 0)
    # The same load in the basic rounds, beside the peers (the memory scenario's process runs the quiet config).
    for proxy in ("shipped", "switchyard", "nginx", "haproxy"):
        row("2 memory", f"{proxy}: RSS MB after each basic round (512 streams)", "≤ 128" if proxy in ("shipped", "switchyard") else "",
            table.get(("basic", proxy, "rss_mb")), 0)
    for q in ("p50", "p99"):
        # The client's own noise: a second connection to the backend, "added" over the first (ideally 0).
        row("3 latency", f"noise: direct-b − direct {q}, µs per round", "≈ 0", added_latency("direct-b", q), 0)
        # Absolute added latency next to nginx's and haproxy's of the same rounds, then the per-round difference.
        for proxy in ("shipped", "switchyard", "switchyard-b", "nginx", "haproxy"):
            row("3 latency", f"{proxy}: added {q} µs at 1 000 calls/s", "", added_latency(proxy, q), 0)
        for proxy in ("shipped", "switchyard", "switchyard-b"):
            mine, nginx = added_latency(proxy, q), added_latency("nginx", q)
            if mine and len(mine) == len(nginx):
                row("3 latency", f"{proxy} added {q} − nginx added {q}, µs per round", "≤ 0", [a - b for a, b in zip(mine, nginx)], 0)
        for proxy in ("switchyard-b", *(f"lat-{n}" for n in LATENCY_NAMES)):
            # A lever against the default of the same rounds: negative = the lever helps.
            mine, default = added_latency(proxy, q), added_latency("switchyard", q)
            if mine and len(mine) == len(default):
                row("3 latency", f"{proxy} added {q} − switchyard added {q}, µs per round", "< 0", [a - b for a, b in zip(mine, default)], 0)
    for variant in ("jit", "jit-b", "r2r", "r2r-no-pgo", "aot"):
        subject = f"{variant}-1k-routes"
        row("4 start", f"{variant}: seconds to /readyz 200 (1k routes)", "< 1", table.get(("start", subject, "ready_s")))
        row("4 start", f"{variant}: CPU seconds spent until ready", "", table.get(("start", subject, "cpu_s_to_ready")))
        row("4 start", f"{variant}: CPU µs/call over the first 10 s of load / steady state", "≈ 1", table.get(("start", subject, "first_10s_over_steady")))
        row("4 start", f"{variant}: seconds after ready to full speed (a batch within 25 % of steady)", "≤ 10", table.get(("start", subject, "full_speed_after_s")), 1)
    for metric, what in (("cpu_s_to_ready", "CPU seconds until ready"), ("first_10s_us", "CPU µs/call, first 10 s of load"),
                         ("steady_us", "steady CPU µs/call")):
        row("4 start", f"jit / jit-b (this build / COMPARE_DLL): {what}, paired per round", "",
            paired("start", "jit-1k-routes", "jit-b-1k-routes", metric))
        # The Native AOT publish against the shipped form (SWITCHYARD_BIN) started in the same rounds.
        row("4 start", f"aot / jit (Native AOT / SWITCHYARD_BIN): {what}, paired per round", "",
            paired("start", "aot-1k-routes", "jit-1k-routes", metric))
    for metric in ("rss_mb_idle", "rss_mb", "cpu_us_per_call"):
        row("2 memory", f"aot / as-shipped: {metric}, paired per round", "", paired("memory", "aot", "as-shipped", metric))
    if not rows:
        return []
    return ["", "Issue 21 targets (median (min–max) over the rounds of this run):", "",
            "| item | measure | target | this run |", "|---|---|---|---|", *rows]


def report():
    os.makedirs(RESULTS, exist_ok=True)
    stamp = STAMP
    lines = [f"Switchyard benchmarks — {stamp}, {os.cpu_count()} CPUs, proxy pinned to CPU {PROXY_CPU}, "
             f"{ROUNDS} interleaved rounds, {CALLS} calls per run (h2load -c {CONNS} -m {STREAMS}); "
             "median (min–max).", ""]
    lines += ["| scenario | proxy | CPU µs/call | calls/s | RSS MB |", "|---|---|---|---|---|"]
    for scen in ("basic", "chain", "metrics", "observability", "routes10k", "tls", "memory"):
        for proxy in (*MEMORY_VARIANTS, *(f"{v}-b" for v in MEMORY_VARIANTS), "shipped", "shipped-json", "quiet-json", "quiet-json-b", "quiet-trace", "switchyard", "switchyard-b", "h2up", "yarp", "nginx", "haproxy", "accesslog-off",
                      "accesslog-json", "tracing-1.0", "tracing-0.1", "accesslog-off-b", "accesslog-json-b", "tracing-1.0-b",
                      "tracing-0.1-b", "obs-shipped-off", "obs-shipped-json", "obs-shipped-off-b", "obs-shipped-json-b", "accesslog-json-wake32"):
            cpu = table.get((scen, proxy, "cpu_us_per_call"))
            if cpu:
                lines.append(f"| {scen} | {proxy} | {fmt(cpu)} | {fmt(table[(scen, proxy, 'calls_per_s')], 0)} | "
                             f"{fmt(table[(scen, proxy, 'rss_mb')], 0)} |")
    base = {p: med(table.get(("basic", p, "cpu_us_per_call"), [])) for p in ("shipped", "switchyard", "switchyard-b", "h2up", "yarp", "nginx", "haproxy")}
    if base["switchyard"] == base["switchyard"]:
        lines += ["", "Ratios of CPU per call (medians): "
                  + ", ".join(f"{s}/{p} = {base[s] / base[p]:.2f}" for s in ("switchyard", "shipped")
                              for p in ("switchyard", "switchyard-b", "yarp", "nginx", "haproxy")
                              if s != p and base[p] == base[p] and base[s] == base[s])]
        # Paired per round (the peers of one round ran back to back): robust to load that drifts between rounds.
        paired = []
        for s_, p_ in (("switchyard", "switchyard-b"), ("switchyard", "yarp"), ("switchyard", "nginx"), ("switchyard", "haproxy"),
                       ("h2up", "yarp"), ("h2up", "haproxy"), ("yarp", "haproxy"),
                       ("shipped", "switchyard"), ("shipped", "nginx"), ("shipped", "haproxy"),
                       ("shipped-json", "shipped"), ("shipped-json", "haproxy"), ("quiet-json", "switchyard"),
                       ("quiet-json-b", "switchyard-b"), ("quiet-json", "quiet-json-b"), ("quiet-trace", "switchyard")):
            a, b = table.get(("basic", s_, "cpu_us_per_call"), []), table.get(("basic", p_, "cpu_us_per_call"), [])
            if a and len(a) == len(b):
                pairs = sorted(x / y for x, y in zip(a, b))
                paired.append(f"{s_}/{p_} {med(pairs):.2f} ({pairs[0]:.2f}–{pairs[-1]:.2f})")
        if paired:
            lines.append("Paired per-round ratios, median (min–max): " + ", ".join(paired))
        chain = med(table.get(("chain", "switchyard", "cpu_us_per_call"), []))
        r10k = med(table.get(("routes10k", "switchyard", "cpu_us_per_call"), []))
        if chain == chain:
            lines.append(f"chain/bare-yarp = {chain / base['yarp']:.2f}; ")
        if r10k == r10k:
            lines.append(f"10k routes / 1 route = {r10k / base['switchyard']:.2f}")
        with_metrics = med(table.get(("metrics", "switchyard", "cpu_us_per_call"), []))
        if with_metrics == with_metrics:
            lines.append(f"metrics on / off = {with_metrics / base['switchyard']:.2f}")
    obs_variants = ("accesslog-off", "accesslog-json", "accesslog-json-wake32", "tracing-1.0", "tracing-0.1", "obs-shipped-off", "obs-shipped-json")
    for suffix in ("", "-b"):
        for variant in ("accesslog-json", "accesslog-json-wake32", "tracing-1.0", "tracing-0.1", "obs-shipped-json"):
            base_variant = "obs-shipped-off" if variant.startswith("obs-shipped-") else "accesslog-off"
            off_rounds = table.get(("observability", base_variant + suffix, "cpu_us_per_call"), [])
            off = med(off_rounds)
            on_rounds = table.get(("observability", variant + suffix, "cpu_us_per_call"), [])
            on = med(on_rounds)
            if on == on and off == off:
                # Per-round ratios too (round r of the variant / round r of off): the spread the machine's noise leaves.
                per_round = [a / b for a, b in zip(on_rounds, off_rounds)]
                spans = table.get(("observability", variant + suffix, "spans_per_call"))
                lines += ["",
                          f"CPU per call {variant}{suffix} / {base_variant}{suffix} = {on / off:.2f} (medians); per round "
                          + ", ".join(f"{x:.2f}" for x in per_round)
                          + (f" (paired median {med(per_round):.2f})" if per_round else "")
                          + (f"; spans exported per call {med(spans):.2f}" if spans else "")
                          + (f"; spans dropped per process {med(dropped):.0f}" if (dropped := table.get(("observability", variant + suffix, "spans_dropped"))) else "")]
        threads = sorted({m for (sc, v, m) in table if sc == "observability" and v.endswith(suffix) and m.startswith("thread_us_per_call:")})
        for m in threads:
            per = {v: table.get(("observability", v + suffix, m)) for v in obs_variants}
            lines.append(f"thread '{m.split(':', 1)[1]}' CPU µs per call (median): "
                         + ", ".join(f"{v}{suffix} {med(x):.2f}" for v, x in per.items() if x))
        counted = sorted({m for (sc, v, m) in table if sc == "observability" and v.endswith(suffix) and m.startswith("per_call:")})
        for m in counted:
            per = {v: table.get(("observability", v + suffix, m)) for v in obs_variants}
            lines.append(f"{m[len('per_call:'):]} per call (perf stat, median): "
                         + ", ".join(f"{v}{suffix} {med(x):.1f}" for v, x in per.items() if x))
        switches = {v: table.get(("observability", v + suffix, "switches_per_call")) for v in obs_variants}
        if any(switches.values()):
            lines.append("Context switches per call (all threads, median): "
                         + ", ".join(f"{v}{suffix} {med(x):.3f}" for v, x in switches.items() if x))
    # HOPS=1: GC work per call by process (Bench.Hops' counts around each measured run).
    for (sc, v, m) in sorted(k for k in table if k[2] == "gc_pause_us_per_call"):
        lines.append(f"{sc} {v}: GC pause µs/call {fmt(table[(sc, v, m)], 2)}, gen0/gen1/gen2 per 1k calls "
                     + " / ".join(fmt(table.get((sc, v, f"gen{g}_per_1k_calls"), []), 2) for g in range(3))
                     + f", bytes allocated/call {fmt(table.get((sc, v, 'alloc_bytes_per_call'), []), 0)}"
                     + f", promoted out of gen0 / gen1 bytes/call {fmt(table.get((sc, v, 'promoted_gen0_bytes_per_call'), []), 0)}"
                     + f" / {fmt(table.get((sc, v, 'promoted_gen1_bytes_per_call'), []), 0)}"
                     + f", thread-pool threads {fmt(table.get((sc, v, 'pool_threads'), []), 0)}")
    # The basic rounds' shipped pair by thread (the access log writer's own µs per call beside the request threads').
    for m in sorted({m for (sc, v, m) in table if sc == "basic" and m.startswith("thread_us_per_call:")}):
        per = {v: table.get(("basic", v, m)) for v in ("shipped", "shipped-json", "switchyard", "quiet-json", "switchyard-b", "quiet-json-b")}
        lines.append(f"basic: thread '{m.split(':', 1)[1]}' CPU µs per call (median): "
                     + ", ".join(f"{v} {med(x):.2f}" for v, x in per.items() if x))
    for x_, y_ in together_pairs():
        a, b = (table.get((f"together:{x_}+{y_}", n, "cpu_us_per_call"), []) for n in (x_, y_))
        if a and len(a) == len(b):
            pairs = [x / y for x, y in zip(a, b)]
            lines.append(f"CPU per call {x_} / {y_} loaded together (BASIC_TOGETHER), per round: "
                         + ", ".join(f"{x:.3f}" for x in pairs) + f" (median {med(pairs):.3f}; µs/call medians "
                         + f"{med(a):.1f} / {med(b):.1f})")
    for variant in obs_variants:
        a, b = (table.get(("observability", v, "cpu_us_per_call"), []) for v in (variant, variant + "-b"))
        if a and len(a) == len(b):
            pairs = [x / y for x, y in zip(a, b)]
            lines.append(f"CPU per call {variant} / {variant}-b, per round: " + ", ".join(f"{x:.2f}" for x in pairs)
                         + f" (median {med(pairs):.2f})")
    lat = [(p, table.get(("latency", p, "p50")), table.get(("latency", p, "p90")), table.get(("latency", p, "p99")))
           for p in ("direct", "direct-b", "shipped", "switchyard", "switchyard-b", *(f"lat-{n}" for n in LATENCY_NAMES), "h2up", "yarp", "nginx", "haproxy")]
    if any(x[1] for x in lat):
        lines += ["", "Latency at 1000 calls/s (µs, median (min–max) of rounds; 'added' = minus direct of the same round):", "",
                  "| proxy | p50 | p90 | p99 | added p50 | added p99 | voluntary context switches per call | thread-pool work items per call (HOPS=1) |",
                  "|---|---|---|---|---|---|---|---|"]
        for p, a, b, c in lat:
            if a:
                lines.append(f"| {p} | {fmt(a, 0)} | {fmt(b, 0)} | {fmt(c, 0)} | {fmt(added_latency(p, 'p50'), 0)} | "
                             f"{fmt(added_latency(p, 'p99'), 0)} | {fmt(table.get(('latency', p, 'ctxsw_per_call')), 2)} | "
                             f"{fmt(table.get(('latency', p, 'work_items_per_call')), 2)} |")
    other = [k for k in table if k[0] in ("stream", "swaps", "propagation", "compile", "start", "memory")]
    if other:
        lines += ["", "| scenario | subject | metric | median (min–max) |", "|---|---|---|---|"]
        for k in sorted(other):
            lines.append(f"| {k[0]} | {k[1]} | {k[2]} | {fmt(table[k], 2)} |")
    lines += issue21_lines()
    if "tcp" in SCENARIOS:
        import tcp_bench
        lines += tcp_bench.report_lines(sys.modules[__name__])
    text = "\n".join(lines) + "\n"
    with open(os.path.join(RESULTS, f"results-{stamp}.md"), "w") as f:
        f.write(text)
    print("\n" + text)


def report_from(path):
    with open(path) as f:
        next(f)
        for line in f:
            scenario, proxy, metric, value = line.rstrip("\n").split("\t")
            results.append((scenario, proxy, metric, float(value)))
            table.setdefault((scenario, proxy, metric), []).append(float(value))
    report()


def main():
    # SIGTERM (a stopped run) unwinds through the finally below: the peers are stopped and the rounds so far reported.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(RESULTS, exist_ok=True)
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    os.makedirs(HOPS_DIR)
    try:
        start("backend", ["dotnet", DLL["backend"], str(PORTS["backend"])], LOAD_CPU)
        wait_port(PORTS["backend"])
        cert, key, pem = make_cert()
        render("nginx.conf.in", "nginx.conf", WORK=WORK, PORT=PORTS["nginx"], BACKEND=PORTS["backend"],
               TLSPORT=PORTS["nginx-tls"], CERT=cert, KEY=key)
        start_peers_tls(pem)
        manifests = os.path.join(WORK, "manifests")
        greeter_manifests(manifests)
        tls_manifest(manifests)
        sw = start_switchyard(manifests)
        warm = [("switchyard", sw), ("yarp", procs["yarp"])]
        if "h2up" in procs:
            warm.append(("h2up", procs["h2up"]))
        if "shipped" in SCENARIOS:
            warm.append(("shipped", start_switchyard(manifests, "shipped", port="shipped")))
            if "basic" in SCENARIOS and (not PEERS or "shipped-json" in PEERS):
                warm.append(("shipped-json", start_switchyard(manifests, "shipped-json", port="shipped-json")))
        if "basic" in SCENARIOS and "quiet-json" in PEERS:
            warm.append(("quiet-json", start_switchyard(manifests, "quiet-json", port="quiet-json")))
        if "basic" in SCENARIOS and "quiet-trace" in PEERS:
            warm.append(("quiet-trace", start_switchyard(manifests, "quiet-trace", port="quiet-trace")))
        if COMPARE_DLL or COMPARE_ENV:
            warm.append(("switchyard-b", start_switchyard(manifests, "switchyard-b", COMPARE_DLL, "switchyard-b", COMPARE_ENV)))
            if "basic" in SCENARIOS and "quiet-json-b" in PEERS:
                warm.append(("quiet-json-b", start_switchyard(manifests, "quiet-json-b", COMPARE_DLL, "quiet-json-b", COMPARE_ENV)))
        if "latency" in SCENARIOS:
            for n in LATENCY_NAMES:
                warm.append((f"lat-{n}", start_switchyard(manifests, f"lat-{n}", port=f"lat-{n}", env=LATENCY_VARIANTS[n])))
        # Scenarios with processes of their own (memory, start, routes10k, ...) need no warm shared proxies.
        shared = {"basic", "tls", "latency", "stream", "swaps", "propagation"} & set(SCENARIOS)
        for name, proc in warm if shared else ():
            if PEERS and name not in PEERS and shared == {"basic"}:
                continue  # the basic rounds are the only ones on the shared proxies, and they skip this one
            warm_process(proc, f"http://127.0.0.1:{PORTS[name]}/greet.Greeter/SayHello", name)
        if "basic" in SCENARIOS:
            scenario_basic(sw)
        if "tls" in SCENARIOS:
            scenario_tls(sw)
        if "latency" in SCENARIOS:
            scenario_latency()
        if "stream" in SCENARIOS:
            scenario_stream()
        if "swaps" in SCENARIOS:
            scenario_swaps(manifests)
        if "propagation" in SCENARIOS:
            scenario_propagation(manifests)
        os.killpg(sw.pid, signal.SIGTERM)
        sw.wait(20)
        procs.pop("switchyard", None)
        if "memory" in SCENARIOS:
            scenario_memory(manifests)
        if "metrics" in SCENARIOS:
            scenario_metrics(manifests)
        if "accesslog" in SCENARIOS:
            scenario_accesslog(manifests)
        if "routes10k" in SCENARIOS:
            scenario_routes10k()
        if "compile" in SCENARIOS:
            scenario_compile()
        if "tcp" in SCENARIOS:
            import tcp_bench  # IngressRouteTCP vs haproxy mode tcp (bench/tcp_bench.py)
            tcp_bench.scenario_tcp(sys.modules[__name__])
        if "start" in SCENARIOS:
            scenario_start()
    finally:
        stop_all()
        report()


def start_peers_tls(pem):
    start("yarp", ["dotnet", DLL["yarp"], str(PORTS["yarp"]), f"http://127.0.0.1:{PORTS['backend']}"], PROXY_CPU)
    if not PEERS or "h2up" in PEERS:
        start("h2up", ["dotnet", DLL["h2up"], str(PORTS["h2up"]), str(PORTS["backend"])], PROXY_CPU, H2UP_ENV)
        wait_port(PORTS["h2up"])
    os.makedirs(os.path.join(WORK, "nginx-body"), exist_ok=True)
    start("nginx", ["nginx", "-c", os.path.join(WORK, "nginx.conf"), "-p", WORK], PROXY_CPU)
    hcfg = render("haproxy.cfg.in", "haproxy.cfg", PORT=PORTS["haproxy"], BACKEND=PORTS["backend"],
                  TLSPORT=PORTS["haproxy-tls"], PEM=pem)
    start("haproxy", ["haproxy", "-db", "-f", hcfg], PROXY_CPU)
    for n in ("yarp", "nginx", "haproxy", "nginx-tls", "haproxy-tls"):
        wait_port(PORTS[n])


if __name__ == "__main__":
    sys.exit(report_from(os.environ["REPORT_FROM"]) if os.environ.get("REPORT_FROM") else main())
