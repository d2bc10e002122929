/*
 * bench_raw.c: the baseline. The same work as bench_kafkaffi.c, calling librdkafka directly
 * (the vendored 2.12.1 that kafkaffi itself links, as a static library), so that the ratio
 * kafkaffi / raw measures only what kafkaffi's C ABI adds.
 *
 * The two files have the same functions in the same order; only the Kafka calls differ.
 * Where librdkafka has its own batch call (rd_kafka_produce_batch, rd_kafka_consume_batch_queue)
 * this program uses it, as a C user would (and as confluent-kafka-python does).
 *
 * Build: see bench/run.sh. Run: bench/run.py starts it; `bench_raw --help` lists the options.
 */
#include "bench_common.h"

#include <pthread.h>

#include "rdkafka.h"
#include "rdkafka_mock.h"

static char errstr[512];

/* ---- the cluster ----------------------------------------------------------------------- */

static rd_kafka_t *mock_host; /* the handle that hosts the mock cluster */
static rd_kafka_mock_cluster_t *mock;

/* "mock": starts a one-broker mock cluster in this process and creates the topic there with
 * o->partitions partitions. Otherwise the topic already exists (bench/run.py created it). */
static const char *cluster_start(const opts_t *o) {
    if (strcmp(o->bootstrap, "mock") != 0)
        return o->bootstrap;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "2", NULL, 0);
    mock_host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!mock_host)
        die("mock host: %s", errstr);
    mock = rd_kafka_mock_cluster_new(mock_host, 1);
    if (!mock)
        die("rd_kafka_mock_cluster_new failed");
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mock, o->topic, o->partitions, 1);
    if (err)
        die("mock topic: %s", rd_kafka_err2str(err));
    return rd_kafka_mock_cluster_bootstraps(mock);
}

static void cluster_stop(void) {
    if (mock) {
        rd_kafka_mock_cluster_destroy(mock);
        rd_kafka_destroy(mock_host);
    }
}

static rd_kafka_conf_t *make_conf(const char *bootstrap, const kv_t *kv, int n) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr))
        die("%s", errstr);
    for (int i = 0; i < n; i++)
        if (rd_kafka_conf_set(conf, kv[i].key, kv[i].value, errstr, sizeof errstr))
            die("%s=%s: %s", kv[i].key, kv[i].value, errstr);
    return conf;
}

/* ---- producing --------------------------------------------------------------------------- */

typedef struct {
    long delivered;
    long failed;
} dr_counts_t;

/* Delivery reports: counted on the thread inside poll/flush. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    dr_counts_t *c = opaque;
    if (m->err)
        c->failed++;
    else
        c->delivered++;
}

static rd_kafka_t *producer_new(const opts_t *o, const char *bootstrap, dr_counts_t *counts) {
    rd_kafka_conf_t *conf = make_conf(bootstrap, o->pconf, o->npconf);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, counts);
    rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!p)
        die("producer: %s", errstr);
    /* Connect and learn the topic's partitions before anything is timed. */
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(p, o->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(p, 0, rkt, &md, 10000);
    if (err)
        die("metadata: %s", rd_kafka_err2str(err));
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
    return p;
}

/* Enqueues one copied value; on a full queue serves delivery reports for 1 ms and retries. */
static void produce_one(rd_kafka_t *p, const char *topic, int32_t partition, const void *value,
                        size_t len) {
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_VALUE((void *)value, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_END);
        if (!err)
            return;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            die("produce: %s", rd_kafka_err2str(err));
        rd_kafka_poll(p, 1);
    }
}

/* Waits for every delivery report and checks that `expected` messages were delivered. */
static void flush_all(rd_kafka_t *p, const dr_counts_t *c, long expected) {
    if (rd_kafka_flush(p, FLUSH_TIMEOUT_MS))
        die("flush timed out: %d messages left", rd_kafka_outq_len(p));
    if (c->delivered != expected || c->failed != 0)
        die("delivered %ld of %ld (%ld failed)", c->delivered, expected, c->failed);
}

static void test_produce(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    rd_kafka_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long i = 0; i < o->count; i++) {
        produce_one(p, o->topic, RD_KAFKA_PARTITION_UA, value, o->size);
        if (i % POLL_EVERY == 0)
            rd_kafka_poll(p, 0);
    }
    flush_all(p, &counts, o->count);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    rd_kafka_destroy(p);
    free(value);
}

static void test_produce_batch(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    rd_kafka_t *p = producer_new(o, bootstrap, &counts);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(p, o->topic, NULL);
    unsigned char *value = make_payload(o->size);
    rd_kafka_message_t *msgs = calloc((size_t)o->batch, sizeof *msgs);
    if (!rkt || !msgs)
        die("batch setup failed");

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long sent = 0; sent < o->count;) {
        int n = (int)(o->count - sent < o->batch ? o->count - sent : o->batch);
        for (int i = 0; i < n; i++) {
            msgs[i].payload = value;
            msgs[i].len = o->size;
            msgs[i].err = 0;
        }
        int todo = n;
        for (;;) {
            int ok = rd_kafka_produce_batch(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, msgs,
                                            todo);
            if (ok == todo)
                break;
            /* Keep the refused messages (a full queue) at the front and send them again. */
            int left = 0;
            for (int i = 0; i < todo; i++) {
                if (msgs[i].err == 0)
                    continue;
                if (msgs[i].err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                    die("produce_batch: %s", rd_kafka_err2str(msgs[i].err));
                msgs[left] = msgs[i];
                msgs[left].err = 0;
                left++;
            }
            todo = left;
            rd_kafka_poll(p, 1);
        }
        sent += n;
        rd_kafka_poll(p, 0);
    }
    flush_all(p, &counts, o->count);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(p);
    free(msgs);
    free(value);
}

/* ---- consuming --------------------------------------------------------------------------- */

/* preload() with o->headers headers per message ("h<i>" = "v<i>"); the same poll on a full
 * queue as produce_one(). */
static void preload_with_headers(rd_kafka_t *p, const opts_t *o, int32_t partition,
                                 const void *value) {
    for (;;) {
        rd_kafka_headers_t *h = rd_kafka_headers_new((size_t)o->headers);
        for (int j = 0; j < o->headers; j++)
            rd_kafka_header_add(h, header_names[j], -1, header_values[j], -1);
        rd_kafka_resp_err_t err = rd_kafka_producev(
            p, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_VALUE((void *)value, o->size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
        if (!err)
            return; /* the message owns the headers */
        rd_kafka_headers_destroy(h);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            die("produce: %s", rd_kafka_err2str(err));
        rd_kafka_poll(p, 1);
    }
}

/* Writes the messages the consume tests read: o->count values, partition i % o->partitions, so
 * that every partition gets the same share (the mock cluster keeps ~5 MiB per partition). */
static void preload(const opts_t *o, const char *bootstrap) {
    dr_counts_t counts = {0, 0};
    rd_kafka_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);
    for (long i = 0; i < o->count; i++) {
        if (o->headers > 0) {
            preload_with_headers(p, o, (int32_t)(i % o->partitions), value);
            continue;
        }
        produce_one(p, o->topic, (int32_t)(i % o->partitions), value, o->size);
        if (i % POLL_EVERY == 0)
            rd_kafka_poll(p, 0);
    }
    flush_all(p, &counts, o->count);
    rd_kafka_destroy(p);
    free(value);
}

/* A consumer assigned every partition of the topic from the beginning (no group rebalance). */
static rd_kafka_t *consumer_new_assigned(const opts_t *o, const char *bootstrap) {
    rd_kafka_conf_t *conf = make_conf(bootstrap, o->cconf, o->ncconf);
    rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!c)
        die("consumer: %s", errstr);
    rd_kafka_poll_set_consumer(c);
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(o->partitions);
    for (int i = 0; i < o->partitions; i++)
        rd_kafka_topic_partition_list_add(parts, o->topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_resp_err_t err = rd_kafka_assign(c, parts);
    if (err)
        die("assign: %s", rd_kafka_err2str(err));
    rd_kafka_topic_partition_list_destroy(parts);
    return c;
}

static void consumer_done(rd_kafka_t *c) {
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
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
static void take_message(consumed_t *st, const rd_kafka_message_t *m) {
    if (m->err)
        die("consume: %s", rd_kafka_message_errstr(m));
    const void *value = m->payload;
    size_t len = m->len;
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
    rd_kafka_t *c = consumer_new_assigned(o, bootstrap);
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, POLL_TIMEOUT_MS);
        if (!m) {
            check_stall(&st, o);
            continue;
        }
        take_message(&st, m);
        rd_kafka_message_destroy(m);
    }
    MEASURED_END();
    consume_result(o, &st, r);
    consumer_done(c);
}

static void test_consume_batch(const opts_t *o, const char *bootstrap, result_t *r) {
    preload(o, bootstrap);
    rd_kafka_t *c = consumer_new_assigned(o, bootstrap);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(c);
    rd_kafka_message_t **msgs = calloc((size_t)o->batch, sizeof *msgs);
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        ssize_t n = rd_kafka_consume_batch_queue(q, POLL_TIMEOUT_MS, msgs, (size_t)o->batch);
        if (n < 0)
            die("consume_batch: %s", rd_kafka_err2str(rd_kafka_last_error()));
        if (n == 0) {
            check_stall(&st, o);
            continue;
        }
        for (ssize_t i = 0; i < n; i++) {
            take_message(&st, msgs[i]);
            rd_kafka_message_destroy(msgs[i]);
        }
    }
    MEASURED_END();
    consume_result(o, &st, r);
    free(msgs);
    rd_kafka_queue_destroy(q);
    consumer_done(c);
}

/* Reads every field of a consumed message, as kafkaffi's kf_message_view() does: topic,
 * partition, offset, key, value, timestamp and its type, error, leader epoch, persistence
 * status and each header's name and value (latency is for delivery reports only), and counts
 * it. */
static void take_fields(consumed_t *st, const opts_t *o, const rd_kafka_message_t *m) {
    if (m->err)
        die("consume: %s", rd_kafka_message_errstr(m));
    const char *topic = rd_kafka_topic_name(m->rkt);
    rd_kafka_timestamp_type_t tstype;
    int64_t ts = rd_kafka_message_timestamp(m, &tstype);
    int32_t epoch = rd_kafka_message_leader_epoch(m);
    rd_kafka_msg_status_t status = rd_kafka_message_status(m);
    rd_kafka_headers_t *hdrs = NULL;
    size_t nh = 0;
    uint64_t sum = (uint64_t)m->partition + (uint64_t)m->offset + m->key_len + (uint64_t)ts +
                   (uint64_t)tstype + (uint64_t)epoch + (uint64_t)status + (uint64_t)topic[0] +
                   (m->key != NULL) + (m->payload != NULL);
    if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        nh = rd_kafka_header_cnt(hdrs);
        for (size_t i = 0; i < nh; i++) {
            const char *name;
            const void *v;
            size_t vlen;
            if (rd_kafka_header_get_all(hdrs, i, &name, &v, &vlen) == RD_KAFKA_RESP_ERR_NO_ERROR)
                sum += (uint64_t)name[0] + vlen + (v != NULL);
        }
    }
    if (nh != (size_t)o->headers)
        die("consume: %zu headers, expected %d", nh, o->headers);
    fields_sum += sum;
    if (st->count == 0)
        st->first_ns = now_ns();
    st->count++;
    st->bytes += (double)m->len;
}

static void test_consume_view(const opts_t *o, const char *bootstrap, result_t *r) {
    preload(o, bootstrap);
    rd_kafka_t *c = consumer_new_assigned(o, bootstrap);
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, POLL_TIMEOUT_MS);
        if (!m) {
            check_stall(&st, o);
            continue;
        }
        take_fields(&st, o, m);
        rd_kafka_message_destroy(m);
    }
    MEASURED_END();
    consume_result(o, &st, r);
    if (fields_sum == 0)
        die("no field read");
    consumer_done(c);
}

static void test_consume_batch_view(const opts_t *o, const char *bootstrap, result_t *r) {
    preload(o, bootstrap);
    rd_kafka_t *c = consumer_new_assigned(o, bootstrap);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(c);
    rd_kafka_message_t **msgs = calloc((size_t)o->batch, sizeof *msgs);
    MEASURED_BEGIN();
    consumed_t st = {0, 0, 0, 0, now_ns()};
    while (st.count < o->count) {
        ssize_t n = rd_kafka_consume_batch_queue(q, POLL_TIMEOUT_MS, msgs, (size_t)o->batch);
        if (n < 0)
            die("consume_batch: %s", rd_kafka_err2str(rd_kafka_last_error()));
        if (n == 0) {
            check_stall(&st, o);
            continue;
        }
        for (ssize_t i = 0; i < n; i++)
            take_fields(&st, o, msgs[i]);
        for (ssize_t i = 0; i < n; i++)
            rd_kafka_message_destroy(msgs[i]);
    }
    MEASURED_END();
    consume_result(o, &st, r);
    if (fields_sum == 0)
        die("no field read");
    free(msgs);
    rd_kafka_queue_destroy(q);
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
    rd_kafka_t *p = producer_new(o, a->bootstrap, &counts);
    unsigned char *value = make_payload(o->size);
    int64_t t0 = now_ns(), interval = 1000000000LL / o->rate;
    for (long i = 0; i < o->count; i++) {
        sleep_until_ns(t0 + i * interval);
        stamp_payload(value, now_ns(), i);
        produce_one(p, o->topic, RD_KAFKA_PARTITION_UA, value, o->size);
        rd_kafka_poll(p, 0);
    }
    flush_all(p, &counts, o->count);
    rd_kafka_destroy(p);
    free(value);
    return NULL;
}

static void test_latency(const opts_t *o, const char *bootstrap, result_t *r) {
    rd_kafka_t *c = consumer_new_assigned(o, bootstrap);
    /* Let the consumer connect and start fetching before the first message is sent. */
    for (int i = 0; i < 5; i++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, POLL_TIMEOUT_MS);
        if (m && m->err == 0)
            die("latency: the topic is not empty");
        if (m)
            rd_kafka_message_destroy(m);
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
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, POLL_TIMEOUT_MS);
        if (!m) {
            if (now_ns() - progress > STALL_TIMEOUT_NS)
                die("latency: received %ld of %ld messages", received, o->count);
            continue;
        }
        int64_t t = now_ns(), sent, seq;
        if (m->err)
            die("consume: %s", rd_kafka_message_errstr(m));
        if (m->len != o->size)
            die("latency: a message of %zu bytes", m->len);
        read_stamp(m->payload, &sent, &seq);
        rd_kafka_message_destroy(m);
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

static void test_produce_headers(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    rd_kafka_t *p = producer_new(o, bootstrap, &counts);
    unsigned char *value = make_payload(o->size);

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long i = 0; i < o->count; i++) {
        for (;;) {
            rd_kafka_resp_err_t err = rd_kafka_producev(
                p, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
                RD_KAFKA_V_VALUE(value, o->size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_HEADER("trace-id", "0123456789abcdef", 16),
                RD_KAFKA_V_HEADER("origin", "bench", 5), RD_KAFKA_V_END);
            if (!err)
                break;
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                die("produce: %s", rd_kafka_err2str(err));
            rd_kafka_poll(p, 1);
        }
        if (i % POLL_EVERY == 0)
            rd_kafka_poll(p, 0);
    }
    flush_all(p, &counts, o->count);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    rd_kafka_destroy(p);
    free(value);
}

/* The packed produce's equivalent: rd_kafka_produce_batch over values laid out in one buffer. */
static void test_produce_packed(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    rd_kafka_t *p = producer_new(o, bootstrap, &counts);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(p, o->topic, NULL);
    size_t tl = strlen(o->topic);
    size_t buf_len = tl + (size_t)o->batch * o->size;
    unsigned char *buf = malloc(buf_len);
    unsigned char *value = make_payload(o->size);
    rd_kafka_message_t *msgs = calloc((size_t)o->batch, sizeof *msgs);
    if (!rkt || !buf || !msgs)
        die("batch setup failed");
    memcpy(buf, o->topic, tl);
    for (int i = 0; i < o->batch; i++)
        memcpy(buf + tl + (size_t)i * o->size, value, o->size);

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long sent = 0; sent < o->count;) {
        int n = (int)(o->count - sent < o->batch ? o->count - sent : o->batch);
        for (int i = 0; i < n; i++) {
            msgs[i].payload = buf + tl + (size_t)i * o->size;
            msgs[i].len = o->size;
            msgs[i].err = 0;
        }
        int todo = n;
        for (;;) {
            int ok = rd_kafka_produce_batch(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, msgs,
                                            todo);
            if (ok == todo)
                break;
            int left = 0;
            for (int i = 0; i < todo; i++) {
                if (msgs[i].err == 0)
                    continue;
                if (msgs[i].err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                    die("produce_batch: %s", rd_kafka_err2str(msgs[i].err));
                msgs[left] = msgs[i];
                msgs[left].err = 0;
                left++;
            }
            todo = left;
            rd_kafka_poll(p, 1);
        }
        sent += n;
        rd_kafka_poll(p, 0);
    }
    flush_all(p, &counts, o->count);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(p);
    free(msgs);
    free(buf);
    free(value);
}

/* Delivery reports as events (RD_KAFKA_EVENT_DR): takes the events waiting on the main queue
 * and counts their messages, checking each opaque. */
static void pull_reports(rd_kafka_queue_t *q, dr_counts_t *c, int timeout_ms) {
    const rd_kafka_message_t *msgs[1000];
    rd_kafka_event_t *ev;
    while ((ev = rd_kafka_queue_poll(q, timeout_ms)) != NULL) {
        timeout_ms = 0;
        if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DR) {
            size_t n;
            while ((n = rd_kafka_event_message_array(ev, msgs, 1000)) > 0) {
                for (size_t i = 0; i < n; i++) {
                    if (msgs[i]->err || msgs[i]->_private == NULL)
                        c->failed++;
                    else
                        c->delivered++;
                }
            }
        }
        rd_kafka_event_destroy(ev);
    }
}

static void test_produce_pull(const opts_t *o, const char *bootstrap, result_t *r) {
    dr_counts_t counts = {0, 0};
    rd_kafka_conf_t *conf = make_conf(bootstrap, o->pconf, o->npconf);
    rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR);
    rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!p)
        die("producer: %s", errstr);
    rd_kafka_topic_t *mrkt = rd_kafka_topic_new(p, o->topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(p, 0, mrkt, &md, 10000))
        die("metadata failed");
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(mrkt);
    rd_kafka_queue_t *q = rd_kafka_queue_get_main(p);
    unsigned char *value = make_payload(o->size);

    MEASURED_BEGIN();
    int64_t t0 = now_ns();
    for (long i = 0; i < o->count; i++) {
        for (;;) {
            rd_kafka_resp_err_t err = rd_kafka_producev(
                p, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
                RD_KAFKA_V_VALUE(value, o->size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_OPAQUE((void *)(intptr_t)(i + 1)), RD_KAFKA_V_END);
            if (!err)
                break;
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                die("produce: %s", rd_kafka_err2str(err));
            pull_reports(q, &counts, 1);
        }
        if (i % POLL_EVERY == 0)
            pull_reports(q, &counts, 0);
    }
    /* No flush: in event mode it waits for the reports to be destroyed, i.e. pulled. */
    int64_t deadline = now_ns() + (int64_t)FLUSH_TIMEOUT_MS * 1000000;
    while (counts.delivered + counts.failed < o->count && now_ns() < deadline)
        pull_reports(q, &counts, 100);
    if (counts.delivered != o->count || counts.failed != 0)
        die("delivered %ld of %ld (%ld failed)", counts.delivered, o->count, counts.failed);
    MEASURED_END();
    r->seconds = (now_ns() - t0) / 1e9;

    r->msgs = o->count;
    r->bytes = (double)o->count * (double)o->size;
    no_latency(r);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(p);
    free(value);
}

/* ---- main -------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    opts_t o;
    parse_args(argc, argv, &o);
    o.contender = "raw";
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

    print_result(&o, rd_kafka_version_str(), &r);
    cluster_stop();
    return 0;
}
