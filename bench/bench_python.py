"""bench_python.py: the same work as bench_raw.c and bench_kafkaffi.c, with confluent-kafka-python
from PyPI (the user's alternative). Same options, same loops, same checks, same JSON line.

The Python client has no mock cluster API, so with --bootstrap mock this program starts the mock
cluster through ctypes with kafkaffi's kf_mock_cluster_new() (the path of libkafkaffi.so comes
from $BENCH_KAFKAFFI_LIB): the broker side is then the very same librdkafka 2.12.1 mock that the
two C programs use, while the client side is the librdkafka bundled in the confluent-kafka wheel.
"""
import argparse
import ctypes
import json
import os
import resource
import struct
import sys
import threading
import time

import confluent_kafka
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition

# The same constants as bench_common.h.
POLL_EVERY = 1000
STALL_TIMEOUT_NS = 30 * 1000 * 1000 * 1000
FLUSH_TIMEOUT_S = 120.0
POLL_TIMEOUT_S = 0.1
LATENCY_WARMUP_FRACTION = 10

now_ns = time.monotonic_ns  # CLOCK_MONOTONIC, as in the C programs


def die(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.exit(1)


# ---- the cluster ------------------------------------------------------------------------------

_mock = None  # (library, kf_mock_cluster_t *)


def cluster_start(o):
    """'mock': a one-broker mock cluster in this process with the topic created (o.partitions
    partitions), through kafkaffi; otherwise the topic already exists (bench/run.py made it)."""
    global _mock
    if o.bootstrap != "mock":
        return o.bootstrap
    path = os.environ.get("BENCH_KAFKAFFI_LIB")
    if not path:
        die("--bootstrap mock needs $BENCH_KAFKAFFI_LIB (libkafkaffi.so) for the mock cluster")
    lib = ctypes.CDLL(path)
    lib.kf_mock_cluster_new.restype = ctypes.c_void_p
    lib.kf_mock_cluster_new.argtypes = [ctypes.c_int, ctypes.c_void_p]
    lib.kf_mock_cluster_bootstrap_servers.restype = ctypes.c_char_p
    lib.kf_mock_cluster_bootstrap_servers.argtypes = [ctypes.c_void_p]
    lib.kf_mock_cluster_topic_create.restype = ctypes.c_void_p
    lib.kf_mock_cluster_topic_create.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.kf_mock_cluster_destroy.argtypes = [ctypes.c_void_p]
    cluster = lib.kf_mock_cluster_new(1, None)
    if not cluster:
        die("kf_mock_cluster_new failed")
    if lib.kf_mock_cluster_topic_create(cluster, o.topic.encode(), o.partitions, 1):
        die("mock topic: kf_mock_cluster_topic_create failed")
    _mock = (lib, cluster)
    return lib.kf_mock_cluster_bootstrap_servers(cluster).decode()


def cluster_stop():
    if _mock:
        lib, cluster = _mock
        lib.kf_mock_cluster_destroy(cluster)


def make_conf(bootstrap, kv):
    conf = {"bootstrap.servers": bootstrap}
    conf.update(kv)
    return conf


# ---- producing --------------------------------------------------------------------------------

class DrCounts:
    def __init__(self):
        self.delivered = 0
        self.failed = 0


def producer_new(o, bootstrap, counts):
    """Delivery reports counted by the config's on_delivery, on the thread inside poll/flush."""
    def on_delivery(err, msg):
        if err is not None:
            counts.failed += 1
        else:
            counts.delivered += 1

    conf = make_conf(bootstrap, o.pconf)
    conf["on_delivery"] = on_delivery
    p = Producer(conf)
    # Connect and learn the topic's partitions before anything is timed.
    p.list_topics(o.topic, timeout=10)
    return p


def produce_one(p, topic, partition, value):
    """Enqueues one value; on a full queue serves delivery reports for 1 ms and retries."""
    while True:
        try:
            if partition < 0:
                p.produce(topic, value)
            else:
                p.produce(topic, value, partition=partition)
            return
        except BufferError:
            p.poll(0.001)


def flush_all(p, counts, expected):
    left = p.flush(FLUSH_TIMEOUT_S)
    if left:
        die("flush timed out: %d messages left" % left)
    if counts.delivered != expected or counts.failed:
        die("delivered %d of %d (%d failed)" % (counts.delivered, expected, counts.failed))


def make_payload(size):
    return bytes(ord("a") + i % 26 for i in range(size))


def test_produce(o, bootstrap, r):
    counts = DrCounts()
    p = producer_new(o, bootstrap, counts)
    value = make_payload(o.size)
    topic = o.topic
    produce, poll = p.produce, p.poll

    t0 = now_ns()
    for i in range(o.count):
        # produce_one(), inlined: a Python function call per message would cost more than the
        # produce itself, and a performance-aware user writes it this way.
        while True:
            try:
                produce(topic, value)
                break
            except BufferError:
                poll(0.001)
        if i % POLL_EVERY == 0:
            poll(0)
    flush_all(p, counts, o.count)
    r["seconds"] = (now_ns() - t0) / 1e9

    r["msgs"] = o.count
    r["bytes"] = o.count * o.size


def test_produce_batch(o, bootstrap, r):
    counts = DrCounts()
    p = producer_new(o, bootstrap, counts)
    value = make_payload(o.size)
    topic = o.topic

    t0 = now_ns()
    sent = 0
    while sent < o.count:
        n = min(o.batch, o.count - sent)
        msgs = [{"value": value} for _ in range(n)]
        while True:
            ok = 0
            try:
                ok = p.produce_batch(topic, msgs)
            except BufferError:
                pass  # the refused messages carry '_error'
            if ok == len(msgs):
                break
            # Keep the refused messages (a full queue) and send them again.
            left = []
            for m in msgs:
                err = m.pop("_error", None)
                if err is None:
                    continue
                if err.code() != KafkaError._QUEUE_FULL:
                    die("produce_batch: %s" % err)
                left.append(m)
            msgs = left
            p.poll(0.001)
        sent += n
        p.poll(0)
    flush_all(p, counts, o.count)
    r["seconds"] = (now_ns() - t0) / 1e9

    r["msgs"] = o.count
    r["bytes"] = o.count * o.size


# ---- consuming --------------------------------------------------------------------------------

def preload(o, bootstrap):
    """The messages the consume tests read: partition i % o.partitions (equal shares)."""
    counts = DrCounts()
    p = producer_new(o, bootstrap, counts)
    value = make_payload(o.size)
    headers = [("h%d" % j, b"v%d" % j) for j in range(o.headers)]
    for i in range(o.count):
        if headers:
            while True:
                try:
                    p.produce(o.topic, value, partition=i % o.partitions, headers=headers)
                    break
                except BufferError:
                    p.poll(0.001)
        else:
            produce_one(p, o.topic, i % o.partitions, value)
        if i % POLL_EVERY == 0:
            p.poll(0)
    flush_all(p, counts, o.count)


def consumer_new_assigned(o, bootstrap):
    """A consumer assigned every partition of the topic from the beginning (no rebalance)."""
    c = Consumer(make_conf(bootstrap, o.cconf))
    c.assign([TopicPartition(o.topic, i, OFFSET_BEGINNING) for i in range(o.partitions)])
    return c


class Consumed:
    """What the consume loops count. Timing runs from the first message to the end of the loop
    that received the last one; the clock is read only for the first message and on empty
    polls."""

    def __init__(self):
        self.count = 0
        self.bytes = 0
        self.first_ns = 0
        self.count_at_check = 0  # stall detection: the count when progress_ns was taken
        self.progress_ns = now_ns()

    def take(self, m):
        """Counts one consumed message (reading its value as an application would)."""
        if m.error() is not None:
            die("consume: %s" % m.error())
        value = m.value()
        if self.count == 0:
            self.first_ns = now_ns()
        self.count += 1
        self.bytes += len(value)

    def check_stall(self, o):
        """After an empty poll: fails when no message arrived for STALL_TIMEOUT_NS."""
        t = now_ns()
        if self.count != self.count_at_check:
            self.count_at_check = self.count
            self.progress_ns = t
        elif t - self.progress_ns > STALL_TIMEOUT_NS:
            die("consumed %d of %d messages, then nothing for %d s"
                % (self.count, o.count, STALL_TIMEOUT_NS // 10**9))


def consume_result(o, st, r):
    last_ns = now_ns()  # called as soon as the loop ends
    if st.count != o.count or st.bytes != o.count * o.size:
        die("consumed %d messages (%d bytes), expected %d" % (st.count, st.bytes, o.count))
    r["msgs"] = st.count
    r["bytes"] = st.bytes
    r["seconds"] = (last_ns - st.first_ns) / 1e9


def test_consume_poll(o, bootstrap, r):
    preload(o, bootstrap)
    c = consumer_new_assigned(o, bootstrap)
    st = Consumed()
    poll, take = c.poll, st.take
    while st.count < o.count:
        m = poll(POLL_TIMEOUT_S)
        if m is None:
            st.check_stall(o)
            continue
        take(m)
    consume_result(o, st, r)
    c.close()


def test_consume_batch(o, bootstrap, r):
    preload(o, bootstrap)
    c = consumer_new_assigned(o, bootstrap)
    st = Consumed()
    consume, take = c.consume, st.take
    while st.count < o.count:
        msgs = consume(o.batch, POLL_TIMEOUT_S)
        if not msgs:
            st.check_stall(o)
            continue
        for m in msgs:
            take(m)
    consume_result(o, st, r)
    c.close()


def take_fields(st, o, m):
    """Reads every field of a message, as kafkaffi's kf_message_view() and bench_raw.c do:
    topic, partition, offset, key, value, timestamp, error, leader epoch, headers (latency is
    for delivery reports only; the Python client has no persistence status), and counts it."""
    if m.error() is not None:
        die("consume: %s" % m.error())
    topic, partition, offset = m.topic(), m.partition(), m.offset()
    key, value, ts = m.key(), m.value(), m.timestamp()
    epoch, headers = m.leader_epoch(), m.headers()
    if len(headers or ()) != o.headers:
        die("consume: %d headers, expected %d" % (len(headers or ()), o.headers))
    if st.count == 0:
        st.first_ns = now_ns()
    st.count += 1
    st.bytes += len(value)
    return topic, partition, offset, key, ts, epoch


def test_consume_view(o, bootstrap, r):
    preload(o, bootstrap)
    c = consumer_new_assigned(o, bootstrap)
    st = Consumed()
    poll = c.poll
    while st.count < o.count:
        m = poll(POLL_TIMEOUT_S)
        if m is None:
            st.check_stall(o)
            continue
        take_fields(st, o, m)
    consume_result(o, st, r)
    c.close()


def test_consume_batch_view(o, bootstrap, r):
    preload(o, bootstrap)
    c = consumer_new_assigned(o, bootstrap)
    st = Consumed()
    consume = c.consume
    while st.count < o.count:
        msgs = consume(o.batch, POLL_TIMEOUT_S)
        if not msgs:
            st.check_stall(o)
            continue
        for m in msgs:
            take_fields(st, o, m)
    consume_result(o, st, r)
    c.close()


# ---- end-to-end latency -----------------------------------------------------------------------

STAMP = struct.Struct("<qq")  # send time (ns, CLOCK_MONOTONIC), sequence number


def latency_producer(o, bootstrap, failure):
    """The producer thread: o.count messages at o.rate per second, each stamped with its send
    time and sequence number, poll(0) after each; then flush."""
    try:
        counts = DrCounts()
        p = producer_new(o, bootstrap, counts)
        filler = make_payload(o.size)[STAMP.size:]
        t0, interval = now_ns(), 10**9 // o.rate
        for i in range(o.count):
            delay = t0 + i * interval - now_ns()
            if delay > 0:
                time.sleep(delay / 1e9)
            produce_one(p, o.topic, -1, STAMP.pack(now_ns(), i) + filler)
            p.poll(0)
        flush_all(p, counts, o.count)
    except SystemExit as e:  # die() in this thread: report it to the main thread
        failure.append(e)


def test_latency(o, bootstrap, r):
    c = consumer_new_assigned(o, bootstrap)
    # Let the consumer connect and start fetching before the first message is sent.
    for _ in range(5):
        m = c.poll(POLL_TIMEOUT_S)
        if m is not None and m.error() is None:
            die("latency: the topic is not empty")
    lat = [0] * o.count
    seen = bytearray(o.count)
    failure = []
    producer = threading.Thread(target=latency_producer, args=(o, bootstrap, failure))
    producer.start()

    received = 0
    progress = now_ns()
    while received < o.count:
        m = c.poll(POLL_TIMEOUT_S)
        if m is None:
            if failure:
                die("latency: the producer failed")
            if now_ns() - progress > STALL_TIMEOUT_NS:
                die("latency: received %d of %d messages" % (received, o.count))
            continue
        t = now_ns()
        if m.error() is not None:
            die("consume: %s" % m.error())
        value = m.value()
        if len(value) != o.size:
            die("latency: a message of %d bytes" % len(value))
        sent, seq = STAMP.unpack_from(value)
        if seq < 0 or seq >= o.count or seen[seq]:
            die("latency: unexpected sequence number %d" % seq)
        seen[seq] = 1
        lat[seq] = t - sent
        received += 1
        progress = t
    producer.join()
    if failure:
        die("latency: the producer failed")

    first = o.count * LATENCY_WARMUP_FRACTION // 100
    counted = sorted(lat[first:])
    r["msgs"] = len(counted)
    r["bytes"] = len(counted) * o.size
    r["seconds"] = o.count / o.rate
    r["p50_ns"] = percentile(counted, 50)
    r["p99_ns"] = percentile(counted, 99)
    r["p999_ns"] = percentile(counted, 99.9)
    r["max_ns"] = counted[-1] if counted else -1
    c.close()


def percentile(sorted_values, p):
    """Nearest rank, exactly as bench_common.h computes it."""
    n = len(sorted_values)
    if n == 0:
        return -1
    rank = int((p / 100.0) * n + 0.999999999)
    rank = min(max(rank, 1), n)
    return sorted_values[rank - 1]


# ---- main -------------------------------------------------------------------------------------

def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--test", required=True,
                    choices=["produce", "produce_batch", "consume_poll", "consume_batch",
                             "latency", "consume_view", "consume_batch_view"])
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--partitions", type=int, default=1)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--headers", type=int, default=0)
    ap.add_argument("-X", dest="pconf_list", action="append", default=[])
    ap.add_argument("-C", dest="cconf_list", action="append", default=[])
    o = ap.parse_args(argv)
    if o.size < 16:
        die("--size must be at least 16")

    def kv(items):
        out = {}
        for item in items:
            if "=" not in item:
                die('expected key=value, got "%s"' % item)
            k, v = item.split("=", 1)
            out[k] = v
        return out

    o.pconf = kv(o.pconf_list)
    o.cconf = kv(o.cconf_list)
    return o


def main(argv):
    o = parse_args(argv)
    bootstrap = cluster_start(o)
    r = {"p50_ns": -1, "p99_ns": -1, "p999_ns": -1, "max_ns": -1}
    tests = {
        "produce": test_produce,
        "produce_batch": test_produce_batch,
        "consume_poll": test_consume_poll,
        "consume_batch": test_consume_batch,
        "latency": test_latency,
        "consume_view": test_consume_view,
        "consume_batch_view": test_consume_batch_view,
    }
    tests[o.test](o, bootstrap, r)
    s = r["seconds"] if r["seconds"] > 0 else 1e-9
    print(json.dumps({
        "contender": "python",
        "test": o.test,
        "librdkafka": confluent_kafka.libversion()[0],
        "client": "confluent-kafka " + confluent_kafka.__version__,
        "msgs": r["msgs"],
        "size": o.size,
        "seconds": round(r["seconds"], 6),
        "msg_per_s": round(r["msgs"] / s, 1),
        "mb_per_s": round(r["bytes"] / s / 1e6, 3),
        "p50_us": r["p50_ns"] / 1e3,
        "p99_us": r["p99_ns"] / 1e3,
        "p999_us": r["p999_ns"] / 1e3,
        "max_us": r["max_ns"] / 1e3,
        "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }), flush=True)
    cluster_stop()


if __name__ == "__main__":
    main(sys.argv[1:])
