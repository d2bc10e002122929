/*
 * soak.c: produce N messages and consume them back, interleaved, on an in-process mock cluster,
 * checking every one, and watching the resident set size (RSS) as it goes.
 *
 *   soak <messages> [--check-rss]
 *
 * One thread produces to PARTITIONS partitions (message i to partition i % PARTITIONS, value
 * "soak-<i>", a header on every 100th) with an idempotent producer and a delivery callback, and
 * consumes in a consumer group (subscribe, auto-commit), never more than WINDOW messages ahead
 * of the consumer: the mock cluster keeps at most 100,000 messages per partition, and a bounded
 * window keeps memory use independent of N. Each partition must deliver its indexes exactly
 * once and in order (p, p + PARTITIONS, ...): a gap counts as lost, a repeat as duplicate.
 *
 * It prints the RSS (from /proc/self/statm) 20 times, at every 5 % of the messages consumed.
 * With --check-rss it also fails when the largest RSS seen in the last quarter of the run
 * exceeds the largest of the second quarter by more than 10 % or 8 MiB, whichever is larger
 * (the first quarter is warm-up: buffers, the group join, the allocator's arenas).
 *
 * Exits 0 when every message was delivered and consumed exactly once, in order, and (with
 * --check-rss) the RSS stayed flat. Everything is destroyed at the end, so valgrind's leak
 * check sees a clean shutdown.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafkaffi.h"

#define PARTITIONS 4
#define WINDOW 20000            /* produced but not yet consumed, at most */
#define BATCH 500               /* messages per kf_consumer_consume() call */
#define STALL_TIMEOUT_MS 120000 /* no progress for this long: fail (valgrind is slow) */
#define SAMPLES 20

typedef struct {
    long delivered;
    long failed;
} delivery_stats_t;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long rss_kib(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    delivery_stats_t *stats = opaque;
    (void)msg;
    if (err == NULL)
        stats->delivered++;
    else if (stats->failed++ < 5)
        fprintf(stderr, "delivery failed: %s\n", kf_error_message(err));
}

static kf_config_t *config(const char *bootstrap) {
    kf_config_t *conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers")) {
        kf_config_destroy(conf);
        return NULL;
    }
    return conf;
}

int main(int argc, char **argv) {
    long total, produced = 0, consumed = 0, lost = 0, duplicates = 0, malformed = 0;
    long next[PARTITIONS];
    long rss[SAMPLES + 1];
    long q2_max = 0, q4_max = 0;
    int samples = 0;
    bool check_rss = argc > 2 && strcmp(argv[2], "--check-rss") == 0;
    delivery_stats_t delivery = {0, 0};
    kf_mock_cluster_t *mock = NULL;
    kf_producer_t *producer = NULL;
    kf_consumer_t *consumer = NULL;
    kf_config_t *conf = NULL;
    kf_error_t *err = NULL;
    static kf_message_t *batch[BATCH];
    const char *topics[1] = {"kafkaffi-soak"};
    size_t remaining = 0;
    int64_t start_ms, last_progress_ms;
    int status = 1;

    if (argc < 2 || (total = atol(argv[1])) <= 0) {
        fprintf(stderr, "usage: %s <messages> [--check-rss]\n", argv[0]);
        return 2;
    }
    for (int p = 0; p < PARTITIONS; p++)
        next[p] = p;

    mock = kf_mock_cluster_new(1, &err);
    if (mock == NULL) {
        check(err, "kf_mock_cluster_new");
        return 1;
    }
    if (!check(kf_mock_cluster_topic_create(mock, topics[0], PARTITIONS, 1), "topic_create"))
        goto out;

    conf = config(kf_mock_cluster_bootstrap_servers(mock));
    if (conf == NULL || !check(kf_config_set(conf, "linger.ms", "2"), "linger.ms") ||
        !check(kf_config_set(conf, "enable.idempotence", "true"), "enable.idempotence") ||
        !check(kf_config_set_delivery_cb(conf, on_delivery, &delivery, NULL), "delivery_cb"))
        goto out;
    producer = kf_producer_new(conf, &err);
    kf_config_destroy(conf);
    conf = NULL;
    if (producer == NULL) {
        check(err, "kf_producer_new");
        goto out;
    }
    conf = config(kf_mock_cluster_bootstrap_servers(mock));
    if (conf == NULL || !check(kf_config_set(conf, "group.id", "kafkaffi-soak"), "group.id") ||
        !check(kf_config_set(conf, "auto.offset.reset", "earliest"), "auto.offset.reset") ||
        !check(kf_config_set(conf, "auto.commit.interval.ms", "1000"), "auto.commit") ||
        !check(kf_config_set(conf, "fetch.wait.max.ms", "10"), "fetch.wait.max.ms"))
        goto out;
    consumer = kf_consumer_new(conf, &err);
    kf_config_destroy(conf);
    conf = NULL;
    if (consumer == NULL) {
        check(err, "kf_consumer_new");
        goto out;
    }
    if (!check(kf_consumer_subscribe(consumer, topics, 1, NULL), "kf_consumer_subscribe"))
        goto out;

    printf("soak: %ld messages, %d partitions, window %d, rss at start %ld KiB\n", total,
           PARTITIONS, WINDOW, rss_kib());
    fflush(stdout);
    start_ms = last_progress_ms = now_ms();
    while (consumed < total) {
        size_t count = 0;
        /* Produce up to the window. */
        while (produced < total && produced - consumed < WINDOW) {
            char value[32];
            int len = snprintf(value, sizeof value, "soak-%ld", produced);
            kf_headers_t *headers = NULL;
            if (produced % 100 == 0) {
                headers = kf_headers_new(1);
                if (!check(kf_headers_add(headers, "i", (const uint8_t *)value, (size_t)len),
                           "kf_headers_add")) {
                    kf_headers_destroy(headers);
                    goto out;
                }
            }
            err = kf_producer_produce(producer, topics[0], (int32_t)(produced % PARTITIONS), NULL,
                                      0, (const uint8_t *)value, (size_t)len, headers, 0, NULL,
                                      NULL);
            kf_headers_destroy(headers);
            if (err != NULL && kf_error_code(err) == KF_ERR__QUEUE_FULL) {
                kf_error_destroy(err);
                break;
            }
            if (!check(err, "kf_producer_produce"))
                goto out;
            produced++;
        }
        if (!check(kf_producer_poll(producer, 0, NULL), "kf_producer_poll"))
            goto out;
        /* Consume what has arrived (wait a little when nothing can be produced). */
        if (!check(kf_consumer_consume(consumer, batch, BATCH, 10, &count), "kf_consumer_consume"))
            goto out;
        for (size_t k = 0; k < count; k++) {
            const kf_message_t *m = batch[k];
            size_t len = 0;
            const uint8_t *v;
            char buf[32];
            long index;
            int32_t p;
            if (kf_message_error_code(m) != KF_ERR_NO_ERROR) {
                kf_error_t *e = kf_message_error(m);
                fprintf(stderr, "consumer event: %s\n", kf_error_message(e));
                kf_error_destroy(e);
                kf_message_destroy(batch[k]);
                continue;
            }
            v = kf_message_value(m, &len);
            p = kf_message_partition(m);
            if (v == NULL || len < 6 || len >= sizeof buf || memcmp(v, "soak-", 5) != 0 || p < 0 ||
                p >= PARTITIONS) {
                malformed++;
            } else {
                memcpy(buf, v + 5, len - 5);
                buf[len - 5] = '\0';
                index = atol(buf);
                if (index % PARTITIONS != p) {
                    malformed++;
                } else if (index < next[p]) {
                    duplicates++;
                } else {
                    lost += (index - next[p]) / PARTITIONS;
                    next[p] = index + PARTITIONS;
                    consumed++;
                    last_progress_ms = now_ms();
                    /* RSS: the running maxima per quarter, and a line every 5 %. */
                    if (consumed % 1000 == 0 || consumed == total) {
                        long r = rss_kib();
                        long quarter = consumed * 4 / (total + 1);
                        if (quarter == 1 && r > q2_max)
                            q2_max = r;
                        if (quarter == 3 && r > q4_max)
                            q4_max = r;
                    }
                    if (samples <= SAMPLES && consumed >= total / SAMPLES * samples) {
                        rss[samples] = rss_kib();
                        printf("rss: consumed %ld (%ld%%) rss_kib %ld elapsed_ms %" PRId64 "\n",
                               consumed, consumed * 100 / total, rss[samples],
                               now_ms() - start_ms);
                        fflush(stdout);
                        samples++;
                    }
                }
            }
            kf_message_destroy(batch[k]);
        }
        if (now_ms() - last_progress_ms > STALL_TIMEOUT_MS) {
            fprintf(stderr, "no progress for %d ms (produced %ld, consumed %ld)\n",
                    STALL_TIMEOUT_MS, produced, consumed);
            goto out;
        }
    }
    if (!check(kf_producer_flush(producer, 30000, &remaining), "kf_producer_flush"))
        goto out;

    printf("produced:   %ld\n", produced);
    printf("delivered:  %ld (failed %ld, undelivered %zu)\n", delivery.delivered, delivery.failed,
           remaining);
    printf("consumed:   %ld (lost %ld, duplicates %ld, malformed %ld)\n", consumed, lost,
           duplicates, malformed);
    printf("elapsed:    %" PRId64 " ms\n", now_ms() - start_ms);
    status = (produced == total && delivery.delivered == total && delivery.failed == 0 &&
              remaining == 0 && consumed == total && lost == 0 && duplicates == 0 &&
              malformed == 0)
                 ? 0
                 : 1;
    if (check_rss) {
        long allowed = q2_max / 10 > 8192 ? q2_max / 10 : 8192;
        bool flat = q2_max > 0 && q4_max > 0 && q4_max <= q2_max + allowed;
        printf("rss check:  second-quarter max %ld KiB, last-quarter max %ld KiB, growth %ld KiB "
               "(allowed %ld): %s\n",
               q2_max, q4_max, q4_max - q2_max, allowed, flat ? "flat" : "GROWING");
        if (!flat)
            status = 1;
    }
    printf("%s\n", status == 0 ? "OK" : "FAILED");

out:
    if (consumer != NULL) {
        if (!check(kf_consumer_close(consumer, -1), "kf_consumer_close"))
            status = 1;
        if (!check(kf_consumer_destroy(consumer), "kf_consumer_destroy"))
            status = 1;
    }
    if (!check(kf_producer_destroy(producer), "kf_producer_destroy"))
        status = 1;
    kf_config_destroy(conf);
    kf_mock_cluster_destroy(mock);
    return status;
}
