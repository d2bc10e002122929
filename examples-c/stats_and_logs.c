/*
 * stats_and_logs.c: librdkafka's statistics, log lines and client errors through kafkaffi's
 * callbacks, and the thread they run on.
 *
 * A producer with stats_cb (statistics.interval.ms), a logger (debug=broker,topic) and error_cb
 * produces and polls (waiting up to 20 ms) in a loop for RUN_MS milliseconds, against an
 * in-process mock cluster (or the cluster in KAFKA_BOOTSTRAP_SERVERS). It then prints how many
 * statistics documents, log lines and errors arrived and whether each ran on the main thread,
 * the one calling kf_producer_poll()/kf_producer_flush(). kafkaffi never calls back on one of
 * librdkafka's own threads: librdkafka queues its log lines and statistics, and poll serves
 * them. So the callbacks below need no locks.
 *
 * Exits 0 only when at least one statistics document and one log line arrived, all of them on
 * the main thread.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/stats_and_logs.c -o stats_and_logs -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi -lpthread
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, getpid */

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafkaffi.h"

#define RUN_MS 2000

/* What the callbacks saw. Touched only by the main thread: no locking needed. */
typedef struct {
    pthread_t main_thread;
    long stats, stats_off_main;
    size_t stats_bytes;
    long logs, logs_off_main;
    long log_levels[8]; /* lines per syslog level, 0 (emerg) .. 7 (debug) */
    long errors, errors_off_main;
    long delivered, failed;
} observed_t;

static bool on_main_thread(const observed_t *obs) {
    return pthread_equal(pthread_self(), obs->main_thread) != 0;
}

/* stats_cb: one JSON document every statistics.interval.ms; borrowed for the call. */
static void on_stats(void *opaque, const char *json, size_t json_len) {
    observed_t *obs = opaque;
    if (!on_main_thread(obs))
        obs->stats_off_main++;
    if (obs->stats++ == 0) /* show the start of the first one */
        printf("first statistics document (%zu bytes): %.100s...\n", json_len, json);
    obs->stats_bytes += json_len;
}

/* logger: one log line, with its syslog level and facility; strings borrowed for the call. */
static void on_log(void *opaque, int level, const char *facility, const char *message) {
    observed_t *obs = opaque;
    if (!on_main_thread(obs))
        obs->logs_off_main++;
    if (level >= 0 && level <= 7)
        obs->log_levels[level]++;
    if (obs->logs++ < 5) /* show the first few */
        printf("log line %ld: level %d [%s] %.120s\n", obs->logs, level, facility, message);
}

/* error_cb: client-level errors (most are transient: librdkafka retries). */
static void on_error(void *opaque, const kf_error_t *err) {
    observed_t *obs = opaque;
    if (!on_main_thread(obs))
        obs->errors_off_main++;
    obs->errors++;
    printf("error: %s: %s%s\n", kf_error_name(err), kf_error_message(err),
           kf_error_is_fatal(err) ? " (fatal)" : "");
}

static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    observed_t *obs = opaque;
    (void)msg;
    if (err == NULL)
        obs->delivered++;
    else
        obs->failed++;
}

/* Prints a failed call's error and frees it. Returns true when `err` was NULL (success). */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void) {
    static observed_t obs; /* static: zero-initialised */
    const char *bootstrap = getenv("KAFKA_BOOTSTRAP_SERVERS");
    kf_mock_cluster_t *mock = NULL;
    kf_config_t *conf;
    kf_producer_t *producer = NULL;
    kf_error_t *err = NULL;
    char topic[96];
    size_t remaining = 0;
    long sent = 0;
    int64_t deadline;
    bool ok;

    obs.main_thread = pthread_self();
    snprintf(topic, sizeof topic, "kafkaffi-stats-and-logs-%ld-%ld", (long)getpid(),
             (long)time(NULL));

    if (bootstrap == NULL || *bootstrap == '\0') {
        mock = kf_mock_cluster_new(1, &err);
        if (mock == NULL) {
            check(err, "kf_mock_cluster_new");
            return 1;
        }
        bootstrap = kf_mock_cluster_bootstrap_servers(mock);
    }
    printf("cluster: %s (%s), topic %s\n", bootstrap, mock != NULL ? "mock" : "external", topic);

    conf = kf_config_new();
    ok = check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers") &&
         /* A statistics document every 500 ms. */
         check(kf_config_set(conf, "statistics.interval.ms", "500"), "statistics.interval.ms") &&
         /* Debug lines of two contexts only: "all" would flood the logger. */
         check(kf_config_set(conf, "debug", "broker,topic"), "debug") &&
         check(kf_config_set_stats_cb(conf, on_stats, &obs, NULL), "kf_config_set_stats_cb") &&
         check(kf_config_set_log_cb(conf, on_log, &obs, NULL), "kf_config_set_log_cb") &&
         check(kf_config_set_error_cb(conf, on_error, &obs, NULL), "kf_config_set_error_cb") &&
         check(kf_config_set_delivery_cb(conf, on_delivery, &obs, NULL),
               "kf_config_set_delivery_cb");
    if (ok) {
        producer = kf_producer_new(conf, &err);
        ok = check(err, "kf_producer_new");
    }
    kf_config_destroy(conf);

    /* Produce, then poll: each poll serves whatever callbacks are due (waiting up to 20 ms). */
    deadline = now_ms() + RUN_MS;
    while (ok && now_ms() < deadline) {
        char value[32];
        int len = snprintf(value, sizeof value, "message %ld", sent);
        if (check(kf_producer_produce(producer, topic, KF_PARTITION_UA, NULL, 0,
                                      (const uint8_t *)value, (size_t)len, NULL, 0, NULL, NULL),
                  "kf_producer_produce"))
            sent++;
        check(kf_producer_poll(producer, 20, NULL), "kf_producer_poll");
    }
    if (ok)
        ok = check(kf_producer_flush(producer, 10000, &remaining), "kf_producer_flush");

    printf("\nsent %ld message(s): %ld delivered, %ld failed, %zu undelivered\n", sent,
           obs.delivered, obs.failed, remaining);
    printf("statistics documents: %ld (%zu bytes in all), %ld off the main thread\n", obs.stats,
           obs.stats_bytes, obs.stats_off_main);
    printf("log lines:            %ld (debug %ld, info %ld, notice %ld, warning %ld, error %ld),"
           " %ld off the main thread\n",
           obs.logs, obs.log_levels[7], obs.log_levels[6], obs.log_levels[5], obs.log_levels[4],
           obs.log_levels[3], obs.logs_off_main);
    printf("errors:               %ld, %ld off the main thread\n", obs.errors,
           obs.errors_off_main);
    /* librdkafka writes the thread a line comes from into it ("[thrd:...]"): the lines were
     * written on librdkafka's threads, yet delivered to on_log on this one. */
    printf("(log lines tagged [thrd:<broker>] were written on librdkafka's broker threads and\n"
           " delivered here by kf_producer_poll)\n");

    ok = ok && obs.stats > 0 && obs.logs > 0 && obs.stats_off_main == 0 &&
         obs.logs_off_main == 0 && obs.errors_off_main == 0;
    printf("%s\n", ok ? "OK: every callback ran on the main thread, inside poll or flush"
                      : "FAILED");

    check(kf_producer_destroy(producer), "kf_producer_destroy"); /* NULL: no-op */
    kf_mock_cluster_destroy(mock);                                /* NULL: no-op */
    return ok ? 0 : 1;
}
