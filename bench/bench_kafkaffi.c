/*
 * bench_kafkaffi.c: the same work as bench_raw.c, through kafkaffi's C ABI (libkafkaffi.so,
 * which carries the same vendored librdkafka 2.12.1), so that the ratio kafkaffi / raw
 * measures only what the ABI adds.
 *
 * The two files have the same functions in the same order; only the Kafka calls differ.
 *
 * Build: see bench/run.sh. Run: bench/run.py starts it; `bench_kafkaffi --help` lists the
 * options.
 */
#include "bench_common.h"

#include <pthread.h>

#include "kafkaffi.h"

/* Dies with the error's text when `err` is not NULL. */
static void check(kf_error_t *err, const char *what) {
    if (err)
        die("%s: %s: %s", what, kf_error_name(err), kf_error_message(err));
}

/* ---- the cluster ----------------------------------------------------------------------- */

static kf_mock_cluster_t *mock;

/* "mock": starts a one-broker mock cluster in this process and creates the topic there with
 * o->partitions partitions. Otherwise the topic already exists (bench/run.py created it). */
static const char *cluster_start(const opts_t *o) {
    if (strcmp(o->bootstrap, "mock") != 0)
        return o->bootstrap;
    kf_error_t *err = NULL;
    mock = kf_mock_cluster_new(1, &err);
    check(err, "kf_mock_cluster_new");
    check(kf_mock_cluster_topic_create(mock, o->topic, o->partitions, 1), "mock topic");
    return kf_mock_cluster_bootstrap_servers(mock);
}

static void cluster_stop(void) {
    kf_mock_cluster_destroy(mock);
}

static kf_config_t *make_conf(const char *bootstrap, const kv_t *kv, int n) {
    kf_config_t *conf = kf_config_new();
    check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers");
    for (int i = 0; i < n; i++)
        check(kf_config_set(conf, kv[i].key, kv[i].value), kv[i].key);
    return conf;
}

/* ---- producing --------------------------------------------------------------------------- */

typedef struct {
    long delivered;
    long failed;
} dr_counts_t;

/* Delivery reports: counted on the thread inside poll/flush. */
static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    (void)msg;
    dr_counts_t *c = opaque;
    if (err)
        c->failed++;
    else
        c->delivered++;
}

static kf_producer_t *producer_new(const opts_t *o, const char *bootstrap, dr_counts_t *counts) {
    kf_config_t *conf = make_conf(bootstrap, o->pconf, o->npconf);
    check(kf_config_set_delivery_cb(conf, on_delivery, counts, NULL), "delivery cb");
    kf_error_t *err = NULL;
    kf_producer_t *p = kf_producer_new(conf, &err);
    check(err, "kf_producer_new");
    kf_config_destroy(conf);
    /* Connect and learn the topic's partitions before anything is timed. */
    kf_metadata_t *md = NULL;
    check(kf_producer_list_topics(p, o->topic, 10000, &md), "metadata");
    kf_metadata_destroy(md);
    return p;
}

/* Enqueues one copied value; on a full queue serves delivery reports for 1 ms and retries. */
static void produce_one(kf_producer_t *p, const char *topic, int32_t partition, const void *value,
                        size_t len) {
    for (;;) {
        kf_error_t *err = kf_producer_produce(p, topic, partition, NULL, 0, value, len, NULL, 0,
                                              NULL, NULL);
        if (!err)
            return;
        if (kf_error_code(err) != KF_ERR__QUEUE_FULL)
            check(err, "produce");
        kf_error_destroy(err);
        check(kf_producer_poll(p, 1, NULL), "poll");
    }
}

/* Waits for every delivery report and checks that `expected` messages were delivered. */
static void flush_all(kf_producer_t *p, const dr_counts_t *c, long expected) {
    size_t remaining = 0;
    check(kf_producer_flush(p, FLUSH_TIMEOUT_MS, &remaining), "flush");
    if (remaining)
        die("flush timed out: %zu messages left", remaining);
    if (c->delivered != expected || c->failed != 0)
        die("delivered %ld of %ld (%ld failed)", c->delivered, expected, c->failed);
}

static void test_produce(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    kf_producer_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long i = 0; i < o->count; i++) {
        produce_one(p, o->topic, KF_PARTITION_UA, value, o->size);
        if (i % POLL_EVERY == 0)
            check(kf_producer_poll(p, 0, NULL), "poll");
    }
    flush_all(p, &counts, o->count);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    check(kf_producer_destroy(p), "destroy");
    free(value);
}

static void test_produce_batch(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    kf_producer_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);
    kf_produce_message_t *msgs = calloc((size_t)o->batch, sizeof *msgs);
    if (!msgs)
        die("batch setup failed");

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long sent = 0; sent < o->count;) {
        int n = (int)(o->count - sent < o->batch ? o->count - sent : o->batch);
        for (int i = 0; i < n; i++) {
            msgs[i].topic = o->topic;
            msgs[i].partition = KF_PARTITION_UA;
            msgs[i].value = value;
            msgs[i].value_len = o->size;
            msgs[i].err = 0;
        }
        int todo = n;
        for (;;) {
            size_t ok = 0;
            check(kf_producer_produce_batch(p, msgs, (size_t)todo, &ok), "produce_batch");
            if ((int)ok == todo)
                break;
            /* Keep the refused messages (a full queue) at the front and send them again. */
            int left = 0;
            for (int i = 0; i < todo; i++) {
                if (msgs[i].err == 0)
                    continue;
                if (msgs[i].err != KF_ERR__QUEUE_FULL)
                    die("produce_batch: %s", kf_error_code_name(msgs[i].err));
                msgs[left] = msgs[i];
                msgs[left].err = 0;
                left++;
            }
            todo = left;
            check(kf_producer_poll(p, 1, NULL), "poll");
        }
        sent += n;
        check(kf_producer_poll(p, 0, NULL), "poll");
    }
    flush_all(p, &counts, o->count);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    check(kf_producer_destroy(p), "destroy");
    free(msgs);
    free(value);
}

/* ---- consuming --------------------------------------------------------------------------- */

/* Writes the messages the consume tests read: o->count values, partition i % o->partitions, so
 * that every partition gets the same share (the mock cluster keeps ~5 MiB per partition). */
static void preload(const opts_t *o, const char *bootstrap) {
    dr_counts_t counts = {0, 0};
    kf_producer_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);
    for (long i = 0; i < o->count; i++) {
        produce_one(p, o->topic, (int32_t)(i % o->partitions), value, o->size);
        if (i % POLL_EVERY == 0)
            check(kf_producer_poll(p, 0, NULL), "poll");
    }
    flush_all(p, &counts, o->count);
    check(kf_producer_destroy(p), "destroy");
    free(value);
}

/* A consumer assigned every partition of the topic from the beginning (no group rebalance). */
static kf_consumer_t *consumer_new_assigned(const opts_t *o, const char *bootstrap) {
    kf_config_t *conf = make_conf(bootstrap, o->cconf, o->ncconf);
    kf_error_t *err = NULL;
    kf_consumer_t *c = kf_consumer_new(conf, &err);
    check(err, "kf_consumer_new");
    kf_config_destroy(conf);
    kf_topic_partition_list_t *parts = kf_topic_partition_list_new((size_t)o->partitions);
    for (int i = 0; i < o->partitions; i++) {
        size_t idx = 0;
        check(kf_topic_partition_list_add(parts, o->topic, i, &idx), "list add");
        check(kf_topic_partition_list_set_offset(parts, idx, KF_OFFSET_BEGINNING), "offset");
    }
    check(kf_consumer_assign(c, parts), "assign");
    kf_topic_partition_list_destroy(parts);
    return c;
}

static void consumer_done(kf_consumer_t *c) {
    check(kf_consumer_close(c, -1), "close");
    check(kf_consumer_destroy(c), "destroy");
}

/* What the consume loops count. Timing runs from the first message to the end of the loop
 * that received the last one; the clock is read only for the first message and on empty polls. */
typedef struct {
    long count;
    double bytes;
    int64_t first_ns;
    long count_at_check; /* stall detection: the count when progress_ns was taken */
    int64_t progress_ns;
} consumed_t;

/* Counts one consumed message (reading its value as an application would). */
static void take_message(consumed_t *st, const kf_message_t *m) {
    if (kf_message_error_code(m))
        check(kf_message_error(m), "consume");
    size_t len = 0;
    const uint8_t *value = kf_message_value(m, &len);
    (void)value;
    if (st->count == 0)
        st->first_ns = now_ns();
    st->count++;
    st->bytes += (double)len;
}

/* After an empty poll: fails when no message arrived for STALL_TIMEOUT_NS. */
static void check_stall(consumed_t *st, const opts_t *o) {
    int64_t t = now_ns();
    if (st->count != st->count_at_check) {
        st->count_at_check = st->count;
        st->progress_ns = t;
    } else if (t - st->progress_ns > STALL_TIMEOUT_NS)
        die("consumed %ld of %ld messages, then nothing for %lld s", st->count, o->count,
            STALL_TIMEOUT_NS / 1000000000LL);
}

static void consume_result(const opts_t *o, const consumed_t *st, result_t *r) {
    int64_t last_ns = now_ns(); /* called as soon as the loop ends */
    if (st->count != o->count || st->bytes != (double)o->count * (double)o->size)
        die("consumed %ld messages (%.0f bytes), expected %ld", st->count, st->bytes, o->count);
    r->msgs = st->count;
    r->bytes = st->bytes;
    r->seconds = (last_ns - st->first_ns) / 1e9;
    no_latency(r);
}

static void test_consume_poll(const opts_t *o, const char *bootstrap, result_t *r) {
    preload(o, bootstrap);
    kf_consumer_t *c = consumer_new_assigned(o, bootstrap);
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        kf_message_t *m = NULL;
        check(kf_consumer_poll(c, POLL_TIMEOUT_MS, &m), "poll");
        if (!m) {
            check_stall(&st, o);
            continue;
        }
        take_message(&st, m);
        kf_message_destroy(m);
    }
    MEASURED_END();
    consume_result(o, &st, r);
    consumer_done(c);
}

static void test_consume_batch(const opts_t *o, const char *bootstrap, result_t *r) {
    preload(o, bootstrap);
    kf_consumer_t *c = consumer_new_assigned(o, bootstrap);
    kf_message_t **msgs = calloc((size_t)o->batch, sizeof *msgs);
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        size_t n = 0;
        check(kf_consumer_consume(c, msgs, (size_t)o->batch, POLL_TIMEOUT_MS, &n), "consume");
        if (n == 0) {
            check_stall(&st, o);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            take_message(&st, msgs[i]);
            kf_message_destroy(msgs[i]);
        }
    }
    MEASURED_END();
    consume_result(o, &st, r);
    free(msgs);
    consumer_done(c);
}

/* ---- end-to-end latency ----------------------------------------------------------------- */

typedef struct {
    const opts_t *o;
    const char *bootstrap;
} latency_producer_arg_t;

/* The producer thread: o->count messages at o->rate per second, each stamped with its send
 * time and sequence number, poll(0) after each; then flush. */
static void *latency_producer(void *arg) {
    const latency_producer_arg_t *a = arg;
    const opts_t *o = a->o;
    dr_counts_t counts = {0, 0};
    kf_producer_t *p = producer_new(o, a->bootstrap, &counts);
    unsigned char *value = make_payload(o->size);
    int64_t t0 = now_ns(), interval = 1000000000LL / o->rate;
    for (long i = 0; i < o->count; i++) {
        sleep_until_ns(t0 + i * interval);
        stamp_payload(value, now_ns(), i);
        produce_one(p, o->topic, KF_PARTITION_UA, value, o->size);
        check(kf_producer_poll(p, 0, NULL), "poll");
    }
    flush_all(p, &counts, o->count);
    check(kf_producer_destroy(p), "destroy");
    free(value);
    return NULL;
}

static void test_latency(const opts_t *o, const char *bootstrap, result_t *r) {
    kf_consumer_t *c = consumer_new_assigned(o, bootstrap);
    /* Let the consumer connect and start fetching before the first message is sent. */
    for (int i = 0; i < 5; i++) {
        kf_message_t *m = NULL;
        check(kf_consumer_poll(c, POLL_TIMEOUT_MS, &m), "poll");
        if (m && kf_message_error_code(m) == 0)
            die("latency: the topic is not empty");
        kf_message_destroy(m);
    }
    int64_t *lat = calloc((size_t)o->count, sizeof *lat);
    unsigned char *seen = calloc((size_t)o->count, 1);
    if (!lat || !seen)
        die("out of memory");
    latency_producer_arg_t arg = {o, bootstrap};
    pthread_t producer;
    pthread_create(&producer, NULL, latency_producer, &arg);

    long received = 0;
    int64_t progress = now_ns();
    while (received < o->count) {
        kf_message_t *m = NULL;
        check(kf_consumer_poll(c, POLL_TIMEOUT_MS, &m), "poll");
        if (!m) {
            if (now_ns() - progress > STALL_TIMEOUT_NS)
                die("latency: received %ld of %ld messages", received, o->count);
            continue;
        }
        int64_t t = now_ns(), sent, seq;
        if (kf_message_error_code(m))
            check(kf_message_error(m), "consume");
        size_t len = 0;
        const uint8_t *value = kf_message_value(m, &len);
        if (len != o->size)
            die("latency: a message of %zu bytes", len);
        read_stamp(value, &sent, &seq);
        kf_message_destroy(m);
        if (seq < 0 || seq >= o->count || seen[seq])
            die("latency: unexpected sequence number %" PRId64, seq);
        seen[seq] = 1;
        lat[seq] = t - sent;
        received++;
        progress = t;
    }
    pthread_join(producer, NULL);

    long first = latency_first_counted(o->count);
    r->msgs = o->count - first;
    r->bytes = (double)r->msgs * (double)o->size;
    r->seconds = (double)o->count / o->rate;
    latency_stats(lat + first, r->msgs, r);
    free(lat);
    free(seen);
    consumer_done(c);
}

/* ---- main -------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    opts_t o;
    parse_args(argc, argv, &o);
    o.contender = "kafkaffi";
    const char *bootstrap = cluster_start(&o);
    result_t r;
    memset(&r, 0, sizeof r);

    if (!strcmp(o.test, "produce"))
        test_produce(&o, bootstrap, &r);
    else if (!strcmp(o.test, "produce_batch"))
        test_produce_batch(&o, bootstrap, &r);
    else if (!strcmp(o.test, "consume_poll"))
        test_consume_poll(&o, bootstrap, &r);
    else if (!strcmp(o.test, "consume_batch"))
        test_consume_batch(&o, bootstrap, &r);
    else if (!strcmp(o.test, "latency"))
        test_latency(&o, bootstrap, &r);
    else
        die("unknown test \"%s\"", o.test);

    print_result(&o, kf_librdkafka_version(), &r);
    cluster_stop();
    return 0;
}
