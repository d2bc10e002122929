/*
 * producer.c: a command-line producer with kafkaffi.
 *
 *   producer <bootstrap.servers> <topic> < lines
 *
 * Each line read from stdin becomes one message. A line "key:value" is produced with that key
 * and value (split at the first ':'); a line without ':' is produced with a null key. Failed
 * deliveries are printed by the delivery callback; a summary goes to stderr at the end.
 * Exits 0 when every line was delivered.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/producer.c -o producer -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi
 */
#define _POSIX_C_SOURCE 200809L /* getline */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h> /* ssize_t */

#include "kafkaffi.h"

#define FLUSH_TIMEOUT_MS 10000

/* Counted by the delivery callback, on the thread that polls (this program's only thread). */
typedef struct {
    long delivered;
    long failed;
} delivery_stats_t;

/*
 * The global delivery callback (registered on the configuration, so it serves every message
 * produced without a callback of its own). Runs inside kf_producer_poll()/kf_producer_flush().
 */
static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    delivery_stats_t *stats = opaque;
    size_t value_len = 0;
    const uint8_t *value;

    if (err == NULL) {
        stats->delivered++;
        return;
    }
    stats->failed++;
    value = kf_message_value(msg, &value_len);
    fprintf(stderr, "%% delivery failed (%s: %s) for message: %.*s\n", kf_error_name(err),
            kf_error_message(err), (int)value_len, value != NULL ? (const char *)value : "");
}

/*
 * The error callback: client-level errors such as "all brokers are down". Most are transient
 * (librdkafka keeps retrying); a fatal one means the producer must be destroyed.
 */
static void on_error(void *opaque, const kf_error_t *err) {
    (void)opaque;
    fprintf(stderr, "%% %serror: %s: %s\n", kf_error_is_fatal(err) ? "FATAL " : "",
            kf_error_name(err), kf_error_message(err));
}

/* Prints a failed call's error and frees it. Returns true when `err` was NULL (success). */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%% %s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

/*
 * Produces one line. Returns false on an error other than a full queue. A full local queue
 * (KF_ERR__QUEUE_FULL, Python's BufferError) is not a failure: serve delivery reports to make
 * room, then try again.
 */
static bool produce_line(kf_producer_t *producer, const char *topic, const char *line,
                         size_t len) {
    const char *colon = memchr(line, ':', len);
    const uint8_t *key = NULL; /* NULL: a null key */
    size_t key_len = 0;
    const uint8_t *value = (const uint8_t *)line;
    size_t value_len = len;

    if (colon != NULL) {
        key = (const uint8_t *)line;
        key_len = (size_t)(colon - line);
        value = (const uint8_t *)colon + 1;
        value_len = len - key_len - 1;
    }
    kf_produce_message_t msg = {0}; /* no headers, timestamp now, the config's callback */
    msg.size = sizeof msg;
    msg.topic = topic;
    msg.partition = KF_PARTITION_UA;
    msg.key = key;
    msg.key_len = key_len;
    msg.value = value;
    msg.value_len = value_len;
    for (;;) {
        kf_error_t *err = kf_producer_send(producer, &msg);
        if (err == NULL)
            return true;
        if (kf_error_code(err) != KF_ERR__QUEUE_FULL)
            return check(err, "kf_producer_send");
        kf_error_destroy(err);
        fprintf(stderr, "%% local queue full: waiting for deliveries\n");
        check(kf_producer_poll(producer, 1000, NULL), "kf_producer_poll");
    }
}

int main(int argc, char **argv) {
    const char *bootstrap, *topic;
    kf_config_t *conf;
    kf_producer_t *producer;
    kf_error_t *err = NULL;
    delivery_stats_t stats = {0, 0};
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t line_len;
    long lines = 0, enqueued = 0;
    size_t remaining = 0;
    bool flushed;

    if (argc != 3) {
        fprintf(stderr, "usage: %s <bootstrap.servers> <topic> < lines\n", argv[0]);
        return 2;
    }
    bootstrap = argv[1];
    topic = argv[2];

    conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers") ||
        !check(kf_config_set_delivery_cb(conf, on_delivery, &stats, NULL),
               "kf_config_set_delivery_cb") ||
        !check(kf_config_set_error_cb(conf, on_error, NULL, NULL), "kf_config_set_error_cb")) {
        kf_config_destroy(conf);
        return 1;
    }
    producer = kf_producer_new(conf, &err);
    kf_config_destroy(conf); /* the producer keeps a copy */
    if (producer == NULL) {
        check(err, "kf_producer_new");
        return 1;
    }

    fprintf(stderr, "%% type lines (key:value or value), end with Ctrl-D\n");
    while ((line_len = getline(&line, &line_cap, stdin)) != -1) {
        if (line_len > 0 && line[line_len - 1] == '\n')
            line_len--; /* drop the newline */
        lines++;
        if (produce_line(producer, topic, line, (size_t)line_len))
            enqueued++;
        /*
         * Serve delivery reports after each produce, without waiting. Without regular polls
         * the reports (and the memory of delivered messages) pile up until the flush.
         */
        check(kf_producer_poll(producer, 0, NULL), "kf_producer_poll");
    }
    free(line);

    /* Wait for outstanding deliveries; the callback runs inside the flush. */
    fprintf(stderr, "%% flushing %zu message(s)\n", kf_producer_len(producer));
    flushed = check(kf_producer_flush(producer, FLUSH_TIMEOUT_MS, &remaining), "kf_producer_flush");
    if (remaining > 0)
        fprintf(stderr, "%% %zu message(s) were not delivered within %d ms\n", remaining,
                FLUSH_TIMEOUT_MS);
    fprintf(stderr, "%% %ld line(s) read, %ld enqueued, %ld delivered, %ld failed\n", lines,
            enqueued, stats.delivered, stats.failed);

    /* Messages still undelivered are dropped by destroy (the flush above gave them time). */
    check(kf_producer_destroy(producer), "kf_producer_destroy");
    return flushed && remaining == 0 && stats.failed == 0 && stats.delivered == lines ? 0 : 1;
}
