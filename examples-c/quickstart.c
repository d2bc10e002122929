/*
 * quickstart.c: produce 10,000 messages and consume them back with kafkaffi.
 *
 * Without arguments or environment it starts an in-process mock cluster (one broker), so it
 * runs anywhere in a few seconds. With KAFKA_BOOTSTRAP_SERVERS set it uses that cluster
 * instead, with a new topic name per run that the broker auto-creates.
 *
 *   1. Produce MESSAGE_COUNT messages: key "key-<i>", value "value-<i>", header "index" = <i>,
 *      with a delivery callback that counts successes and failures.
 *   2. Flush: wait until every message is delivered (or failed).
 *   3. Consume them back in a new consumer group (auto.offset.reset=earliest), checking that
 *      every index arrived exactly once and that key, value and header agree.
 *   4. Print a summary; exit 0 only when everything matched.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/quickstart.c -o quickstart -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep, getpid */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafkaffi.h"

#define MESSAGE_COUNT 10000
#define FLUSH_TIMEOUT_MS 30000
#define CONSUME_TIMEOUT_MS 60000

/* What the delivery callback counts. Only the thread calling poll/flush touches it. */
typedef struct {
    long delivered;
    long failed;
} delivery_stats_t;

/* What the consumer saw: how often each index arrived, and how many messages were wrong. */
typedef struct {
    unsigned char seen[MESSAGE_COUNT]; /* arrivals per index (saturates at 255) */
    long consumed;                     /* data messages received */
    long unique;                       /* distinct indexes received */
    long duplicates;                   /* arrivals beyond the first */
    long malformed;                    /* unparsable key, or key/value/header disagree */
    int64_t first_ms;                  /* when the first data message arrived (0: none) */
    int64_t last_ms;                   /* when the last new index arrived */
} consume_stats_t;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Messages per second; a duration under 1 ms counts as 1 ms. */
static double rate(long count, int64_t elapsed_ms) {
    return (double)count * 1000.0 / (double)(elapsed_ms > 0 ? elapsed_ms : 1);
}

/* Prints a failed call's error and frees it. Returns true when `err` was NULL (success). */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

/*
 * The delivery callback. It runs on the thread that calls kf_producer_poll() or
 * kf_producer_flush(), never on a librdkafka thread, so it needs no locking. `msg` and `err`
 * are borrowed: they are valid only until the callback returns.
 */
static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    delivery_stats_t *stats = opaque;
    if (err == NULL) {
        stats->delivered++;
        return;
    }
    /* Print only the first few failures: a broken cluster would fail all 10,000. */
    if (stats->failed++ < 5) {
        size_t key_len = 0;
        const uint8_t *key = kf_message_key(msg, &key_len);
        fprintf(stderr, "delivery failed for %.*s: %s\n", (int)key_len,
                key != NULL ? (const char *)key : "(null)", kf_error_message(err));
    }
}

/* Parses "<prefix><decimal>" of exactly `len` bytes; returns the number or -1. */
static long parse_index(const uint8_t *data, size_t len, const char *prefix) {
    char buf[32];
    size_t plen = strlen(prefix);
    char *end = NULL;
    long value;
    if (data == NULL || len <= plen || len >= sizeof buf || memcmp(data, prefix, plen) != 0)
        return -1;
    memcpy(buf, data + plen, len - plen);
    buf[len - plen] = '\0';
    value = strtol(buf, &end, 10);
    if (*end != '\0' || value < 0 || value >= MESSAGE_COUNT)
        return -1;
    return value;
}

/* Checks one consumed message, read through its view, and records its index. */
static void record_message(consume_stats_t *stats, const kf_message_view_t *v) {
    const uint8_t *header = NULL;
    size_t header_len = 0;
    bool has_header = false;
    long index = parse_index(v->key, v->key_len, "key-");

    stats->consumed++;
    if (stats->first_ms == 0)
        stats->first_ms = now_ms();
    /* The header "index" (the last of that name) must be present and agree with the key, as
     * must the value. */
    for (size_t i = 0; i < v->header_count; i++) {
        if (strcmp(v->headers[i].name, "index") == 0) {
            header = v->headers[i].value;
            header_len = v->headers[i].value_len;
            has_header = true;
        }
    }
    if (index < 0 || !has_header || parse_index(v->value, v->value_len, "value-") != index ||
        parse_index(header, header_len, "") != index) {
        stats->malformed++;
        return;
    }
    if (stats->seen[index] == 0) {
        stats->unique++;
        stats->last_ms = now_ms();
    } else
        stats->duplicates++;
    if (stats->seen[index] < 255)
        stats->seen[index]++;
}

/* Produces every message. Returns the number enqueued. */
static long produce_all(kf_producer_t *producer, const char *topic) {
    long enqueued = 0;
    for (long i = 0; i < MESSAGE_COUNT; i++) {
        char key[32], value[32], index[16];
        kf_error_t *err;
        int key_len = snprintf(key, sizeof key, "key-%ld", i);
        int value_len = snprintf(value, sizeof value, "value-%ld", i);
        int index_len = snprintf(index, sizeof index, "%ld", i);
        /* One header, by reference: kf_producer_send copies what it is given. */
        kf_header_view_t header = {"index", (const uint8_t *)index, (size_t)index_len};
        kf_produce_message_t msg = {0};
        msg.size = sizeof msg; /* always: lets the library grow the struct compatibly */
        msg.topic = topic;
        msg.partition = KF_PARTITION_UA;
        msg.key = (const uint8_t *)key;
        msg.key_len = (size_t)key_len;
        msg.value = (const uint8_t *)value;
        msg.value_len = (size_t)value_len;
        msg.headers = &header;
        msg.header_count = 1;
        /* timestamp_ms 0: now; on_delivery NULL: the configured delivery callback. */

        for (;;) {
            err = kf_producer_send(producer, &msg);
            if (err == NULL || kf_error_code(err) != KF_ERR__QUEUE_FULL)
                break;
            /* The local queue is full: serve delivery reports to make room, then retry. */
            kf_error_destroy(err);
            check(kf_producer_poll(producer, 100, NULL), "kf_producer_poll");
        }
        if (!check(err, "kf_producer_send"))
            break;
        enqueued++;
        /* Serve delivery reports now and then, so they do not pile up until the flush. */
        if (i % 1000 == 0)
            check(kf_producer_poll(producer, 0, NULL), "kf_producer_poll");
    }
    return enqueued;
}

/* Consumes until every index has been seen (or the timeout passes). */
static void consume_all(kf_consumer_t *consumer, consume_stats_t *stats) {
    int64_t deadline = now_ms() + CONSUME_TIMEOUT_MS;
    int64_t drain_until = -1;
    int errors_shown = 0;

    for (;;) {
        kf_message_t *msg = NULL;
        int64_t now = now_ms();
        if (now >= deadline || (drain_until >= 0 && now >= drain_until))
            break;
        if (!check(kf_consumer_poll(consumer, 100, &msg), "kf_consumer_poll"))
            break;
        if (msg == NULL)
            continue; /* timeout: nothing arrived in the last 100 ms */
        /* Every field of the message in one call. The view (and the header views in
         * `headers`) borrow from `msg` until kf_message_destroy(). */
        kf_message_view_t view = {.size = sizeof view};
        kf_header_view_t headers[4];
        if (!check(kf_message_view(msg, &view, headers, 4), "kf_message_view")) {
            kf_message_destroy(msg);
            break;
        }
        if (view.error_code != KF_ERR_NO_ERROR) {
            /* An event, not data: e.g. a transient error while the topic is being created. */
            kf_error_t *err = kf_message_error(msg);
            if (errors_shown++ < 5)
                fprintf(stderr, "consumer event: %s: %s\n", kf_error_name(err),
                        kf_error_message(err));
            kf_error_destroy(err);
        } else {
            record_message(stats, &view);
        }
        kf_message_destroy(msg); /* a polled message belongs to the caller */
        /* Once all arrived, keep polling briefly so that a duplicate would be noticed. */
        if (drain_until < 0 && stats->unique == MESSAGE_COUNT)
            drain_until = now_ms() + 500;
    }
}

int main(void) {
    const char *env_bootstrap = getenv("KAFKA_BOOTSTRAP_SERVERS");
    kf_mock_cluster_t *mock = NULL;
    const char *bootstrap;
    kf_config_t *conf = NULL;
    kf_producer_t *producer = NULL;
    kf_consumer_t *consumer = NULL;
    kf_error_t *err = NULL;
    delivery_stats_t delivery = {0, 0};
    static consume_stats_t consumed; /* 10 KB: static rather than on the stack */
    char topic[128], group[128];
    const char *topics[1];
    size_t remaining = 0;
    long enqueued = 0, missing;
    int64_t start_ms, produced_ms, end_ms;
    bool ok;
    int status = 1;

    snprintf(topic, sizeof topic, "kafkaffi-quickstart-%ld-%ld", (long)getpid(), (long)time(NULL));
    snprintf(group, sizeof group, "kafkaffi-quickstart-group-%ld-%ld", (long)getpid(),
             (long)time(NULL));
    topics[0] = topic;
    printf("kafkaffi %s (librdkafka %s)\n", kf_version(), kf_librdkafka_version());

    /* 1. Where to connect: KAFKA_BOOTSTRAP_SERVERS, or a mock cluster started here. */
    if (env_bootstrap != NULL && *env_bootstrap != '\0') {
        bootstrap = env_bootstrap; /* the broker auto-creates the topic on first use */
    } else {
        mock = kf_mock_cluster_new(1, &err);
        if (mock == NULL) {
            check(err, "kf_mock_cluster_new");
            return 1;
        }
        bootstrap = kf_mock_cluster_bootstrap_servers(mock); /* borrowed from the cluster */
        if (!check(kf_mock_cluster_topic_create(mock, topic, 3, 1), "kf_mock_cluster_topic_create"))
            goto out;
    }
    printf("cluster: %s (%s), topic: %s\n", bootstrap, mock != NULL ? "mock" : "external", topic);

    /* 2. The producer. The configuration is copied by kf_producer_new: free it right after. */
    conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers") ||
        !check(kf_config_set(conf, "linger.ms", "5"), "linger.ms") ||
        !check(kf_config_set_delivery_cb(conf, on_delivery, &delivery, NULL),
               "kf_config_set_delivery_cb"))
        goto out;
    producer = kf_producer_new(conf, &err);
    kf_config_destroy(conf);
    conf = NULL;
    if (producer == NULL) {
        check(err, "kf_producer_new");
        goto out;
    }

    start_ms = now_ms();
    enqueued = produce_all(producer, topic);
    /* Wait for the outstanding delivery reports; the callback runs inside the flush. */
    if (!check(kf_producer_flush(producer, FLUSH_TIMEOUT_MS, &remaining), "kf_producer_flush"))
        goto out;
    produced_ms = now_ms();
    if (remaining > 0)
        fprintf(stderr, "%zu message(s) still undelivered after the flush\n", remaining);

    /* 3. The consumer, in a consumer group of its own, reading from the beginning. */
    conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers") ||
        !check(kf_config_set(conf, "group.id", group), "group.id") ||
        !check(kf_config_set(conf, "auto.offset.reset", "earliest"), "auto.offset.reset"))
        goto out;
    consumer = kf_consumer_new(conf, &err);
    kf_config_destroy(conf);
    conf = NULL;
    if (consumer == NULL) {
        check(err, "kf_consumer_new");
        goto out;
    }
    /* No rebalance callbacks: kafkaffi applies the default assignment. */
    if (!check(kf_consumer_subscribe(consumer, topics, 1, NULL), "kf_consumer_subscribe"))
        goto out;
    consume_all(consumer, &consumed);
    end_ms = now_ms();

    /* 4. The summary. */
    missing = MESSAGE_COUNT - consumed.unique;
    printf("produced:   %ld\n", enqueued);
    printf("delivered:  %ld (failed: %ld, undelivered: %zu)\n", delivery.delivered,
           delivery.failed, remaining);
    printf("consumed:   %ld (malformed: %ld)\n", consumed.consumed, consumed.malformed);
    printf("duplicates: %ld\n", consumed.duplicates);
    printf("missing:    %ld\n", missing);
    printf("elapsed:    %" PRId64 " ms in all\n", end_ms - start_ms);
    printf("  produce:  %" PRId64 " ms for produce + flush, %.0f msg/s\n", produced_ms - start_ms,
           rate(enqueued, produced_ms - start_ms));
    if (consumed.first_ms > 0)
        printf("  consume:  %" PRId64 " ms joining the group, then %" PRId64 " ms, %.0f msg/s\n",
               consumed.first_ms - produced_ms, consumed.last_ms - consumed.first_ms,
               rate(consumed.unique, consumed.last_ms - consumed.first_ms));

    ok = enqueued == MESSAGE_COUNT && delivery.delivered == MESSAGE_COUNT &&
         delivery.failed == 0 && remaining == 0 && consumed.consumed == MESSAGE_COUNT &&
         consumed.malformed == 0 && consumed.duplicates == 0 && missing == 0;
    printf("%s\n", ok ? "OK: every message arrived exactly once" : "FAILED");
    status = ok ? 0 : 1;

out:
    /* 5. Shutdown: close the consumer (leaves the group), then destroy everything. */
    if (consumer != NULL) {
        if (!check(kf_consumer_close(consumer, -1), "kf_consumer_close"))
            status = 1;
        if (!check(kf_consumer_destroy(consumer), "kf_consumer_destroy"))
            status = 1;
    }
    if (!check(kf_producer_destroy(producer), "kf_producer_destroy")) /* NULL: no-op */
        status = 1;
    kf_config_destroy(conf);      /* NULL: no-op */
    kf_mock_cluster_destroy(mock); /* after the clients that use it; NULL: no-op */
    return status;
}
