/*
 * test_message_view.c: the one-call reads of the consume path through the header, on the real
 * broker (KAFKA_BOOTSTRAP_SERVERS, required) and on a mock cluster: kf_message_view() of a
 * consumed message and of a delivery report against the per-field accessors, a batch from
 * kf_consumer_consume_batch() read with kf_message_batch_views() (views indexed as a C array,
 * header views of the whole batch in one array), KF_CONSUME_DEFER_STORE with
 * kf_consumer_store_message(), and kf_error_info().
 */
#define _POSIX_C_SOURCE 200809L

#include "common.h"

#define N_MSGS 4

/* The view against the accessors of the same message. */
static void check_view(const kf_message_view_t *v, const kf_message_t *m, const char *where) {
    size_t klen = 99, vlen = 99;
    const uint8_t *k = kf_message_key(m, &klen);
    const uint8_t *val = kf_message_value(m, &vlen);
    int ts_type = -1;
    int64_t ts = kf_message_timestamp(m, &ts_type);
    const kf_headers_t *h = kf_message_headers(m);

    CHECK(v->size == sizeof *v, "%s: size %zu", where, v->size);
    CHECK(v->message == m, "%s: message", where);
    CHECK(v->topic == kf_message_topic(m), "%s: topic", where);
    CHECK(v->partition == kf_message_partition(m) && v->offset == kf_message_offset(m),
          "%s: partition/offset", where);
    CHECK(v->key == k && v->key_len == klen, "%s: key", where);
    CHECK(v->value == val && v->value_len == vlen, "%s: value", where);
    CHECK(v->timestamp == ts && v->timestamp_type == ts_type, "%s: timestamp", where);
    CHECK(v->error_code == kf_message_error_code(m), "%s: error code", where);
    CHECK(v->leader_epoch == kf_message_leader_epoch(m), "%s: leader epoch", where);
    CHECK(v->status == KF_MESSAGE_STATUS_PERSISTED, "%s: status %d", where, v->status);
    CHECK(v->header_count == kf_headers_count(h) && v->header_total == v->header_count,
          "%s: %zu header views, %zu headers", where, v->header_count, kf_headers_count(h));
    CHECK((v->header_count == 0) == (v->headers == NULL), "%s: headers pointer", where);
    for (size_t i = 0; i < v->header_count; i++) {
        const char *name = NULL;
        const uint8_t *hv = NULL;
        size_t hlen = 0;
        if (OK(kf_headers_get(h, i, &name, &hv, &hlen)))
            CHECK(strcmp(v->headers[i].name, name) == 0 && v->headers[i].value == hv &&
                      v->headers[i].value_len == hlen,
                  "%s: header %zu", where, i);
    }
}

typedef struct {
    int calls;
    bool ok;
} dr_t;

static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    dr_t *d = opaque;
    kf_message_view_t v;
    kf_header_view_t hv[4];
    memset(&v, 0, sizeof v);
    v.size = sizeof v;
    d->calls++;
    if (!OK(kf_message_view(msg, &v, hv, 4)))
        return;
    d->ok = err == NULL && v.error_code == 0 && v.latency_us >= 0 &&
            v.status == KF_MESSAGE_STATUS_PERSISTED &&
            v.offset == kf_message_offset(msg) && v.value_len == 5;
}

static kf_consumer_t *assigned_consumer(t_cluster_t *cluster, const char *topic) {
    char group[96];
    t_unique(group, sizeof group, "c-view-group");
    kf_config_t *conf = t_config(cluster, "group.id", group, "enable.auto.commit", "false",
                                 NULL);
    kf_consumer_t *c = t_consumer(conf);
    kf_config_destroy(conf);
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    MUST(kf_topic_partition_list_add(l, topic, 0, NULL));
    MUST(kf_topic_partition_list_set_offset(l, 0, KF_OFFSET_BEGINNING));
    MUST(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);
    return c;
}

static void run(t_cluster_t *cluster) {
    char topic[128];
    dr_t drs[N_MSGS];
    size_t remaining = 99;
    int64_t deadline;

    t_section("%s: kf_message_view, kf_consumer_consume_batch, kf_error_info", cluster->name);
    t_unique(topic, sizeof topic, "c-view");
    t_create_topic(cluster, topic, 1);

    kf_config_t *conf = t_config(cluster, NULL);
    kf_producer_t *p = t_producer(conf);
    kf_config_destroy(conf);
    kf_headers_t *h = kf_headers_new(2);
    MUST(kf_headers_add(h, "a", (const uint8_t *)"1", 1));
    MUST(kf_headers_add(h, "n", NULL, 0));
    memset(drs, 0, sizeof drs);
    for (int i = 0; i < N_MSGS; i++)
        MUST(kf_producer_produce(p, topic, 0, i == 0 ? NULL : (const uint8_t *)"k", i == 0 ? 0 : 1,
                                 (const uint8_t *)"value", 5, i % 2 ? h : NULL, 0, on_delivery,
                                 &drs[i]));
    kf_headers_destroy(h);
    MUST(kf_producer_flush(p, 30000, &remaining));
    for (int i = 0; i < N_MSGS; i++)
        CHECK(drs[i].calls == 1 && drs[i].ok, "%s: delivery report %d viewed", cluster->name, i);
    MUST(kf_producer_destroy(p));

    /* One message at a time, one view call each. */
    kf_consumer_t *c = assigned_consumer(cluster, topic);
    int seen = 0;
    deadline = t_now_ms() + 30000;
    while (seen < N_MSGS && t_now_ms() < deadline) {
        kf_message_t *m = NULL;
        if (!OK(kf_consumer_poll(c, 200, &m)) || m == NULL)
            continue;
        kf_message_view_t v;
        kf_header_view_t hv[4];
        memset(&v, 0, sizeof v);
        v.size = sizeof v;
        if (OK(kf_message_view(m, &v, hv, 4)) && v.error_code == 0) {
            check_view(&v, m, "poll");
            CHECK(v.offset == seen, "%s: offset %lld", cluster->name, (long long)v.offset);
            CHECK(v.latency_us == -1, "%s: a consumed message has no latency", cluster->name);
            CHECK(seen != 0 || (v.key == NULL && v.key_len == 0), "%s: null key",
                  cluster->name);
            if (seen % 2) {
                CHECK(v.headers == hv && v.header_count == 2, "%s: header views", cluster->name);
                CHECK(v.header_count == 2 && v.headers[1].value == NULL &&
                          strcmp(v.headers[1].name, "n") == 0,
                      "%s: a null header value", cluster->name);
            }
            seen++;
        }
        kf_message_destroy(m);
    }
    CHECK(seen == N_MSGS, "%s: viewed %d of %d messages", cluster->name, seen, N_MSGS);
    MUST(kf_consumer_close(c, -1));
    MUST(kf_consumer_destroy(c));

    /* The same messages as one batch: one call for all their views. */
    c = assigned_consumer(cluster, topic);
    size_t got = 0;
    deadline = t_now_ms() + 30000;
    while (got < N_MSGS && t_now_ms() < deadline) {
        kf_message_batch_t *b = NULL;
        if (!OK(kf_consumer_consume_batch(c, 100, 500, KF_CONSUME_DEFER_STORE, &b)) || !b)
            continue;
        size_t n = 0;
        const kf_message_view_t *views = kf_message_batch_views(b, sizeof *views, &n);
        CHECK(views != NULL && n == kf_message_batch_count(b), "%s: batch of %zu",
              cluster->name, n);
        const kf_header_view_t *next_headers = NULL;
        for (size_t i = 0; i < n; i++) {
            check_view(&views[i], views[i].message, "batch");
            CHECK(views[i].offset == (int64_t)(got + i), "%s: batch offset", cluster->name);
            CHECK(views[i].latency_us == -1, "%s: batch latency", cluster->name);
            if (views[i].header_count) {
                CHECK(next_headers == NULL || views[i].headers == next_headers,
                      "%s: header views of the batch are one array", cluster->name);
                next_headers = views[i].headers + views[i].header_count;
            }
            OK(kf_consumer_store_message(c, views[i].message));
        }
        got += n;
        kf_message_batch_destroy(b);
    }
    CHECK(got == N_MSGS, "%s: batched %zu of %d messages", cluster->name, got, N_MSGS);
    MUST(kf_consumer_close(c, -1));
    MUST(kf_consumer_destroy(c));

    /* An error in one call. */
    kf_error_t *e = kf_consumer_poll(NULL, 0, NULL);
    kf_error_info_t info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    if (OK(kf_error_info(e, &info)))
        CHECK(info.size == sizeof info && info.code == kf_error_code(e) &&
                  strcmp(info.name, kf_error_name(e)) == 0 &&
                  info.message == kf_error_message(e) &&
                  info.retriable == kf_error_is_retriable(e) &&
                  info.fatal == kf_error_is_fatal(e) &&
                  info.txn_requires_abort == kf_error_txn_requires_abort(e),
              "%s: kf_error_info", cluster->name);
    kf_error_destroy(e);
}

int main(void) {
    t_cluster_t broker = t_cluster_broker(); /* fails the test when not configured */
    t_cluster_t mock = t_cluster_mock(1);
    run(&broker);
    run(&mock);
    t_cluster_destroy(&mock);
    return t_finish("test_message_view");
}
