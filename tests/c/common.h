/*
 * common.h: small helpers shared by the C tests in tests/c/.
 *
 * Every test is a standalone program: it prints what it checks, counts failed checks and
 * returns 0 only when none failed. The helpers are `static inline` so that a test that does
 * not use one of them still compiles cleanly with -Wall -Wextra -Werror.
 *
 * Clusters: a test that needs the real broker takes it from KAFKA_BOOTSTRAP_SERVERS and FAILS
 * (never skips) when the variable is not set; tests on the in-process mock cluster always run.
 *
 * Only include/kafkaffi.h is used, never librdkafka's headers.
 */
#ifndef KAFKAFFI_TESTS_C_COMMON_H
#define KAFKAFFI_TESTS_C_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafkaffi.h"

/* ---- check bookkeeping ------------------------------------------------------------------ */

/* The number of failed checks so far (one counter per test program). */
static inline int *t_failures(void) {
    static int failures;
    return &failures;
}

/* Records one check: prints "ok" or "FAIL" with the location and description. */
static inline bool t_check(bool cond, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    if (!cond) {
        (*t_failures())++;
        fprintf(stderr, "FAIL %s:%d: ", file, line);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    return cond;
}

/* CHECK(cond, "what is checked %d", ...): a failed check is counted; the test goes on. */
#define CHECK(cond, ...) t_check((cond), __FILE__, __LINE__, __VA_ARGS__)

/* REQUIRE(cond, ...): a failed check ends the test at once (nothing sensible can follow). */
#define REQUIRE(cond, ...)                                                                    \
    do {                                                                                      \
        if (!t_check((cond), __FILE__, __LINE__, __VA_ARGS__)) {                              \
            fprintf(stderr, "FAIL: cannot continue\n");                                       \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

/* Prints a section heading, so the output shows what each part of the test checks. */
static inline void t_section(const char *fmt, ...) {
    va_list ap;
    printf("-- ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

/* The exit status of a test: 0 when every check passed. */
static inline int t_finish(const char *test_name) {
    int n = *t_failures();
    if (n == 0)
        printf("PASS %s\n", test_name);
    else
        printf("FAIL %s: %d check(s) failed\n", test_name, n);
    return n == 0 ? 0 : 1;
}

/* ---- kafkaffi errors -------------------------------------------------------------------- */

/* Expects success: a non-NULL error is reported (name and message) and freed. */
static inline bool t_ok(kf_error_t *err, const char *file, int line, const char *what) {
    if (err == NULL)
        return true;
    t_check(false, file, line, "%s: %s: %s", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}
#define OK(call) t_ok((call), __FILE__, __LINE__, #call)

/* Like OK() but ends the test on failure. */
#define MUST(call)                                                                            \
    do {                                                                                      \
        if (!t_ok((call), __FILE__, __LINE__, #call)) {                                       \
            fprintf(stderr, "FAIL: cannot continue\n");                                       \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

/*
 * Expects a failure with `code` whose message contains `needle` (NULL: any message).
 * Frees the error either way.
 */
static inline bool t_err(kf_error_t *err, int32_t code, const char *needle, const char *file,
                         int line, const char *what) {
    bool good;
    if (err == NULL)
        return t_check(false, file, line, "%s: expected %s, the call succeeded", what,
                       kf_error_code_name(code));
    good = t_check(kf_error_code(err) == code, file, line, "%s: expected %s, got %s (%s)", what,
                   kf_error_code_name(code), kf_error_name(err), kf_error_message(err));
    if (needle != NULL)
        good = t_check(strstr(kf_error_message(err), needle) != NULL, file, line,
                       "%s: message \"%s\" does not mention \"%s\"", what,
                       kf_error_message(err), needle) &&
               good;
    kf_error_destroy(err);
    return good;
}
#define ERR(call, code, needle) t_err((call), (code), (needle), __FILE__, __LINE__, #call)

/* ---- time and names --------------------------------------------------------------------- */

/* Monotonic milliseconds, for measuring durations. */
static inline int64_t t_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wall-clock milliseconds since the epoch, for message timestamps. */
static inline int64_t t_wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void t_sleep_ms(int ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A topic or group name no other test, helper or earlier run uses: prefix-pid-ms-counter. */
static inline void t_unique(char *buf, size_t size, const char *prefix) {
    static unsigned counter;
    snprintf(buf, size, "%s-%ld-%lld-%u", prefix, (long)getpid(), (long long)t_wall_ms(),
             counter++);
}

/* ---- clusters --------------------------------------------------------------------------- */

/* Where a test runs: the real broker (mock == NULL) or a mock cluster owned by the test. */
typedef struct {
    const char *name;        /* "broker" or "mock", for messages */
    const char *bootstrap;   /* bootstrap.servers */
    kf_mock_cluster_t *mock; /* NULL for the real broker */
} t_cluster_t;

/* The real broker from KAFKA_BOOTSTRAP_SERVERS. Fails the test when it is not set. */
static inline t_cluster_t t_cluster_broker(void) {
    t_cluster_t c;
    const char *bs = getenv("KAFKA_BOOTSTRAP_SERVERS");
    REQUIRE(bs != NULL && *bs != '\0',
            "KAFKA_BOOTSTRAP_SERVERS is not set: this test needs the real broker (run "
            "scripts/kafka/start.sh and `source /tmp/kafkaffi-kafka/env`)");
    c.name = "broker";
    c.bootstrap = bs;
    c.mock = NULL;
    return c;
}

/* A new in-process mock cluster with `brokers` brokers. */
static inline t_cluster_t t_cluster_mock(int brokers) {
    t_cluster_t c;
    kf_error_t *err = NULL;
    c.mock = kf_mock_cluster_new(brokers, &err);
    MUST(err);
    REQUIRE(c.mock != NULL, "kf_mock_cluster_new returned NULL");
    c.name = "mock";
    c.bootstrap = kf_mock_cluster_bootstrap_servers(c.mock);
    return c;
}

static inline void t_cluster_destroy(t_cluster_t *c) {
    kf_mock_cluster_destroy(c->mock); /* NULL (the real broker) is a no-op */
    c->mock = NULL;
}

/* A new configuration with bootstrap.servers set, plus `props`: key, value, ..., NULL. */
static inline kf_config_t *t_config(const t_cluster_t *c, ...) {
    va_list ap;
    const char *key;
    kf_config_t *conf = kf_config_new();
    MUST(kf_config_set(conf, "bootstrap.servers", c->bootstrap));
    va_start(ap, c);
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        MUST(kf_config_set(conf, key, value));
    }
    va_end(ap);
    return conf;
}

static inline kf_producer_t *t_producer(const kf_config_t *conf) {
    kf_error_t *err = NULL;
    kf_producer_t *p = kf_producer_new(conf, &err);
    MUST(err);
    REQUIRE(p != NULL, "kf_producer_new returned NULL without an error");
    return p;
}

static inline kf_consumer_t *t_consumer(const kf_config_t *conf) {
    kf_error_t *err = NULL;
    kf_consumer_t *c = kf_consumer_new(conf, &err);
    MUST(err);
    REQUIRE(c != NULL, "kf_consumer_new returned NULL without an error");
    return c;
}

/*
 * Creates `topic` with `partitions` partitions: directly on a mock cluster; on the real broker
 * by letting it auto-create the topic (auto.create.topics.enable, num.partitions=1), so
 * `partitions` must be 1 there. Then waits until every partition has a leader.
 */
static inline void t_create_topic(const t_cluster_t *c, const char *topic, int partitions) {
    kf_config_t *conf;
    kf_producer_t *p;
    int64_t deadline = t_now_ms() + 30000;
    bool ready = false;

    if (c->mock != NULL)
        MUST(kf_mock_cluster_topic_create(c->mock, topic, partitions, 1));
    else
        REQUIRE(partitions == 1, "the real broker auto-creates topics with 1 partition");

    conf = t_config(c, NULL);
    p = t_producer(conf);
    kf_config_destroy(conf);
    while (!ready && t_now_ms() < deadline) {
        kf_metadata_t *md = NULL;
        kf_error_t *err = kf_producer_list_topics(p, topic, 5000, &md);
        if (err == NULL) {
            ready = kf_metadata_topic_count(md) == 1 && kf_metadata_topic_error_code(md, 0) == 0 &&
                    kf_metadata_partition_count(md, 0) == (size_t)partitions;
            for (size_t i = 0; ready && i < (size_t)partitions; i++)
                ready = kf_metadata_partition_leader(md, 0, i) >= 0;
            kf_metadata_destroy(md);
        } else {
            kf_error_destroy(err);
        }
        if (!ready)
            t_sleep_ms(100);
    }
    REQUIRE(ready, "topic %s on %s did not get leaders within 30 s", topic, c->name);
    MUST(kf_producer_destroy(p));
}

/* True when the two byte strings are equal, NULL (null) being distinct from empty. */
static inline bool t_bytes_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
    if (a == NULL || b == NULL)
        return a == NULL && b == NULL && alen == 0 && blen == 0;
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

#endif /* KAFKAFFI_TESTS_C_COMMON_H */
