"""bench/run.py: runs the kafkaffi benchmarks and writes RESULTS.md and ratios.png.

Started by bench/run.sh (which builds the programs and the venv first); see bench/README.md.

Contenders, each a separate process per measurement:
  raw       bench/build/bench_raw       librdkafka 2.12.1 called directly (the static library
                                        that rdkafka-sys built for kafkaffi)
  kafkaffi  bench/build/bench_kafkaffi  the same work through kafkaffi's C ABI
  python    bench/bench_python.py       confluent-kafka-python from PyPI

The serdes (Avro, JSON Schema, Protobuf) have two contenders and need no Kafka cluster (each
runs on its own client's in-process mock:// registry), so they run once, not per cluster:
  kafkaffi  bench/build/bench_serde     kafkaffi's serializers through the C ABI
  python    bench/bench_serde.py        confluent-kafka-python's AvroSerializer, JSONSerializer,
                                        ProtobufSerializer and their deserializers

Each scenario runs ROUNDS rounds; a round runs the three contenders back to back (in an order
that rotates from round to round), and every ratio is taken between results of the same round.
Figures are the median of the rounds, with min and max.
"""
import argparse
import datetime
import json
import math
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CONTENDERS = ["raw", "kafkaffi", "python"]
TARGET_THROUGHPUT = 0.97  # kafkaffi / raw, at least
TARGET_P99 = 1.03  # kafkaffi / raw, at most
TARGET_SERDE = 3.0  # kafkaffi / python records per second, at least
SERDE_CONTENDERS = ["kafkaffi", "python"]
SERDE_FORMATS = {"avro": "Avro", "json": "JSON Schema", "protobuf": "Protobuf"}
MOCK_PARTITION_BUDGET = 3 * 1024 * 1024  # bytes per partition; the mock keeps ~5 MiB
RECORD_OVERHEAD = 32  # bytes per record on top of the value, for that budget (generous)


@dataclass
class Scenario:
    key: str  # short name, used in tables and the chart
    test: str  # the programs' --test
    size: int  # value bytes
    count: dict  # messages per cluster kind: {"mock": n, "broker": n}
    acks: str = "all"
    linger: int = 5
    rate: int = 0  # latency: messages per second
    batch: int = 1000
    fmt: str = ""  # serde: avro | json | protobuf
    direction: str = ""  # serde: serialize | deserialize
    binary: bool = False  # serde, Protobuf: kafkaffi with "record.format": "binary"
    headers: int = 0  # consume: headers per preloaded message
    python: bool = True  # False: raw and kafkaffi only (no Python counterpart of the test)

    @property
    def kind(self):
        if self.test == "serde":
            return "serde"
        return "latency" if self.test == "latency" else "throughput"

    @property
    def contenders(self):
        if self.kind == "serde":
            return SERDE_CONTENDERS
        return CONTENDERS if self.python else [c for c in CONTENDERS if c != "python"]


def size_name(n):
    return "%d KiB" % (n // 1024) if n >= 1024 and n % 1024 == 0 else "%d B" % n


def scenarios():
    out = []
    for size, mock_n, broker_n in ((100, 1_000_000, 500_000), (1024, 300_000, 100_000),
                                   (10240, 50_000, 10_000)):
        for acks in ("all", "1"):
            out.append(Scenario("produce %s acks=%s" % (size_name(size), acks), "produce", size,
                                {"mock": mock_n, "broker": broker_n}, acks=acks))
    out.append(Scenario("produce_batch 100 B acks=all", "produce_batch", 100,
                        {"mock": 1_000_000, "broker": 500_000}))
    # The one-call produce paths (issue 12), against raw librdkafka doing the same: producev
    # with two RD_KAFKA_V_HEADERs; rd_kafka_produce_batch over values in one buffer;
    # delivery reports as RD_KAFKA_EVENT_DR events with a per-message opaque.
    out.append(Scenario("produce one-call 2 headers 100 B", "produce_headers", 100,
                        {"mock": 1_000_000, "broker": 500_000}, python=False))
    out.append(Scenario("produce packed 100 B", "produce_packed", 100,
                        {"mock": 1_000_000, "broker": 500_000}, python=False))
    out.append(Scenario("produce pull delivery reports 100 B", "produce_pull", 100,
                        {"mock": 1_000_000, "broker": 500_000}, python=False))
    out.append(Scenario("consume poll 100 B", "consume_poll", 100,
                        {"mock": 1_000_000, "broker": 500_000}))
    out.append(Scenario("consume batch 100 B", "consume_batch", 100,
                        {"mock": 1_000_000, "broker": 500_000}))
    # Every field of each message, two headers: kafkaffi in one call per message
    # (kf_message_view) or per batch (kf_consumer_consume_batch), raw librdkafka with its
    # accessors, Python with its Message methods.
    out.append(Scenario("consume view 100 B 2 headers", "consume_view", 100,
                        {"mock": 1_000_000, "broker": 500_000}, headers=2))
    out.append(Scenario("consume batch view 100 B 2 headers", "consume_batch_view", 100,
                        {"mock": 1_000_000, "broker": 500_000}, headers=2))
    for linger in (0, 5):
        out.append(Scenario("latency linger.ms=%d" % linger, "latency", 100,
                            {"mock": 10_000, "broker": 10_000}, linger=linger, rate=2_000))
    # ---- SERDES: records per second, kafkaffi / python (no raw contender, no cluster) ---------
    # Counts: about 1-4 s for the slower contender (Python's JSONSerializer validates each
    # record with the pure-Python jsonschema package: ~12 k records/s).
    # The Protobuf rows "binary": kafkaffi takes and gives the message's binary encoding
    # (record.format=binary) instead of its JSON mapping; Python does the same as in the JSON
    # rows (it always takes and gives a message object).
    for fmt, n, binary in (("avro", 200_000, False), ("json", 40_000, False),
                           ("protobuf", 200_000, False), ("protobuf", 200_000, True)):
        for direction in ("serialize", "deserialize"):
            out.append(Scenario("serde %s %s%s" % (SERDE_FORMATS[fmt], direction,
                                                   ", binary" if binary else ""),
                                "serde", 0, {"serde": n}, fmt=fmt, direction=direction,
                                binary=binary))
    return out


def partitions_for(s):
    """Produce: 8 partitions. Consume: enough that each partition holds at most
    MOCK_PARTITION_BUDGET bytes (the mock cluster drops the oldest data past ~5 MiB per
    partition; the same count is used on the broker). Latency: 1."""
    if s.test in ("produce", "produce_batch", "produce_headers", "produce_packed",
                  "produce_pull"):
        return 8
    if s.test == "latency":
        return 1
    if s.test == "serde":
        return 0
    n = max(s.count.values())
    return max(1, math.ceil(n * (s.size + RECORD_OVERHEAD + 8 * s.headers)
                            / MOCK_PARTITION_BUDGET))


def producer_conf(s):
    return {
        "acks": s.acks,
        "linger.ms": str(s.linger),
        "compression.type": "none",
        "enable.idempotence": "false",
        "queue.buffering.max.messages": "100000",
        "queue.buffering.max.kbytes": "1048576",
        "batch.num.messages": "10000",
        "batch.size": "1000000",
        "sticky.partitioning.linger.ms": "10",
    }


def consumer_conf(cluster_kind):
    return {
        "group.id": "kafkaffi-bench-" + uuid.uuid4().hex[:12],
        "enable.auto.commit": "false",
        "auto.offset.reset": "earliest",
        "enable.partition.eof": "false",
        # The default (1000 ms) stalls a fast consumer for a second each time its prefetch
        # queue is full; the same value for every contender.
        "fetch.queue.backoff.ms": "1",
        "queued.min.messages": "100000",
        "queued.max.messages.kbytes": "65536",
        # The mock broker holds an empty fetch for the whole fetch.wait.max.ms even when data
        # arrives meanwhile; a real broker answers as soon as data arrives.
        "fetch.wait.max.ms": "1" if cluster_kind == "mock" else "100",
    }


# ---- running one measurement ------------------------------------------------------------------

class Runner:
    def __init__(self, build, timeout):
        self.build = build
        self.timeout = timeout
        self.admin = None

    def command(self, contender, s=None):
        if s is not None and s.kind == "serde":
            if contender == "python":
                return [sys.executable, os.path.join(HERE, "bench_serde.py"), "--build",
                        self.build]
            return [os.path.join(self.build, "bench_serde")]
        if contender == "python":
            return [sys.executable, os.path.join(HERE, "bench_python.py")]
        return [os.path.join(self.build, "bench_" + contender)]

    def admin_client(self, bootstrap):
        if self.admin is None:
            from confluent_kafka.admin import AdminClient
            self.admin = AdminClient({"bootstrap.servers": bootstrap})
        return self.admin

    def create_topic(self, bootstrap, topic, partitions):
        from confluent_kafka.admin import NewTopic
        admin = self.admin_client(bootstrap)
        for f in admin.create_topics([NewTopic(topic, partitions, 1)],
                                     request_timeout=30).values():
            f.result(timeout=60)
        deadline = time.time() + 30
        while time.time() < deadline:
            md = admin.list_topics(topic, timeout=10).topics.get(topic)
            if (md is not None and md.error is None and len(md.partitions) == partitions
                    and all(p.leader >= 0 for p in md.partitions.values())):
                return
            time.sleep(0.1)
        raise RuntimeError("topic %s: no leaders after 30 s" % topic)

    def delete_topic(self, bootstrap, topic):
        admin = self.admin_client(bootstrap)
        for f in admin.delete_topics([topic], request_timeout=30).values():
            try:
                f.result(timeout=60)
            except Exception as e:  # a leftover topic is harmless; say so and go on
                print("  (could not delete %s: %s)" % (topic, e), file=sys.stderr)

    def run(self, contender, s, cluster, count, rounds_label):
        """One measurement: returns the program's JSON result, or {"error": text}."""
        kind, bootstrap = cluster
        topic = "kafkaffi-bench-%s-%s" % (s.test, uuid.uuid4().hex[:12])
        if s.kind == "serde":
            return self.execute(self.command(contender, s) + [
                "--format", s.fmt, "--direction", s.direction, "--count", str(count),
                "--dir", os.path.join(HERE, "serde"), "--topic", topic]
                + (["--binary", "1"] if s.binary and contender == "kafkaffi" else []))
        parts = partitions_for(s)
        args = ["--test", s.test, "--bootstrap", "mock" if kind == "mock" else bootstrap,
                "--topic", topic, "--partitions", str(parts), "--count", str(count),
                "--size", str(s.size), "--batch", str(s.batch)]
        if s.rate:
            args += ["--rate", str(s.rate)]
        if s.headers:
            args += ["--headers", str(s.headers)]
        for k, v in producer_conf(s).items():
            args += ["-X", "%s=%s" % (k, v)]
        for k, v in consumer_conf(kind).items():
            args += ["-C", "%s=%s" % (k, v)]
        cmd = self.command(contender) + args
        if kind == "broker":
            self.create_topic(bootstrap, topic, parts)
        try:
            return self.execute(cmd)
        finally:
            if kind == "broker":
                self.delete_topic(bootstrap, topic)

    def execute(self, cmd):
        """Runs one measurement's process: its JSON result, or {"error": text}."""
        try:
            t0 = time.time()
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout)
            wall = time.time() - t0
        except subprocess.TimeoutExpired:
            return {"error": "timed out after %d s" % self.timeout, "command": shlex.join(cmd)}
        except OSError as e:  # not built, not executable
            return {"error": str(e), "command": shlex.join(cmd)}
        lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
        if p.returncode != 0 or not lines:
            tail = (p.stderr.strip().splitlines() or ["(no output)"])[-3:]
            return {"error": "exit %d: %s" % (p.returncode, " | ".join(tail)),
                    "command": shlex.join(cmd)}
        res = json.loads(lines[-1])
        res["wall_s"] = round(wall, 3)
        return res


# ---- statistics -------------------------------------------------------------------------------

def metric_value(res, metric):
    v = res.get(metric)
    if v is None or v < 0:
        return None
    return v


def spread(values):
    """(median, min, max) of the values that exist, or None."""
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def ratios(rounds, a, b, metric):
    """Per round: rounds[r][a][metric] / rounds[r][b][metric], where both succeeded."""
    out = []
    for r in rounds:
        x, y = r.get(a, {}), r.get(b, {})
        vx, vy = metric_value(x, metric), metric_value(y, metric)
        if vx is not None and vy:
            out.append(vx / vy)
    return out


# ---- CPU used by others while we measure ------------------------------------------------------

def cpu_busy_seconds():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def broker_cpu_seconds():
    kdir = os.environ.get("KAFKAFFI_KAFKA_DIR", "/tmp/kafkaffi-kafka")
    try:
        pid = int(open(os.path.join(kdir, "kafka.pid")).read().split()[0])
        fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def own_cpu_seconds():
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    return ch.ru_utime + ch.ru_stime + me.ru_utime + me.ru_stime


class CpuMeter:
    """How many cores processes other than ours (and the broker's) kept busy meanwhile."""

    def __init__(self):
        self.t, self.busy, self.own = time.time(), cpu_busy_seconds(), own_cpu_seconds()
        self.broker = broker_cpu_seconds()

    def stop(self):
        wall = time.time() - self.t
        busy = cpu_busy_seconds() - self.busy
        own = own_cpu_seconds() - self.own
        b = broker_cpu_seconds()
        broker = (b - self.broker) if (b is not None and self.broker is not None) else 0.0
        return {"wall_s": round(wall, 1), "other_cores": round(max(0.0, busy - own - broker)
                                                               / max(wall, 1e-9), 2),
                "broker_cores": round(broker / max(wall, 1e-9), 2)}


# ---- the run ----------------------------------------------------------------------------------

def run_all(args, clusters, scen):
    runner = Runner(args.build, args.timeout)
    results = {"clusters": {}, "cpu": {}}
    failures = runs = 0
    kafka = [s for s in scen if s.kind != "serde"]
    serde = [s for s in scen if s.kind == "serde"]
    # The Kafka scenarios on each cluster; then the serdes once (they use no cluster: the
    # kind "serde" stands for the contenders' in-process mock:// registries).
    groups = [(cluster, kafka) for cluster in clusters if kafka]
    if serde:
        groups.append((("serde", None), serde))
    for cluster, group in groups:
        kind = cluster[0]
        meter = CpuMeter()
        if kind == "serde":
            per_cluster = results.setdefault("serde", {})
        else:
            per_cluster = results["clusters"].setdefault(kind, {})
        for s in group:
            count = args.count_for(s, kind)
            rounds = []
            for r in range(args.rounds):
                cs = s.contenders
                order = cs[r % len(cs):] + cs[:r % len(cs)]
                row = {}
                for c in order:
                    res = runner.run(c, s, cluster, count, r)
                    row[c] = res
                    runs += 1
                    if "error" in res:
                        failures += 1
                        print("FAIL %-7s %-30s %-8s round %d: %s\n     %s"
                              % (kind, s.key, c, r + 1, res["error"], res["command"]),
                              flush=True)
                    elif args.verbose:
                        print("  ok %-7s %-30s %-8s round %d: %s" % (
                            kind, s.key, c, r + 1, brief(res, s)), flush=True)
                rounds.append(row)
            per_cluster[s.key] = {"scenario": s.__dict__ | {"partitions": partitions_for(s),
                                                           "count_run": count},
                                  "rounds": rounds}
            if not args.smoke:
                print(summary_line(kind, s, rounds), flush=True)
        results["cpu"][kind] = meter.stop()
    return results, failures, runs


def brief(res, s):
    if s.kind == "serde":
        return "%.0f records/s (%d bytes on the wire)" % (res["msg_per_s"], res["wire_bytes"])
    if s.kind == "latency":
        return "p50 %.0f us, p99 %.0f us" % (res["p50_us"], res["p99_us"])
    return "%.0f msg/s" % res["msg_per_s"]


def summary_line(kind, s, rounds):
    metric = "p99_us" if s.kind == "latency" else "msg_per_s"
    kr = spread(ratios(rounds, "kafkaffi", "raw", metric))
    kp = spread(ratios(rounds, "kafkaffi", "python", metric))
    med = {c: spread([metric_value(r.get(c, {}), metric) for r in rounds])
           for c in s.contenders}
    parts = ["%-7s %-36s" % (kind, s.key)]
    for c in s.contenders:
        parts.append("%s %s" % (c, fmt_num(med[c][0]) if med[c] else "FAILED"))
    if s.kind != "serde":
        parts.append("kafkaffi/raw %s" % (("%.3f" % kr[0]) if kr else "-"))
    parts.append("kafkaffi/python %s" % (("%.3f" % kp[0]) if kp else "-"))
    return "  ".join(parts)


def fmt_num(v):
    if v is None:
        return "-"
    if v >= 999_500:
        return "%.2f M" % (v / 1e6)
    if v >= 1e4:
        return "%.0f k" % (v / 1e3)
    if v >= 100:
        return "%.0f" % v
    return "%.1f" % v


# ---- RESULTS.md -------------------------------------------------------------------------------

def cell(sp, fmt=fmt_num):
    if sp is None:
        return "failed"
    return "%s (%s–%s)" % (fmt(sp[0]), fmt(sp[1]), fmt(sp[2]))


def ratio_cell(sp):
    if sp is None:
        return "–"
    return "**%.3f** (%.3f–%.3f)" % sp


def mib(kib):
    return "%.0f" % (kib / 1024.0) if kib >= 10240 else "%.1f" % (kib / 1024.0)


def machine_info():
    info = {}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["cores"] = os.cpu_count()
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["memory"] = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    info["kernel"] = platform.release()
    info["os"] = platform.platform()

    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "?"
    info["cc"] = first_line([os.environ.get("CC", "cc"), "--version"])
    info["rustc"] = first_line(["rustc", "--version"])
    info["python"] = platform.python_version()
    info["git"] = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "include",
                            "Cargo.toml", "Cargo.lock", "build.rs"],
                           capture_output=True, text=True).stdout.strip()
    if dirty:
        info["git"] += " (with uncommitted changes)"
    return info


def versions(results):
    """librdkafka versions as the programs reported them."""
    seen = {}
    for per_cluster in results["clusters"].values():
        for entry in per_cluster.values():
            for row in entry["rounds"]:
                for c, res in row.items():
                    if "librdkafka" in res:
                        seen.setdefault(c, res["librdkafka"])
                    if "client" in res:
                        seen.setdefault(c + "_client", res["client"])
    return seen


def write_results(args, results, clusters, scen, out_dir):
    info = results["machine"]
    ver = versions(results)
    kafka_version = os.environ.get("KAFKA_VERSION", "?")
    cargo_version = "?"
    for line in open(os.path.join(ROOT, "Cargo.toml")):
        if line.startswith("version"):
            cargo_version = line.split("=", 1)[1].strip().strip('"')
            break
    L = []
    L.append("# kafkaffi benchmarks")
    L.append("")
    L.append("Generated by `%s` on %s (UTC). Do not edit by hand: run the command again."
             % (args.command_line, results["date"]))
    L.append("")
    L.append("kafkaffi through its C ABI against raw librdkafka (a C program doing the same work,"
             " linked with the same librdkafka) and against confluent-kafka-python. Every figure "
             "is the median of %d rounds, with (min–max). Every ratio is taken inside a round "
             "(the three contenders run back to back, in an order that rotates from round to "
             "round) and then summarised the same way. Targets: kafkaffi / raw at least %.2f of "
             "the throughput and at most %.2f of the p99 latency."
             % (args.rounds, TARGET_THROUGHPUT, TARGET_P99))
    L.append("")
    if args.note:
        L.append("**Note:** " + args.note)
        L.append("")
    L.append("## Machine and versions")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    L.append("| date | %s UTC |" % results["date"])
    L.append("| command | `%s` |" % args.command_line)
    L.append("| commit | %s |" % info.get("git", "?"))
    L.append("| CPU | %s, %s cores |" % (info.get("cpu", "?"), info.get("cores")))
    L.append("| memory | %s |" % info.get("memory", "?"))
    L.append("| OS | %s |" % info.get("os", "?"))
    for kind, cpu in results["cpu"].items():
        L.append("| other load during the %s runs | %.2f cores busy on average with processes "
                 "other than the benchmark%s (%.0f s) |"
                 % (kind, cpu["other_cores"],
                    " and the broker (the broker itself: %.2f cores)" % cpu["broker_cores"]
                    if kind == "broker" else "", cpu["wall_s"]))
    L.append("| C compiler | %s, `-O2 -g` for both C programs |" % info.get("cc", "?"))
    L.append("| Rust | %s (release profile) |" % info.get("rustc", "?"))
    L.append("| kafkaffi | %s, librdkafka %s (vendored by rdkafka-sys 4.10.0), "
             "libkafkaffi.so |" % (cargo_version, ver.get("kafkaffi", "?")))
    L.append("| raw librdkafka | %s: the same librdkafka.a that rdkafka-sys built for kafkaffi, "
             "linked statically |" % ver.get("raw", "?"))
    L.append("| confluent-kafka-python | %s from PyPI, Python %s; its wheel bundles librdkafka "
             "**%s** (not %s: no wheel of that version bundles 2.12.1, so the same-version rule "
             "cannot apply to this contender) |"
             % (ver.get("python_client", "?").replace("confluent-kafka ", ""), info["python"],
                ver.get("python", "?"), ver.get("raw", "2.12.1")))
    if any(c[0] == "broker" for c in clusters):
        bs = [c[1] for c in clusters if c[0] == "broker"][0]
        L.append("| broker | Apache Kafka %s, single node (KRaft) at %s, PLAINTEXT, on the same "
                 "machine |" % (kafka_version, bs))
    L.append("| mock cluster | librdkafka %s's in-process mock cluster, 1 broker, started inside "
             "each benchmark process (the Python program starts it through kafkaffi's "
             "kf_mock_cluster_new() via ctypes: the Python client has no mock cluster API) |"
             % ver.get("raw", "2.12.1"))
    L.append("")

    L.append("## Summary: the ratios")
    L.append("")
    missed = []
    kafka = [s for s in scen if s.kind != "serde"]
    serde = [s for s in scen if s.kind == "serde"]
    if kafka:
        L.append("Throughput: msg/s ratio (higher is better for kafkaffi). Latency: p99 ratio "
                 "(lower is better for kafkaffi).")
        L.append("")
        L.append("| cluster | scenario | kafkaffi / raw | target | met | kafkaffi / python |")
        L.append("|---|---|---|---|---|---|")
    for kind, _ in (clusters if kafka else []):
        for s in kafka:
            entry = results["clusters"][kind][s.key]
            metric = "p99_us" if s.kind == "latency" else "msg_per_s"
            kr = spread(ratios(entry["rounds"], "kafkaffi", "raw", metric))
            kp = spread(ratios(entry["rounds"], "kafkaffi", "python", metric))
            if s.kind == "latency":
                target = "≤ %.2f" % TARGET_P99
                met = kr is not None and kr[0] <= TARGET_P99
            else:
                target = "≥ %.2f" % TARGET_THROUGHPUT
                met = kr is not None and kr[0] >= TARGET_THROUGHPUT
            if not met:
                missed.append((kind, s.key))
            L.append("| %s | %s | %s | %s | %s | %s |" % (kind, s.key, ratio_cell(kr), target,
                                                          "yes" if met else "**no**",
                                                          ratio_cell(kp)))
    if kafka:
        L.append("")
    if serde:
        L.append("Serdes: records per second, kafkaffi / confluent-kafka-python (higher is "
                 "better for kafkaffi; no cluster, each on its own mock:// registry).")
        L.append("")
        L.append("| scenario | kafkaffi / python | target | met |")
        L.append("|---|---|---|---|")
        for s in serde:
            kp = spread(ratios(results["serde"][s.key]["rounds"], "kafkaffi", "python",
                               "msg_per_s"))
            met = kp is not None and kp[0] >= TARGET_SERDE
            if not met:
                missed.append(("", s.key))
            L.append("| %s | %s | ≥ %.0f | %s |" % (s.key, ratio_cell(kp), TARGET_SERDE,
                                                    "yes" if met else "**no**"))
        L.append("")
    if missed:
        L.append("Targets missed: %s. Where the cost is: see [PROFILE.md](PROFILE.md)."
                 % ", ".join(("%s %s" % m).strip() for m in missed))
        L.append("")
    L.append("![ratios](ratios.png)")
    L.append("")
    if kafka:
        L.append("Reading the ratios: the (min–max) after each median is the spread of the "
                 "per-round ratios; where it is wide, the machine's other load (above) moved the "
                 "result more than the client did. On the real broker, at linger.ms=0 (one "
                 "produce request per message), the p99 and p99.9 latencies are set by the "
                 "broker's own pauses on the same 2 cores (see their spread), not by the client; "
                 "its p50 is the client-side figure there.")
        L.append("")

    for kind, _ in (clusters if kafka else []):
        per = results["clusters"][kind]
        L.append("## %s" % ("Mock cluster (in-process)" if kind == "mock"
                            else "Real broker (single node, same machine)"))
        L.append("")
        L.append("### Throughput")
        L.append("")
        L.append("| scenario | messages | partitions | contender | msg/s | MB/s | peak RSS MiB |")
        L.append("|---|---|---|---|---|---|---|")
        for s in scen:
            if s.kind != "throughput":
                continue
            entry = per[s.key]
            for c in CONTENDERS:
                rs = [row.get(c, {}) for row in entry["rounds"]]
                L.append("| %s | %s | %d | %s | %s | %s | %s |" % (
                    s.key, "{:,}".format(entry["scenario"]["count_run"]),
                    entry["scenario"]["partitions"], c,
                    cell(spread([metric_value(x, "msg_per_s") for x in rs])),
                    cell(spread([metric_value(x, "mb_per_s") for x in rs])),
                    cell(spread([metric_value(x, "rss_kib") for x in rs]), mib)))
        L.append("")
        L.append("| scenario | kafkaffi / raw (msg/s) | kafkaffi / python (msg/s) |")
        L.append("|---|---|---|")
        for s in scen:
            if s.kind != "throughput":
                continue
            rounds = per[s.key]["rounds"]
            L.append("| %s | %s | %s |" % (
                s.key, ratio_cell(spread(ratios(rounds, "kafkaffi", "raw", "msg_per_s"))),
                ratio_cell(spread(ratios(rounds, "kafkaffi", "python", "msg_per_s")))))
        L.append("")
        L.append("### End-to-end latency")
        L.append("")
        L.append("| scenario | rate | contender | p50 µs | p99 µs | p99.9 µs | peak RSS MiB |")
        L.append("|---|---|---|---|---|---|---|")
        for s in scen:
            if s.kind != "latency":
                continue
            entry = per[s.key]
            for c in CONTENDERS:
                rs = [row.get(c, {}) for row in entry["rounds"]]
                L.append("| %s | %s msg/s × %s | %s | %s | %s | %s | %s |" % (
                    s.key, "{:,}".format(s.rate), "{:,}".format(entry["scenario"]["count_run"]),
                    c,
                    cell(spread([metric_value(x, "p50_us") for x in rs])),
                    cell(spread([metric_value(x, "p99_us") for x in rs])),
                    cell(spread([metric_value(x, "p999_us") for x in rs])),
                    cell(spread([metric_value(x, "rss_kib") for x in rs]), mib)))
        L.append("")
        L.append("| scenario | kafkaffi / raw p50 | p99 | p99.9 | kafkaffi / python p50 | p99 "
                 "| p99.9 |")
        L.append("|---|---|---|---|---|---|---|")
        for s in scen:
            if s.kind != "latency":
                continue
            rounds = per[s.key]["rounds"]
            cells = [ratio_cell(spread(ratios(rounds, "kafkaffi", other, m)))
                     for other in ("raw", "python") for m in ("p50_us", "p99_us", "p999_us")]
            L.append("| %s | %s |" % (s.key, " | ".join(cells)))
        L.append("")

    if serde:
        write_serde_section(L, results["serde"], serde)
    L.append("## Method")
    L.append("")
    L.append("- One process per measurement; each prints one JSON line (bench/results.json "
             "keeps them all). Peak RSS is the process's own `ru_maxrss` at its end, so it "
             "includes the in-process mock cluster and, for Python, the interpreter.")
    L.append("- Produce: N values of the given size, no key, partitioner's choice (%s "
             "partitions), `poll(0)` every 1,000 messages, on a full queue `poll(1 ms)` and "
             "retry; timed from the first produce to the end of `flush`; every delivery report "
             "is counted and must be a success. Delivery reports go to one configured callback "
             "(librdkafka's dr_msg_cb, kafkaffi's kf_config_set_delivery_cb, Python's "
             "`on_delivery`)." % partitions_for(Scenario("", "produce", 100, {})))
    L.append("- Batch produce: 1,000 messages per call: `rd_kafka_produce_batch` (raw), "
             "`kf_producer_produce_batch` (kafkaffi), `Producer.produce_batch` (Python); "
             "refused messages (full queue) are sent again after `poll(1 ms)`.")
    L.append("- Consume: the contender first writes N values round-robin over the partitions "
             "(untimed), then a consumer assigned every partition from the beginning (no group "
             "rebalance) reads them: one message per `poll` (`rd_kafka_consumer_poll`, "
             "`kf_consumer_poll`, `Consumer.poll`) or 1,000 per call "
             "(`rd_kafka_consume_batch_queue`, `kf_consumer_consume`, `Consumer.consume`). "
             "Each message's value and length are read; the run fails unless exactly N messages "
             "and N × size bytes arrive. Timed from the first message to the end of the loop that "
             "received the last one (the clock is read only then and on empty polls). The number "
             "of partitions keeps each under %d MiB (the mock cluster keeps about 5 MiB per "
             "partition and silently drops older data)." % (MOCK_PARTITION_BUDGET >> 20))
    L.append("- Consume, every field (\"consume view\", \"consume batch view\"): the values "
             "carry two headers, and every field of each message is read: topic, partition, "
             "offset, key, value, timestamp and its type, error, leader epoch, persistence "
             "status and each header's name and value. Raw librdkafka calls its accessors "
             "(`rd_kafka_topic_name`, `rd_kafka_message_timestamp`, `_leader_epoch`, `_status`, "
             "`_headers`, `rd_kafka_header_get_all`); kafkaffi makes one call per message "
             "(`kf_message_view` after `kf_consumer_poll`) or none (the views of a "
             "`kf_consumer_consume_batch` batch, read with `kf_message_batch_views`); Python "
             "calls the `Message` methods (it has no persistence status).")
    L.append("- Latency: a producer thread sends at a fixed rate (a value of 100 B carrying the "
             "send time and a sequence number, `poll(0)` after each), the main thread polls a "
             "consumer of the same (1-partition) topic; latency = receive time − send time on "
             "the same monotonic clock. The first 10 % of the messages are not counted; every "
             "sequence number must arrive exactly once. Percentiles by nearest rank.")
    L.append("- Producer configuration (all contenders): `%s`, plus `acks` and `linger.ms` "
             "per scenario." % ", ".join("%s=%s" % kv for kv in producer_conf(scen[0]).items()
                                         if kv[0] not in ("acks", "linger.ms")))
    cc = consumer_conf("mock")
    cc.pop("group.id")
    L.append("- Consumer configuration (all contenders): `%s` (on the broker "
             "`fetch.wait.max.ms=100`), a new group.id per run, no commits."
             % ", ".join("%s=%s" % kv for kv in cc.items()))
    L.append("- MB/s is 10^6 bytes of values per second (keys and protocol overhead not "
             "counted).")
    L.append("- On the broker every run gets a new topic (created before, deleted after, "
             "replication factor 1).")
    if serde:
        L.append("- Serdes: see their section above.")
    L.append("")
    with open(os.path.join(out_dir, "RESULTS.md"), "w") as f:
        f.write("\n".join(L))


def write_serde_section(L, per, serde):
    L.append("## Serdes (Avro / JSON Schema / Protobuf)")
    L.append("")
    L.append("Records per second through each client's schema-registry serializer and "
             "deserializer: kafkaffi's (`kf_avro_serializer_new`, `kf_json_schema_serializer_new`"
             ", `kf_protobuf_serializer_new` and the deserializers, through the C ABI: "
             "bench/bench_serde.c) against confluent-kafka-python's `AvroSerializer` (fastavro), "
             "`JSONSerializer` (jsonschema), `ProtobufSerializer` (protobuf) and their "
             "deserializers (bench/bench_serde.py). Target: kafkaffi at least %.0f times "
             "Python's records per second." % TARGET_SERDE)
    L.append("")
    L.append("| scenario | records | contender | records/s | wire bytes | peak RSS MiB |")
    L.append("|---|---|---|---|---|---|")
    for s in serde:
        entry = per[s.key]
        for c in s.contenders:
            rs = [row.get(c, {}) for row in entry["rounds"]]
            wire = sorted({x["wire_bytes"] for x in rs if "wire_bytes" in x})
            L.append("| %s | %s | %s | %s | %s | %s |" % (
                s.key, "{:,}".format(entry["scenario"]["count_run"]), c,
                cell(spread([metric_value(x, "msg_per_s") for x in rs])),
                "/".join(str(w) for w in wire) or "–",
                cell(spread([metric_value(x, "rss_kib") for x in rs]), mib)))
    L.append("")
    L.append("| scenario | kafkaffi / python (records/s) | same bytes on the wire |")
    L.append("|---|---|---|")
    for s in serde:
        rounds = per[s.key]["rounds"]
        same = [r["kafkaffi"]["wire_hex"] == r["python"]["wire_hex"] for r in rounds
                if "wire_hex" in r.get("kafkaffi", {}) and "wire_hex" in r.get("python", {})]
        L.append("| %s | %s | %s |" % (
            s.key, ratio_cell(spread(ratios(rounds, "kafkaffi", "python", "msg_per_s"))),
            "–" if not same else "yes" if all(same) else "**no**"))
    L.append("")
    L.append("- The same record (bench/serde/user.json: 10 fields: a long id, strings, an int, a "
             "double, a boolean, an array of strings, a nested record of 3 strings, a long "
             "timestamp) and the same schema (bench/serde/user.avsc, user.schema.json, "
             "user.proto) in both contenders; \"same bytes on the wire\" compares the two "
             "serializers' output (magic byte, schema id, body) in each round.")
    L.append("- Each contender uses its own client's in-process registry (`mock://` URL): "
             "kafkaffi's, and Python's `MockSchemaRegistryClient` (what "
             "`SchemaRegistryClient.new_client` returns for a mock:// URL). Default "
             "configurations: the serializers auto-register; the JSON Schema serializer and "
             "deserializer validate every record (Python's too); Python's Protobuf "
             "deserializer is given the registry client, as kafkaffi's.")
    L.append("- Steady state: before the clock starts each contender writes the record once "
             "(registering the schema, caching its id) and reads it back once (fetching the "
             "writer's schema by id, caching it); then the same call is timed N times on the "
             "same record in one thread.")
    L.append("- Each contender takes and gives the record in its natural form: kafkaffi "
             "JSON text in and out (for Protobuf the proto3 JSON mapping), so its "
             "figures include parsing and writing that JSON; Python a dict in and out (Avro, "
             "JSON Schema) and, for Protobuf, an instance of the message class generated by "
             "`grpc_tools.protoc` from user.proto (built before the clock starts; the "
             "deserializer returns one).")
    L.append("- The Protobuf rows marked \"binary\": kafkaffi with `\"record.format\": "
             "\"binary\"`, taking and giving the message's binary encoding (what a C caller "
             "that encodes its messages itself, e.g. with protobuf-c or nanopb, hands over; its "
             "serializer still checks that the bytes decode as the message); Python exactly as "
             "in the other Protobuf rows. The encoding itself is not timed on kafkaffi's side, "
             "while Python's figure includes `SerializeToString` / `ParseFromString` (upb, in "
             "C).")
    L.append("")


# ---- ratios.png -------------------------------------------------------------------------------

def write_chart(results, clusters, scen, out_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    thr = [s for s in scen if s.kind == "throughput"]
    lat = [s for s in scen if s.kind == "latency"]
    serde = [s for s in scen if s.kind == "serde"]
    if not (thr or lat):  # serdes only (--only serde)
        fig, ax = plt.subplots(1, 1, figsize=(10, 5.5))
        serde_panel(ax, results, serde)
        fig.suptitle("kafkaffi serde ratios (bars: median of the rounds; whiskers: min–max)"
                     "   %s UTC" % results["date"], fontsize=11)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        fig.savefig(os.path.join(out_dir, "ratios.png"), dpi=110)
        return
    rows = 3 if serde else 2
    fig, axes = plt.subplots(rows, 2, figsize=(15, 5 * rows),
                             gridspec_kw={"width_ratios": [max(len(thr), 1), max(len(lat), 1)
                                                           + 1]})
    if serde:  # the bottom row, both columns: the serdes
        gs = axes[2][0].get_gridspec()
        axes[2][0].remove()
        axes[2][1].remove()
        serde_panel(fig.add_subplot(gs[2, :]), results, serde)
    colors = {"mock": "#4C72B0", "broker": "#DD8452"}
    panels = [
        (axes[0][0], thr, "raw", "msg_per_s", "kafkaffi / raw librdkafka: throughput\n"
         "(higher is better; target ≥ %.2f)" % TARGET_THROUGHPUT, TARGET_THROUGHPUT),
        (axes[0][1], lat, "raw", "p99_us", "kafkaffi / raw librdkafka: p99 latency\n"
         "(lower is better; target ≤ %.2f)" % TARGET_P99, TARGET_P99),
        (axes[1][0], thr, "python", "msg_per_s",
         "kafkaffi / confluent-kafka-python: throughput\n(higher is better)", None),
        (axes[1][1], lat, "python", "p99_us",
         "kafkaffi / confluent-kafka-python: p99 latency\n(lower is better)", None),
    ]
    kinds = [c[0] for c in clusters]
    width = 0.8 / max(len(kinds), 1)
    for ax, sc, other, metric, title, target in panels:
        # Against raw the interesting range is near 1: a wild outlier (a noisy broker run)
        # is clipped at the top and labelled with its value.
        top = 1.5 if other == "raw" else None
        tops = []
        for i, kind in enumerate(kinds):
            meds, lo, hi = [], [], []
            for s in sc:
                sp = spread(ratios(results["clusters"][kind][s.key]["rounds"], "kafkaffi",
                                   other, metric))
                if sp is None:
                    sp = (float("nan"),) * 3
                meds.append(sp[0])
                lo.append(sp[0] - sp[1])
                hi.append(sp[2] - sp[0])
            xs = [j + (i - (len(kinds) - 1) / 2) * width for j in range(len(sc))]
            ax.bar(xs, meds, width, yerr=[lo, hi], capsize=3, color=colors.get(kind),
                   label="mock cluster" if kind == "mock" else "real broker")
            for x, m, h in zip(xs, meds, hi):
                if m != m:  # NaN: the measurement failed
                    continue
                tops.append(m + h)
                if top is not None and m > top:
                    ax.annotate("%.2f ↑" % m, (x, top), textcoords="offset points",
                                xytext=(0, -12), ha="center", fontsize=8, fontweight="bold")
                else:  # the median, written inside the bar (the whisker is above it)
                    ax.annotate("%.2f" % m, (x, 0), textcoords="offset points",
                                xytext=(0, 4), ha="center", fontsize=8, color="white",
                                fontweight="bold", rotation=90, va="bottom")
        ax.set_ylim(0, top if top is not None else max(tops + [1.0]) * 1.3)
        ax.axhline(1.0, color="black", linewidth=0.8)
        if target:
            ax.axhline(target, color="red", linestyle="--", linewidth=1,
                       label="target %.2f" % target)
        ax.set_xticks(range(len(sc)))
        ax.set_xticklabels([s.key.replace(" acks", "\nacks").replace(" linger", "\nlinger")
                            for s in sc], rotation=30, ha="right", fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, [lb.replace("target %.2f" % TARGET_THROUGHPUT, "target")
                         for lb in labels], loc="upper center", ncol=3, fontsize=9,
               bbox_to_anchor=(0.5, 0.965))
    fig.suptitle("kafkaffi benchmark ratios (bars: median of the rounds; whiskers: min–max)"
                 "   %s UTC" % results["date"], fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94 if rows == 2 else 0.955))
    fig.savefig(os.path.join(out_dir, "ratios.png"), dpi=110)


def serde_panel(ax, results, serde):
    """kafkaffi / python records per second for each serde scenario, with the target."""
    meds, lo, hi = [], [], []
    for s in serde:
        sp = spread(ratios(results["serde"][s.key]["rounds"], "kafkaffi", "python", "msg_per_s"))
        if sp is None:
            sp = (float("nan"),) * 3
        meds.append(sp[0])
        lo.append(sp[0] - sp[1])
        hi.append(sp[2] - sp[0])
    xs = list(range(len(serde)))
    ax.bar(xs, meds, 0.6, yerr=[lo, hi], capsize=3, color="#55A868",
           label="mock:// registries (no cluster)")
    for x, m, h in zip(xs, meds, hi):
        if m == m:  # the median, above the whisker
            ax.annotate("%.2f" % m, (x, m + h), textcoords="offset points", xytext=(0, 3),
                        ha="center", fontsize=9, fontweight="bold", va="bottom")
    tops = [m + h for m, h in zip(meds, hi) if m == m]
    ax.set_ylim(0, max(tops + [TARGET_SERDE]) * 1.15)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.axhline(TARGET_SERDE, color="red", linestyle="--", linewidth=1,
               label="target %.0f" % TARGET_SERDE)
    ax.set_xticks(xs)
    ax.set_xticklabels([s.key.replace("serde ", "") for s in serde], rotation=20, ha="right",
                       fontsize=8)
    ax.set_title("kafkaffi / confluent-kafka-python: serde records per second\n"
                 "(higher is better; target ≥ %.0f)" % TARGET_SERDE, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")


# ---- main -------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="kafkaffi benchmarks (use bench/run.sh)")
    ap.add_argument("--build", default=os.path.join(HERE, "build"),
                    help="where bench/run.sh put bench_raw and bench_kafkaffi")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true",
                      help="one round of small counts; writes to bench/build/quick/")
    mode.add_argument("--smoke", action="store_true",
                      help="one tiny run of each contender and test; checks they succeed")
    ap.add_argument("--rounds", type=int, help="rounds per scenario (default 5)")
    ap.add_argument("--clusters", default=None,
                    help="mock,broker (default: both; broker needs $KAFKA_BOOTSTRAP_SERVERS)")
    ap.add_argument("--only", default=None, help="only scenarios whose name contains this")
    ap.add_argument("--out", default=None, help="where RESULTS.md and ratios.png go")
    ap.add_argument("--note", default=None, help="a note printed at the top of RESULTS.md")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per measurement")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every measurement")
    args = ap.parse_args()
    shown, skip = [], False
    for a in sys.argv[1:]:  # the command as the user typed it: without run.sh's --build DIR
        if skip or a.startswith("--build"):
            skip = a == "--build" and not skip
            continue
        shown.append(a)
    args.command_line = " ".join(["bench/run.sh"] + [shlex.quote(a) for a in shown])

    scen = scenarios()
    if args.only:
        scen = [s for s in scen if args.only in s.key]
        if not scen:
            sys.exit("bench: no scenario matches %r" % args.only)

    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    wanted = (args.clusters.split(",") if args.clusters
              else ["mock", "broker"] if (bootstrap or not (args.quick or args.smoke))
              else ["mock"])
    if all(s.kind == "serde" for s in scen):  # the serdes need no cluster
        wanted = []
    clusters = []
    for kind in wanted:
        if kind == "mock":
            clusters.append(("mock", None))
        elif kind == "broker":
            if not bootstrap:
                sys.exit("bench: the broker runs need $KAFKA_BOOTSTRAP_SERVERS (or pass "
                         "--clusters mock)")
            clusters.append(("broker", bootstrap.split(",")[0]))
        else:
            sys.exit("bench: unknown cluster %r" % kind)

    if args.smoke:
        args.rounds = args.rounds or 1

        def count_for(s, kind):
            return 300 if s.kind == "latency" else 200 if s.kind == "serde" else 2000
        for s in scen:
            if s.rate:
                s.rate = 2000
    elif args.quick:
        args.rounds = args.rounds or 1

        def count_for(s, kind):
            if s.kind == "latency":
                return s.rate // 2  # half a second
            return max(2000, s.count[kind] // 20)
    else:
        args.rounds = args.rounds or 5

        def count_for(s, kind):
            return s.count[kind]
    args.count_for = count_for

    nk = sum(1 for s in scen if s.kind != "serde")
    print("bench: %d rounds of %s" % (args.rounds, " + ".join(
        ([("%d scenarios x %d contenders on %s" % (nk, len(CONTENDERS),
                                                   ", ".join(k for k, _ in clusters)))]
         if nk else [])
        + ([("%d serde scenarios x %d contenders on mock:// registries"
             % (len(scen) - nk, len(SERDE_CONTENDERS)))] if len(scen) > nk else []))),
          flush=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    machine = machine_info()  # the commit the library was just built from
    results, failures, runs = run_all(args, clusters, scen)
    results["machine"] = machine
    results["date"] = started.strftime("%Y-%m-%d %H:%M")
    results["duration_s"] = round((datetime.datetime.now(datetime.timezone.utc)
                                   - started).total_seconds(), 1)

    if args.smoke:
        print("smoke: %d passed, %d failed" % (runs - failures, failures))
        sys.exit(1 if failures else 0)

    out_dir = args.out or (os.path.join(args.build, "quick") if args.quick else HERE)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=str)
    write_results(args, results, clusters, scen, out_dir)
    write_chart(results, clusters, scen, out_dir)
    print("bench: wrote %s and %s (%.0f s)" % (os.path.join(out_dir, "RESULTS.md"),
                                               os.path.join(out_dir, "ratios.png"),
                                               results["duration_s"]))
    if failures:
        print("bench: %d measurements failed (see above and RESULTS.md)" % failures)
        sys.exit(1)


if __name__ == "__main__":
    main()
