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
            msgs[i].size = sizeof msgs[i];
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

/* preload() with o->headers headers per message ("h<i>" = "v<i>"); the same poll on a full
 * queue as produce_one(). */
static void preload_with_headers(kf_producer_t *p, const opts_t *o, int32_t partition,
                                 const void *value) {
    kf_headers_t *h = kf_headers_new((size_t)o->headers);
    for (int j = 0; j < o->headers; j++)
        check(kf_headers_add(h, header_names[j], (const uint8_t *)header_values[j],
                             strlen(header_values[j])),
              "headers");
    for (;;) {
        kf_error_t *err = kf_producer_produce(p, o->topic, partition, NULL, 0, value, o->size,
                                              h, 0, NULL, NULL);
        if (!err)
            break;
        if (kf_error_code(err) != KF_ERR__QUEUE_FULL)
            check(err, "produce");
        kf_error_destroy(err);
        check(kf_producer_poll(p, 1, NULL), "poll");
    }
    kf_headers_destroy(h); /* produce copied it */
}

/* Writes the messages the consume tests read: o->count values, partition i % o->partitions, so
 * that every partition gets the same share (the mock cluster keeps ~5 MiB per partition). */
static void preload(const opts_t *o, const char *bootstrap) {
    dr_counts_t counts = {0, 0};
    kf_producer_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);
    for (long i = 0; i < o->count; i++) {
        if (o->headers > 0) {
            preload_with_headers(p, o, (int32_t)(i % o->partitions), value);
            continue;
        }
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

/* Reads every field of a consumed message from its view (filled by one kf_message_view()
 * call, or read from a batch): the same fields and the same sum as bench_raw.c's take_fields(),
 * and counts it. */
static void take_view(consumed_t *st, const opts_t *o, const kf_message_view_t *v) {
    if (v->error_code)
        check(kf_message_error(v->message), "consume");
    uint64_t sum = (uint64_t)v->partition + (uint64_t)v->offset + v->key_len +
                   (uint64_t)v->timestamp + (uint64_t)v->timestamp_type +
                   (uint64_t)v->leader_epoch + (uint64_t)v->status + (uint64_t)v->topic[0] +
                   (v->key != NULL) + (v->value != NULL);
    for (size_t i = 0; i < v->header_count; i++)
        sum += (uint64_t)v->headers[i].name[0] + v->headers[i].value_len +
               (v->headers[i].value != NULL);
    if (v->header_total != (size_t)o->headers)
        die("consume: %zu headers, expected %d", v->header_total, o->headers);
    fields_sum += sum;
    if (st->count == 0)
        st->first_ns = now_ns();
    st->count++;
    st->bytes += (double)v->value_len;
}

static void test_consume_view(const opts_t *o, const char *bootstrap, result_t *r) {
    preload(o, bootstrap);
    kf_consumer_t *c = consumer_new_assigned(o, bootstrap);
    kf_header_view_t headers[MAX_HEADERS];
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        kf_message_t *m = NULL;
        check(kf_consumer_poll(c, POLL_TIMEOUT_MS, &m), "poll");
        if (!m) {
            check_stall(&st, o);
            continue;
        }
        kf_message_view_t v;
        v.size = sizeof v;
        check(kf_message_view(m, &v, headers, MAX_HEADERS), "view");
        take_view(&st, o, &v);
        kf_message_destroy(m);
    }
    MEASURED_END();
    consume_result(o, &st, r);
    if (fields_sum == 0)
        die("no field read");
    consumer_done(c);
}

static void test_consume_batch_view(const opts_t *o, const char *bootstrap, result_t *r) {
    preload(o, bootstrap);
    kf_consumer_t *c = consumer_new_assigned(o, bootstrap);
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        kf_message_batch_t *b = NULL;
        check(kf_consumer_consume_batch(c, (size_t)o->batch, POLL_TIMEOUT_MS, 0, &b), "consume");
        if (!b) {
            check_stall(&st, o);
            continue;
        }
        size_t n = 0;
        const kf_message_view_t *views = kf_message_batch_views(b, sizeof *views, &n);
        for (size_t i = 0; i < n; i++)
            take_view(&st, o, &views[i]);
        kf_message_batch_destroy(b);
    }
    MEASURED_END();
    consume_result(o, &st, r);
    if (fields_sum == 0)
        die("no field read");
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

/* ---- the one-call produce paths of issue 12 ------------------------------------------------ */

/* Enqueues one copied value with two headers, in one call; on a full queue serves delivery
 * reports for 1 ms and retries. */
static void send_one(kf_producer_t *p, const kf_produce_message_t *m) {
    for (;;) {
        kf_error_t *err = kf_producer_send(p, m);
        if (!err)
            return;
        if (kf_error_code(err) != KF_ERR__QUEUE_FULL)
            check(err, "send");
        kf_error_destroy(err);
        check(kf_producer_poll(p, 1, NULL), "poll");
    }
}

static void test_produce_headers(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    kf_producer_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);
    kf_header_view_t hv[2] = {{"trace-id", (const uint8_t *)"0123456789abcdef", 16},
                              {"origin", (const uint8_t *)"bench", 5}};
    kf_produce_message_t m;
    memset(&m, 0, sizeof m);
    m.size = sizeof m;
    m.topic = o->topic;
    m.partition = KF_PARTITION_UA;
    m.value = value;
    m.value_len = o->size;
    m.headers = hv;
    m.header_count = 2;

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long i = 0; i < o->count; i++) {
        send_one(p, &m);
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

static void test_produce_packed(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    kf_producer_t *p = producer_new(o, bootstrap, &counts);
    /* One buffer: the topic, then o->batch values (as a binding would fill it). */
    size_t tl = strlen(o->topic);
    size_t buf_len = tl + (size_t)o->batch * o->size;
    unsigned char *buf = malloc(buf_len);
    unsigned char *value = make_payload(o->size);
    kf_packed_message_t *msgs = calloc((size_t)o->batch, sizeof *msgs);
    if (!buf || !msgs)
        die("batch setup failed");
    memcpy(buf, o->topic, tl);
    for (int i = 0; i < o->batch; i++)
        memcpy(buf + tl + (size_t)i * o->size, value, o->size);

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long sent = 0; sent < o->count;) {
        int n = (int)(o->count - sent < o->batch ? o->count - sent : o->batch);
        for (int i = 0; i < n; i++) {
            msgs[i].size = sizeof msgs[i];
            msgs[i].topic_offset = 0;
            msgs[i].topic_len = tl;
            msgs[i].value_offset = tl + (size_t)i * o->size;
            msgs[i].value_len = o->size;
            msgs[i].flags = KF_PACKED_NULL_KEY;
            msgs[i].partition = KF_PARTITION_UA;
            msgs[i].err = 0;
        }
        int todo = n;
        for (;;) {
            size_t ok = 0;
            check(kf_producer_produce_packed(p, buf, buf_len, msgs, (size_t)todo, &ok),
                  "produce_packed");
            if ((int)ok == todo)
                break;
            int left = 0;
            for (int i = 0; i < todo; i++) {
                if (msgs[i].err == 0)
                    continue;
                if (msgs[i].err != KF_ERR__QUEUE_FULL)
                    die("produce_packed: %s", kf_error_code_name(msgs[i].err));
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
    free(buf);
    free(value);
}

/* Pull mode: takes the reports waiting (up to 10,000, no wait) and counts them, checking each
 * opaque. */
static void pull_reports(kf_producer_t *p, dr_counts_t *c, int timeout_ms) {
    kf_delivery_report_batch_t *b = NULL;
    check(kf_producer_delivery_reports(p, 10000, timeout_ms, &b), "delivery_reports");
    size_t n = 0;
    const kf_delivery_report_t *rep = kf_delivery_report_batch_reports(b, &n);
    for (size_t i = 0; i < n; i++) {
        if (rep[i].err || rep[i].opaque == NULL)
            c->failed++;
        else
            c->delivered++;
    }
    kf_delivery_report_batch_destroy(b);
}

static void test_produce_pull(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    kf_config_t *conf = make_conf(bootstrap, o->pconf, o->npconf);
    check(kf_config_set_delivery_report_mode(conf, KF_DELIVERY_REPORT_MODE_PULL), "pull mode");
    kf_error_t *err = NULL;
    kf_producer_t *p = kf_producer_new(conf, &err);
    check(err, "kf_producer_new");
    kf_config_destroy(conf);
    kf_metadata_t *md = NULL;
    check(kf_producer_list_topics(p, o->topic, 10000, &md), "metadata");
    kf_metadata_destroy(md);
    unsigned char *value = make_payload(o->size);
    kf_produce_message_t m;
    memset(&m, 0, sizeof m);
    m.size = sizeof m;
    m.topic = o->topic;
    m.partition = KF_PARTITION_UA;
    m.value = value;
    m.value_len = o->size;

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long i = 0; i < o->count; i++) {
        m.opaque = (void *)(intptr_t)(i + 1); /* a per-message handle, as a binding keeps */
        for (;;) {
            kf_error_t *e = kf_producer_send(p, &m);
            if (!e)
                break;
            if (kf_error_code(e) != KF_ERR__QUEUE_FULL)
                check(e, "send");
            kf_error_destroy(e);
            pull_reports(p, &counts, 1);
        }
        if (i % POLL_EVERY == 0)
            pull_reports(p, &counts, 0);
    }
    /* No flush, as raw (whose flush would wait for the reports to be pulled). */
    int64_t deadline = now_ns() + (int64_t)FLUSH_TIMEOUT_MS * 1000000;
    while (counts.delivered + counts.failed < o->count && now_ns() < deadline)
        pull_reports(p, &counts, 100);
    if (counts.delivered != o->count || counts.failed != 0)
        die("delivered %ld of %ld (%ld failed)", counts.delivered, o->count, counts.failed);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    check(kf_producer_destroy(p), "destroy");
    free(value);
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
    else if (!strcmp(o.test, "produce_headers"))
        test_produce_headers(&o, bootstrap, &r);
    else if (!strcmp(o.test, "produce_packed"))
        test_produce_packed(&o, bootstrap, &r);
    else if (!strcmp(o.test, "produce_pull"))
        test_produce_pull(&o, bootstrap, &r);
    else if (!strcmp(o.test, "latency"))
        test_latency(&o, bootstrap, &r);
    else if (!strcmp(o.test, "consume_view"))
        test_consume_view(&o, bootstrap, &r);
    else if (!strcmp(o.test, "consume_batch_view"))
        test_consume_batch_view(&o, bootstrap, &r);
    else
        die("unknown test \"%s\"", o.test);

    print_result(&o, kf_librdkafka_version(), &r);
    cluster_stop();
    return 0;
}
