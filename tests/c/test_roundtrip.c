/*
 * test_roundtrip.c: every field of a message survives produce -> broker -> consume unchanged,
 * on the real broker (KAFKA_BOOTSTRAP_SERVERS, required) and on a mock cluster.
 *
 * Checked per message: topic, partition, offset (as reported on delivery), key and value with a
 * null key/value kept distinct from an empty one, binary bytes (NUL included), a large value,
 * headers in their original order with repeated names, a null header value distinct from an
 * empty one, an explicit timestamp (and "now" when none is given) of type CREATE_TIME; and the
 * same fields in the delivery report. Each message has its own delivery callback and opaque.
 */
#define _POSIX_C_SOURCE 200809L

#include "common.h"

#define MAX_HEADERS 6
#define LARGE_VALUE_SIZE 200000

/* A byte-string literal as (pointer, length), NUL bytes inside included. */
#define BYTES(lit) (const uint8_t *)(lit), sizeof(lit) - 1
#define NO_BYTES NULL, 0

typedef struct {
    const char *name;
    const uint8_t *value; /* NULL: a null header value */
    size_t len;
} header_t;

/* One message to produce, and what must come back. */
typedef struct {
    const char *what;
    const uint8_t *key; /* NULL: null key */
    size_t key_len;
    const uint8_t *value; /* NULL: null value */
    size_t value_len;
    bool pass_headers; /* false: pass NULL headers to produce */
    size_t header_count;
    header_t headers[MAX_HEADERS];
    bool explicit_timestamp; /* false: timestamp 0 ("now") */
} case_t;

/* What the per-message delivery callback recorded. */
typedef struct {
    const case_t *expected;
    int calls;
    int32_t err;
    int32_t partition;
    int64_t offset;
    bool key_ok, value_ok, headers_ok;
    int64_t timestamp;
    int timestamp_type;
    int64_t latency_us;
} delivery_t;

static uint8_t large_value[LARGE_VALUE_SIZE];

static case_t cases[] = {
    {"key, value and headers: repeated names, a null and an empty value, binary",
     BYTES("key-0"),
     BYTES("value-0"),
     true,
     6,
     {{"dup", BYTES("first")},
      {"other", BYTES("x")},
      {"dup", BYTES("second")},
      {"null", NO_BYTES},
      {"empty", BYTES("")},
      {"bin", BYTES("\0\xff\x01")}},
     true},
    {"null key", NO_BYTES, BYTES("value of a null key"), false, 0, {{NULL, NULL, 0}}, true},
    {"empty key", BYTES(""), BYTES("value of an empty key"), false, 0, {{NULL, NULL, 0}}, true},
    {"null value (tombstone)", BYTES("tombstone"), NO_BYTES, false, 0, {{NULL, NULL, 0}}, true},
    {"empty value", BYTES("empty-value"), BYTES(""), false, 0, {{NULL, NULL, 0}}, true},
    {"null key and null value", NO_BYTES, NO_BYTES, false, 0, {{NULL, NULL, 0}}, true},
    {"empty key and empty value, one header", BYTES(""), BYTES(""), true, 1,
     {{"h", BYTES("v")}}, true},
    {"binary key and value with NUL bytes", BYTES("\0k\0"), BYTES("\0\x01\x02\xff\0"), false, 0,
     {{NULL, NULL, 0}}, true},
    {"large value", BYTES("large"), large_value, LARGE_VALUE_SIZE, false, 0, {{NULL, NULL, 0}},
     true},
    {"an empty headers list", BYTES("no-headers"), BYTES("v"), true, 0, {{NULL, NULL, 0}}, true},
    {"timestamp 0: now", BYTES("now"), BYTES("stamped by the producer"), false, 0,
     {{NULL, NULL, 0}}, false},
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

/* The explicit timestamp of case `i`: distinct, in the past, within the broker's limits. */
static int64_t case_timestamp(int64_t base, size_t i) {
    return base + (int64_t)i * 1000;
}

/* True when `headers` holds exactly the expected headers, in order. */
static bool headers_match(const kf_headers_t *headers, const case_t *c, const char *where) {
    bool ok = CHECK(kf_headers_count(headers) == c->header_count,
                    "%s: %s: %zu header(s), expected %zu", where, c->what,
                    kf_headers_count(headers), c->header_count);
    for (size_t i = 0; ok && i < c->header_count; i++) {
        const char *name = NULL;
        const uint8_t *value = NULL;
        size_t len = 99;
        ok = OK(kf_headers_get(headers, i, &name, &value, &len)) &&
             CHECK(name != NULL && strcmp(name, c->headers[i].name) == 0,
                   "%s: %s: header %zu is named %s, expected %s", where, c->what, i,
                   name ? name : "(null)", c->headers[i].name) &&
             CHECK(t_bytes_eq(value, len, c->headers[i].value, c->headers[i].len),
                   "%s: %s: header %zu (%s): value differs (%s, %zu bytes)", where, c->what, i,
                   c->headers[i].name, value == NULL ? "null" : "not null", len);
    }
    return ok;
}

static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    delivery_t *d = opaque;
    size_t klen = 0, vlen = 0;
    const uint8_t *k = kf_message_key(msg, &klen);
    const uint8_t *v = kf_message_value(msg, &vlen);
    d->calls++;
    d->err = kf_error_code(err); /* 0 for NULL: success */
    d->partition = kf_message_partition(msg);
    d->offset = kf_message_offset(msg);
    d->key_ok = t_bytes_eq(k, klen, d->expected->key, d->expected->key_len);
    d->value_ok = t_bytes_eq(v, vlen, d->expected->value, d->expected->value_len);
    d->headers_ok = headers_match(kf_message_headers(msg), d->expected, "delivery report");
    d->timestamp = kf_message_timestamp(msg, &d->timestamp_type);
    d->latency_us = kf_message_latency(msg);
}

/* Checks one consumed message against its case and its delivery report. */
static void check_message(const kf_message_t *m, const case_t *c, const delivery_t *d,
                          const char *topic, int64_t expected_ts, int64_t before_ms,
                          int64_t after_ms, const char *cluster) {
    size_t klen = 99, vlen = 99;
    const uint8_t *k = kf_message_key(m, &klen);
    const uint8_t *v = kf_message_value(m, &vlen);
    int ts_type = -1;
    int64_t ts = kf_message_timestamp(m, &ts_type);
    const uint8_t *last = NULL;
    size_t last_len = 0;

    CHECK(kf_message_error_code(m) == 0, "%s: %s: error %d", cluster, c->what,
          kf_message_error_code(m));
    CHECK(kf_message_error(m) == NULL, "%s: %s: kf_message_error not NULL", cluster, c->what);
    CHECK(kf_message_topic(m) != NULL && strcmp(kf_message_topic(m), topic) == 0,
          "%s: %s: topic %s", cluster, c->what, kf_message_topic(m));
    CHECK(kf_message_partition(m) == 0, "%s: %s: partition %d", cluster, c->what,
          kf_message_partition(m));
    CHECK(kf_message_offset(m) == d->offset, "%s: %s: offset %lld, delivered at %lld", cluster,
          c->what, (long long)kf_message_offset(m), (long long)d->offset);
    CHECK(t_bytes_eq(k, klen, c->key, c->key_len), "%s: %s: key differs (%s, %zu bytes)", cluster,
          c->what, k == NULL ? "null" : "not null", klen);
    CHECK(t_bytes_eq(v, vlen, c->value, c->value_len), "%s: %s: value differs (%s, %zu bytes)",
          cluster, c->what, v == NULL ? "null" : "not null", vlen);
    CHECK(kf_message_len(m) == c->value_len, "%s: %s: kf_message_len %zu", cluster, c->what,
          kf_message_len(m));
    headers_match(kf_message_headers(m), c, cluster);
    CHECK(ts_type == KF_TIMESTAMP_CREATE_TIME, "%s: %s: timestamp type %d, expected CREATE_TIME",
          cluster, c->what, ts_type);
    if (c->explicit_timestamp)
        CHECK(ts == expected_ts, "%s: %s: timestamp %lld, expected %lld", cluster, c->what,
              (long long)ts, (long long)expected_ts);
    else
        CHECK(ts >= before_ms && ts <= after_ms,
              "%s: %s: timestamp %lld not within the produce call [%lld, %lld]", cluster,
              c->what, (long long)ts, (long long)before_ms, (long long)after_ms);
    /* The mock cluster answers every produce with LogAppendTime 1234, so the delivery
     * reports it causes carry that; only the real broker echoes the CreateTime. */
    if (strcmp(cluster, "mock") != 0)
        CHECK(ts == d->timestamp, "%s: %s: delivery report timestamp %lld, consumed %lld",
              cluster, c->what, (long long)d->timestamp, (long long)ts);
    CHECK(kf_message_latency(m) == -1, "%s: %s: latency %lld of a consumed message", cluster,
          c->what, (long long)kf_message_latency(m));
    if (c->header_count == 6) {
        /* kf_headers_get_last finds the last of repeated names, and null values. */
        if (OK(kf_headers_get_last(kf_message_headers(m), "dup", &last, &last_len)))
            CHECK(t_bytes_eq(last, last_len, BYTES("second")), "%s: last \"dup\" header",
                  cluster);
        last = (const uint8_t *)"sentinel";
        if (OK(kf_headers_get_last(kf_message_headers(m), "null", &last, &last_len)))
            CHECK(last == NULL && last_len == 0, "%s: \"null\" header is not null", cluster);
        ERR(kf_headers_get_last(kf_message_headers(m), "absent", &last, &last_len),
            KF_ERR__NOENT, "absent");
    }
}

static void roundtrip(t_cluster_t *cluster) {
    char topic[128], group[128];
    kf_config_t *conf;
    kf_producer_t *p;
    kf_consumer_t *c;
    kf_topic_partition_list_t *assignment;
    delivery_t deliveries[CASE_COUNT];
    kf_message_t *consumed[CASE_COUNT];
    size_t n_consumed = 0, remaining = 99;
    int64_t base_ts = t_wall_ms() - 600000; /* 10 minutes ago */
    int64_t before_ms = 0, after_ms = 0;
    int64_t deadline;

    t_section("%s: produce %zu messages, consume them back", cluster->name, CASE_COUNT);
    t_unique(topic, sizeof topic, "c-roundtrip");
    t_create_topic(cluster, topic, 1);

    conf = t_config(cluster, NULL);
    p = t_producer(conf);
    kf_config_destroy(conf);
    memset(deliveries, 0, sizeof deliveries);
    for (size_t i = 0; i < CASE_COUNT; i++) {
        const case_t *k = &cases[i];
        kf_headers_t *headers = NULL;
        deliveries[i].expected = k;
        deliveries[i].offset = -1;
        if (k->pass_headers) {
            headers = kf_headers_new(k->header_count);
            REQUIRE(headers != NULL, "kf_headers_new");
            for (size_t h = 0; h < k->header_count; h++)
                MUST(kf_headers_add(headers, k->headers[h].name, k->headers[h].value,
                                    k->headers[h].len));
            CHECK(kf_headers_count(headers) == k->header_count, "headers built");
        }
        if (!k->explicit_timestamp)
            before_ms = t_wall_ms();
        MUST(kf_producer_produce(p, topic, 0, k->key, k->key_len, k->value, k->value_len, headers,
                                 k->explicit_timestamp ? case_timestamp(base_ts, i) : 0,
                                 on_delivery, &deliveries[i]));
        if (!k->explicit_timestamp)
            after_ms = t_wall_ms();
        kf_headers_destroy(headers); /* produce copied it */
    }
    MUST(kf_producer_flush(p, 30000, &remaining));
    CHECK(remaining == 0, "%s: %zu message(s) undelivered", cluster->name, remaining);
    for (size_t i = 0; i < CASE_COUNT; i++) {
        const delivery_t *d = &deliveries[i];
        CHECK(d->calls == 1, "%s: %s: delivery callback called %d times", cluster->name,
              cases[i].what, d->calls);
        CHECK(d->err == 0, "%s: %s: delivery failed: %s", cluster->name, cases[i].what,
              kf_error_code_name(d->err));
        CHECK(d->partition == 0, "%s: %s: delivered to partition %d", cluster->name,
              cases[i].what, d->partition);
        CHECK(i == 0 || d->offset == deliveries[i - 1].offset + 1,
              "%s: %s: delivered at offset %lld after %lld", cluster->name, cases[i].what,
              (long long)d->offset, (long long)(i > 0 ? deliveries[i - 1].offset : 0));
        CHECK(d->key_ok && d->value_ok && d->headers_ok,
              "%s: %s: the delivery report's key/value/headers differ", cluster->name,
              cases[i].what);
        if (cluster->mock == NULL) /* the mock: LogAppendTime 1234, see check_message() */
            CHECK(d->timestamp_type == KF_TIMESTAMP_CREATE_TIME,
                  "%s: %s: delivery report timestamp type %d", cluster->name, cases[i].what,
                  d->timestamp_type);
        CHECK(d->latency_us >= 0 && d->latency_us < 30000000,
              "%s: %s: delivery report latency %lld us", cluster->name, cases[i].what,
              (long long)d->latency_us);
    }
    MUST(kf_producer_destroy(p));

    /* Consume partition 0 from the beginning; assign (not subscribe) needs a group.id too. */
    t_unique(group, sizeof group, "c-roundtrip-group");
    conf = t_config(cluster, "group.id", group, NULL);
    c = t_consumer(conf);
    kf_config_destroy(conf);
    assignment = kf_topic_partition_list_new(1);
    MUST(kf_topic_partition_list_add(assignment, topic, 0, NULL));
    MUST(kf_topic_partition_list_set_offset(assignment, 0, KF_OFFSET_BEGINNING));
    MUST(kf_consumer_assign(c, assignment));
    kf_topic_partition_list_destroy(assignment);
    deadline = t_now_ms() + 30000;
    while (n_consumed < CASE_COUNT && t_now_ms() < deadline) {
        kf_message_t *m = NULL;
        if (!OK(kf_consumer_poll(c, 200, &m)))
            break;
        if (m == NULL)
            continue;
        if (kf_message_error_code(m) != 0) {
            kf_error_t *e = kf_message_error(m);
            printf("   (consumer event: %s: %s)\n", kf_error_name(e), kf_error_message(e));
            kf_error_destroy(e);
            kf_message_destroy(m);
            continue;
        }
        consumed[n_consumed++] = m;
    }
    CHECK(n_consumed == CASE_COUNT, "%s: consumed %zu of %zu messages", cluster->name,
          n_consumed, CASE_COUNT);
    for (size_t i = 0; i < n_consumed; i++) {
        check_message(consumed[i], &cases[i], &deliveries[i], topic,
                      case_timestamp(base_ts, i), before_ms, after_ms, cluster->name);
        kf_message_destroy(consumed[i]);
    }
    MUST(kf_consumer_close(c, -1));
    MUST(kf_consumer_destroy(c));
    printf("   %s: %zu messages compared field by field\n", cluster->name, n_consumed);
}

int main(void) {
    t_cluster_t broker = t_cluster_broker(); /* fails the test when not configured */
    t_cluster_t mock = t_cluster_mock(1);

    for (size_t i = 0; i < LARGE_VALUE_SIZE; i++)
        large_value[i] = (uint8_t)(i * 31 + 7);

    roundtrip(&broker);
    roundtrip(&mock);
    t_cluster_destroy(&mock);
    return t_finish("test_roundtrip");
}
