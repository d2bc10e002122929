/*
 * test_callbacks_thread.c: where and when kafkaffi runs callbacks, and how blocking calls end.
 *
 *   1. Delivery, error, stats and log callbacks run on the thread inside kf_producer_poll() or
 *      kf_producer_flush() (a poller thread, then the main thread), never on a librdkafka
 *      thread and never outside such a call.
 *   2. Calling kf_producer_poll/flush/destroy on a producer from inside one of its callbacks
 *      returns KF_ERR__STATE (and destroys nothing); another producer may be polled there.
 *      The same for kf_consumer_poll/close/destroy inside a rebalance callback.
 *   3. on_commit reports asynchronous commits (served by poll, and by a close right after
 *      one, which must still complete); a synchronous commit returns its result instead.
 *   4. kf_producer_wake() from another thread makes a blocked kf_producer_poll(-1) (and
 *      kf_producer_flush(-1), kf_consumer_poll(-1)) return KF_ERR__INTR promptly; a wake-up
 *      with no call blocked makes the next call return KF_ERR__INTR at once.
 *   5. The event fd becomes readable when a delivery report (or a message) is ready, and the
 *      callback runs only once the application polls.
 *
 * Runs on an in-process mock cluster (and a refused address for a stuck flush): always runs.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>

#include "common.h"

/* ---- recording where callbacks run --------------------------------------------------------
 * The callbacks may (if kafkaffi were wrong) run on other threads, so the record is guarded by
 * a mutex. `serving` is the thread currently inside poll or flush, `in_call` whether it is.
 */
typedef struct {
    int calls;
    int wrong_thread; /* ran on another thread than the one serving */
    int outside_call; /* ran while no poll/flush was in progress */
} record_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t serving;
static bool in_call;
static record_t rec_delivery, rec_error, rec_stats, rec_log;

static void record(record_t *r) {
    pthread_mutex_lock(&lock);
    r->calls++;
    if (!pthread_equal(pthread_self(), serving))
        r->wrong_thread++;
    if (!in_call)
        r->outside_call++;
    pthread_mutex_unlock(&lock);
}

static int calls_of(const record_t *r) {
    int n;
    pthread_mutex_lock(&lock);
    n = r->calls;
    pthread_mutex_unlock(&lock);
    return n;
}

/* Marks the calling thread as the one serving callbacks, inside a call or not. */
static void set_serving(bool inside) {
    pthread_mutex_lock(&lock);
    serving = pthread_self();
    in_call = inside;
    pthread_mutex_unlock(&lock);
}

static void on_delivery(void *o, const kf_message_t *m, const kf_error_t *e) {
    (void)o, (void)m, (void)e;
    record(&rec_delivery);
}
static void on_error(void *o, const kf_error_t *e) {
    (void)o, (void)e;
    record(&rec_error);
}
static void on_stats(void *o, const char *json, size_t len) {
    (void)o, (void)json, (void)len;
    record(&rec_stats);
}
static void on_log(void *o, int level, const char *fac, const char *msg) {
    (void)o, (void)level, (void)fac, (void)msg;
    record(&rec_log);
}

/* Polls `producer` (50 ms at a time) on the calling thread until *stop. */
typedef struct {
    kf_producer_t *producer;
    volatile int stop; /* written by main under `lock` */
    int poll_errors;
} poller_t;

static bool poller_should_stop(poller_t *p) {
    bool stop;
    pthread_mutex_lock(&lock);
    stop = p->stop != 0;
    pthread_mutex_unlock(&lock);
    return stop;
}

static void *poller_main(void *arg) {
    poller_t *p = arg;
    while (!poller_should_stop(p)) {
        kf_error_t *err;
        set_serving(true);
        err = kf_producer_poll(p->producer, 50, NULL);
        set_serving(false);
        if (err != NULL) {
            p->poll_errors++;
            kf_error_destroy(err);
        }
    }
    return NULL;
}

static void check_record(const char *what, const record_t *r, int at_least) {
    CHECK(r->calls >= at_least, "%s: %d call(s), expected at least %d", what, r->calls,
          at_least);
    CHECK(r->wrong_thread == 0, "%s: %d call(s) on another thread than the polling one", what,
          r->wrong_thread);
    CHECK(r->outside_call == 0, "%s: %d call(s) outside poll/flush", what, r->outside_call);
    printf("   %-9s %4d call(s), all on the serving thread, inside poll/flush\n", what,
           r->calls);
}

static void test_callback_threads(t_cluster_t *cluster) {
    char topic[96];
    kf_config_t *conf;
    kf_producer_t *p;
    poller_t poller = {NULL, 0, 0};
    pthread_t thread;
    int64_t deadline;
    size_t remaining = 42;

    t_section("delivery, error, stats and log callbacks run on the thread serving them");
    t_unique(topic, sizeof topic, "c-callbacks");
    t_create_topic(cluster, topic, 1);
    conf = t_config(cluster, "statistics.interval.ms", "100", "debug", "broker,msg",
                    "reconnect.backoff.ms", "20", "reconnect.backoff.max.ms", "100", NULL);
    MUST(kf_config_set_delivery_cb(conf, on_delivery, NULL, NULL));
    MUST(kf_config_set_error_cb(conf, on_error, NULL, NULL));
    MUST(kf_config_set_stats_cb(conf, on_stats, NULL, NULL));
    MUST(kf_config_set_log_cb(conf, on_log, NULL, NULL));
    p = t_producer(conf);
    kf_config_destroy(conf);

    /* Phase 1: a poller thread serves; this (main) thread produces and breaks the broker. */
    poller.producer = p;
    REQUIRE(pthread_create(&thread, NULL, poller_main, &poller) == 0, "pthread_create");
    for (int i = 0; i < 100; i++)
        OK(kf_producer_produce(p, topic, 0, NULL, 0, (const uint8_t *)"x", 1, NULL, 0, NULL,
                               NULL));
    deadline = t_now_ms() + 10000;
    while (calls_of(&rec_delivery) < 100 && t_now_ms() < deadline)
        t_sleep_ms(10);
    /* Take the broker down: the client reports the lost connection through error_cb. */
    OK(kf_mock_cluster_broker_down(cluster->mock, 1));
    while ((calls_of(&rec_error) < 1 || calls_of(&rec_stats) < 2 || calls_of(&rec_log) < 1) &&
           t_now_ms() < deadline + 10000)
        t_sleep_ms(10);
    OK(kf_mock_cluster_broker_up(cluster->mock, 1));
    pthread_mutex_lock(&lock);
    poller.stop = 1;
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    CHECK(poller.poll_errors == 0, "kf_producer_poll failed %d time(s) on the poller",
          poller.poll_errors);
    printf("   phase 1 (a poller thread polls):\n");
    check_record("delivery", &rec_delivery, 100);
    check_record("error", &rec_error, 1);
    check_record("stats", &rec_stats, 2);
    check_record("log", &rec_log, 1);

    /* Phase 2: nobody polls for a while: no callback may run meanwhile. */
    memset(&rec_delivery, 0, sizeof rec_delivery);
    memset(&rec_stats, 0, sizeof rec_stats);
    memset(&rec_log, 0, sizeof rec_log);
    memset(&rec_error, 0, sizeof rec_error);
    set_serving(false);
    for (int i = 0; i < 10; i++)
        OK(kf_producer_produce(p, topic, 0, NULL, 0, (const uint8_t *)"y", 1, NULL, 0, NULL,
                               NULL));
    t_sleep_ms(500); /* deliveries, stats and logs are ready, but must wait for a poll */
    CHECK(calls_of(&rec_delivery) == 0 && calls_of(&rec_stats) == 0 &&
              calls_of(&rec_log) == 0 && calls_of(&rec_error) == 0,
          "no callback without poll (delivery %d, stats %d, log %d, error %d)",
          calls_of(&rec_delivery), calls_of(&rec_stats), calls_of(&rec_log),
          calls_of(&rec_error));
    printf("   phase 2 (nobody polls for 500 ms): no callback ran\n");

    /* Phase 3: this thread flushes: the callbacks run here, inside the flush. */
    set_serving(true);
    OK(kf_producer_flush(p, 10000, &remaining));
    set_serving(false);
    CHECK(remaining == 0, "flushed (%zu left)", remaining);
    printf("   phase 3 (the main thread flushes):\n");
    check_record("delivery", &rec_delivery, 10);
    check_record("stats", &rec_stats, 1); /* waiting 500 ms queued several */
    CHECK(rec_error.wrong_thread == 0 && rec_error.outside_call == 0 &&
              rec_log.wrong_thread == 0 && rec_log.outside_call == 0,
          "error and log callbacks served by the flush");
    OK(kf_producer_destroy(p));
}

/* ---- re-entrance: poll, flush or destroy from inside the client's own callbacks ---------- */

typedef struct {
    kf_producer_t *self;
    kf_producer_t *other;
    int32_t poll_code, flush_code, destroy_code, other_poll_code;
    int calls;
} reentry_t;

static void reentrant_delivery(void *opaque, const kf_message_t *m, const kf_error_t *e) {
    reentry_t *r = opaque;
    kf_error_t *err;
    (void)m, (void)e;
    r->calls++;
    err = kf_producer_poll(r->self, 0, NULL);
    r->poll_code = kf_error_code(err);
    kf_error_destroy(err);
    err = kf_producer_flush(r->self, 0, NULL);
    r->flush_code = kf_error_code(err);
    kf_error_destroy(err);
    err = kf_producer_destroy(r->self); /* must refuse, and destroy nothing */
    r->destroy_code = kf_error_code(err);
    kf_error_destroy(err);
    err = kf_producer_poll(r->other, 0, NULL); /* another client: allowed */
    r->other_poll_code = kf_error_code(err);
    kf_error_destroy(err);
}

static void test_producer_reentry(t_cluster_t *cluster) {
    char topic[96];
    kf_config_t *conf;
    reentry_t r;
    size_t remaining = 42;
    kf_error_t *err;

    t_section("poll, flush and destroy from inside a delivery callback: KF_ERR__STATE");
    t_unique(topic, sizeof topic, "c-reentry");
    t_create_topic(cluster, topic, 1);
    memset(&r, 0, sizeof r);
    conf = t_config(cluster, NULL);
    r.self = t_producer(conf);
    r.other = t_producer(conf);
    kf_config_destroy(conf);

    OK(kf_producer_produce(r.self, topic, 0, NULL, 0, (const uint8_t *)"re", 2, NULL, 0,
                           reentrant_delivery, &r));
    OK(kf_producer_flush(r.self, 10000, &remaining));
    CHECK(r.calls == 1, "the delivery callback ran once (%d)", r.calls);
    CHECK(r.poll_code == KF_ERR__STATE, "kf_producer_poll inside: %s",
          kf_error_code_name(r.poll_code));
    CHECK(r.flush_code == KF_ERR__STATE, "kf_producer_flush inside: %s",
          kf_error_code_name(r.flush_code));
    CHECK(r.destroy_code == KF_ERR__STATE, "kf_producer_destroy inside: %s",
          kf_error_code_name(r.destroy_code));
    CHECK(r.other_poll_code == 0, "polling another producer inside: %s",
          kf_error_code_name(r.other_poll_code));

    /* Still alive and usable after the refused destroy. */
    r.calls = 0;
    OK(kf_producer_produce(r.self, topic, 0, NULL, 0, (const uint8_t *)"again", 5, NULL, 0,
                           on_delivery, NULL));
    err = kf_producer_flush(r.self, 10000, &remaining);
    CHECK(err == NULL && remaining == 0, "the producer still works after the refused destroy");
    kf_error_destroy(err);
    OK(kf_producer_destroy(r.self));
    OK(kf_producer_destroy(r.other));
    printf("   poll, flush, destroy refused inside the callback; another client allowed\n");
}

typedef struct {
    int assigned;
    int32_t poll_code, close_code, destroy_code;
} consumer_reentry_t;

static void reentrant_assign(void *opaque, kf_consumer_t *c,
                             const kf_topic_partition_list_t *partitions) {
    consumer_reentry_t *r = opaque;
    kf_message_t *m = NULL;
    kf_error_t *err;
    (void)partitions;
    r->assigned++;
    err = kf_consumer_poll(c, 0, &m);
    r->poll_code = kf_error_code(err);
    kf_error_destroy(err);
    kf_message_destroy(m);
    err = kf_consumer_close(c, -1);
    r->close_code = kf_error_code(err);
    kf_error_destroy(err);
    err = kf_consumer_destroy(c);
    r->destroy_code = kf_error_code(err);
    kf_error_destroy(err);
}

static void test_consumer_reentry(t_cluster_t *cluster) {
    char topic[96], group[96];
    const char *topics[1];
    kf_config_t *conf;
    kf_consumer_t *c;
    consumer_reentry_t r;
    kf_rebalance_callbacks_t cbs = {reentrant_assign, NULL, NULL, NULL, NULL};
    kf_topic_partition_list_t *assignment = NULL;
    int64_t deadline = t_now_ms() + 30000;

    t_section("poll, close and destroy from inside on_assign: KF_ERR__STATE");
    t_unique(topic, sizeof topic, "c-reentry-consumer");
    t_unique(group, sizeof group, "c-reentry-group");
    t_create_topic(cluster, topic, 1);
    memset(&r, 0, sizeof r);
    cbs.opaque = &r;
    topics[0] = topic;
    conf = t_config(cluster, "group.id", group, NULL);
    c = t_consumer(conf);
    kf_config_destroy(conf);
    MUST(kf_consumer_subscribe(c, topics, 1, &cbs));
    while (r.assigned == 0 && t_now_ms() < deadline) {
        kf_message_t *m = NULL;
        OK(kf_consumer_poll(c, 100, &m));
        kf_message_destroy(m);
    }
    CHECK(r.assigned == 1, "on_assign ran (%d)", r.assigned);
    CHECK(r.poll_code == KF_ERR__STATE, "kf_consumer_poll inside on_assign: %s",
          kf_error_code_name(r.poll_code));
    CHECK(r.close_code == KF_ERR__STATE, "kf_consumer_close inside on_assign: %s",
          kf_error_code_name(r.close_code));
    CHECK(r.destroy_code == KF_ERR__STATE, "kf_consumer_destroy inside on_assign: %s",
          kf_error_code_name(r.destroy_code));
    /* The default assignment still applied, and the consumer is usable. */
    if (OK(kf_consumer_assignment(c, &assignment)))
        CHECK(kf_topic_partition_list_count(assignment) == 1,
              "the default assignment applied after on_assign (%zu partitions)",
              kf_topic_partition_list_count(assignment));
    kf_topic_partition_list_destroy(assignment);
    OK(kf_consumer_close(c, -1));
    OK(kf_consumer_destroy(c));
    printf("   poll, close, destroy refused inside on_assign; the assignment applied\n");
}

/* ---- on_commit: asynchronous commits only ----------------------------------------------------- */

static record_t rec_commit;
static int32_t commit_err = -1;
static void on_commit(void *o, const kf_error_t *e, const kf_topic_partition_list_t *offsets) {
    (void)o, (void)offsets;
    commit_err = kf_error_code(e);
    record(&rec_commit);
}

static void test_commit_callback(t_cluster_t *cluster) {
    char topic[96], group[96];
    kf_config_t *conf;
    kf_producer_t *p;
    kf_consumer_t *c;
    kf_topic_partition_list_t *l, *committed = NULL;
    kf_message_t *m = NULL;
    int64_t deadline;

    t_section("on_commit reports asynchronous commits, inside poll; a synchronous one returns");
    t_unique(topic, sizeof topic, "c-commit");
    t_unique(group, sizeof group, "c-commit-group");
    t_create_topic(cluster, topic, 1);
    conf = t_config(cluster, NULL);
    p = t_producer(conf);
    kf_config_destroy(conf);
    for (int i = 0; i < 2; i++)
        OK(kf_producer_produce(p, topic, 0, NULL, 0, (const uint8_t *)"c", 1, NULL, 0, NULL,
                               NULL));
    OK(kf_producer_flush(p, 10000, NULL));
    OK(kf_producer_destroy(p));

    conf = t_config(cluster, "group.id", group, "enable.auto.commit", "false", NULL);
    MUST(kf_config_set_commit_cb(conf, on_commit, NULL, NULL));
    c = t_consumer(conf);
    kf_config_destroy(conf);
    l = kf_topic_partition_list_new(1);
    MUST(kf_topic_partition_list_add(l, topic, 0, NULL));
    MUST(kf_topic_partition_list_set_offset(l, 0, KF_OFFSET_BEGINNING));
    MUST(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);
    memset(&rec_commit, 0, sizeof rec_commit);
    set_serving(true);
    deadline = t_now_ms() + 10000;
    while (m == NULL && t_now_ms() < deadline)
        OK(kf_consumer_poll(c, 100, &m));
    REQUIRE(m != NULL && kf_message_error_code(m) == 0, "a message to commit");

    /* Synchronous: the result is returned; on_commit is not called, not even later. */
    if (OK(kf_consumer_commit(c, m, NULL, false, -1, &committed)))
        CHECK(kf_topic_partition_list_count(committed) == 1 &&
                  kf_topic_partition_list_offset(committed, 0) == kf_message_offset(m) + 1 &&
                  kf_topic_partition_list_error_code(committed, 0) == 0,
              "the synchronous commit returned the committed offset");
    kf_topic_partition_list_destroy(committed);
    kf_message_destroy(m);
    m = NULL;
    deadline = t_now_ms() + 500;
    while (t_now_ms() < deadline) {
        OK(kf_consumer_poll(c, 50, &m));
        kf_message_destroy(m);
        m = NULL;
    }
    CHECK(calls_of(&rec_commit) == 0, "on_commit called %d time(s) for a synchronous commit",
          calls_of(&rec_commit));

    /* Asynchronous: reported to on_commit, on this thread, inside poll. */
    OK(kf_consumer_commit(c, NULL, NULL, true, -1, NULL));
    deadline = t_now_ms() + 10000;
    while (calls_of(&rec_commit) == 0 && t_now_ms() < deadline) {
        OK(kf_consumer_poll(c, 50, &m));
        kf_message_destroy(m);
        m = NULL;
    }
    set_serving(false);
    check_record("on_commit", &rec_commit, 1);
    CHECK(rec_commit.calls == 1, "on_commit once for one asynchronous commit (%d)",
          rec_commit.calls);
    CHECK(commit_err == 0 || commit_err == KF_ERR__NO_OFFSET, "asynchronous commit: %s",
          kf_error_code_name(commit_err));

    /* Close right after an asynchronous commit: close completes (its result event arriving
     * meanwhile must not cut the wait short) and serves on_commit on this thread. */
    OK(kf_consumer_commit(c, NULL, NULL, true, -1, NULL));
    set_serving(true);
    OK(kf_consumer_close(c, -1));
    set_serving(false);
    check_record("on_commit", &rec_commit, 2);
    CHECK(rec_commit.calls == 2, "on_commit served by close (%d calls in all)", rec_commit.calls);
    OK(kf_consumer_destroy(c));
}

/* ---- wake ------------------------------------------------------------------------------------ */

typedef struct {
    kf_producer_t *producer;
    kf_consumer_t *consumer;
    bool flush; /* producer: flush(-1) instead of poll(-1) */
    volatile int returned;
    int32_t code;
    int64_t returned_ms;
} blocker_t;

static void *blocker_main(void *arg) {
    blocker_t *b = arg;
    kf_error_t *err;
    if (b->consumer != NULL) {
        kf_message_t *m = NULL;
        err = kf_consumer_poll(b->consumer, -1, &m);
        kf_message_destroy(m);
    } else if (b->flush) {
        err = kf_producer_flush(b->producer, -1, NULL);
    } else {
        err = kf_producer_poll(b->producer, -1, NULL);
    }
    pthread_mutex_lock(&lock);
    b->code = kf_error_code(err);
    b->returned_ms = t_now_ms();
    b->returned = 1;
    pthread_mutex_unlock(&lock);
    kf_error_destroy(err);
    return NULL;
}

/* Blocks a call on a thread, wakes it after 300 ms, checks it returns _INTR within 500 ms. */
static void wake_blocked(const char *what, blocker_t *b) {
    pthread_t thread;
    int64_t woken_ms;
    int returned_early;

    REQUIRE(pthread_create(&thread, NULL, blocker_main, b) == 0, "pthread_create");
    t_sleep_ms(300);
    pthread_mutex_lock(&lock);
    returned_early = b->returned;
    pthread_mutex_unlock(&lock);
    CHECK(!returned_early, "%s returned before the wake-up (%s)", what,
          kf_error_code_name(b->code));
    woken_ms = t_now_ms();
    if (b->consumer != NULL)
        OK(kf_consumer_wake(b->consumer));
    else
        OK(kf_producer_wake(b->producer));
    pthread_join(thread, NULL);
    CHECK(b->code == KF_ERR__INTR, "%s returned %s, expected _INTR", what,
          kf_error_code_name(b->code));
    CHECK(b->returned_ms - woken_ms < 500, "%s returned %lld ms after the wake-up", what,
          (long long)(b->returned_ms - woken_ms));
    printf("   %s: _INTR %lld ms after kf_*_wake()\n", what,
           (long long)(b->returned_ms - woken_ms));
}

static void test_wake(t_cluster_t *cluster) {
    kf_config_t *conf;
    kf_producer_t *p, *stuck;
    kf_consumer_t *c;
    blocker_t b;
    kf_error_t *err;
    int64_t start;
    char group[96];

    t_section("kf_*_wake() from another thread ends a blocking call with KF_ERR__INTR");
    conf = t_config(cluster, NULL); /* no callbacks: poll(-1) has nothing to serve */
    p = t_producer(conf);
    kf_config_destroy(conf);
    memset(&b, 0, sizeof b);
    b.producer = p;
    wake_blocked("kf_producer_poll(-1)", &b);

    /* A wake-up with nothing blocked is kept for the next call, which returns at once. */
    OK(kf_producer_wake(p));
    start = t_now_ms();
    err = kf_producer_poll(p, 5000, NULL);
    CHECK(kf_error_code(err) == KF_ERR__INTR && t_now_ms() - start < 200,
          "a latched wake-up: the next poll returns _INTR at once (%s after %lld ms)",
          kf_error_name(err), (long long)(t_now_ms() - start));
    kf_error_destroy(err);
    /* Consumed by that call: the following one is not interrupted. (It may still return
     * before its timeout, without error: librdkafka's queue keeps the yield; harmless.) */
    OK(kf_producer_poll(p, 100, NULL));
    OK(kf_producer_destroy(p));

    /* A flush that cannot finish: the only broker refuses connections. */
    conf = kf_config_new();
    MUST(kf_config_set(conf, "bootstrap.servers", "127.0.0.1:1"));
    MUST(kf_config_set(conf, "log_level", "0"));
    MUST(kf_config_set(conf, "message.timeout.ms", "60000"));
    stuck = t_producer(conf);
    kf_config_destroy(conf);
    OK(kf_producer_produce(stuck, "t", KF_PARTITION_UA, NULL, 0, (const uint8_t *)"v", 1, NULL,
                           0, NULL, NULL));
    memset(&b, 0, sizeof b);
    b.producer = stuck;
    b.flush = true;
    wake_blocked("kf_producer_flush(-1)", &b);
    OK(kf_producer_purge(stuck, true, true, true));
    OK(kf_producer_destroy(stuck));

    t_unique(group, sizeof group, "c-wake-group");
    conf = t_config(cluster, "group.id", group, NULL);
    c = t_consumer(conf);
    kf_config_destroy(conf);
    memset(&b, 0, sizeof b);
    b.consumer = c;
    wake_blocked("kf_consumer_poll(-1)", &b);
    OK(kf_consumer_close(c, -1));
    OK(kf_consumer_destroy(c));
}

/* ---- event fd -------------------------------------------------------------------------------- */

static bool fd_readable(int fd, int timeout_ms) {
    struct pollfd pfd;
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    return poll(&pfd, 1, timeout_ms) == 1 && (pfd.revents & POLLIN) != 0;
}

/* Reads the descriptor until it would block (it is non-blocking). Returns the bytes read. */
static size_t drain(int fd) {
    char buf[64];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        total += (size_t)n;
    return total;
}

static void test_event_fd(t_cluster_t *cluster) {
    char topic[96], group[96];
    kf_config_t *conf;
    kf_producer_t *p;
    kf_consumer_t *c;
    kf_topic_partition_list_t *l;
    kf_message_t *m = NULL;
    int fd = -1, fd2 = -1, served = 0;
    int64_t deadline;
    bool readable;

    t_section("the event fd becomes readable when poll has work");
    t_unique(topic, sizeof topic, "c-event-fd");
    t_create_topic(cluster, topic, 1);
    memset(&rec_delivery, 0, sizeof rec_delivery);
    set_serving(false);
    conf = t_config(cluster, NULL);
    MUST(kf_config_set_delivery_cb(conf, on_delivery, NULL, NULL));
    p = t_producer(conf);
    kf_config_destroy(conf);

    MUST(kf_producer_event_fd(p, &fd));
    MUST(kf_producer_event_fd(p, &fd2));
    CHECK(fd >= 0 && fd == fd2, "the same descriptor each time (%d, %d)", fd, fd2);
    CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "the descriptor is non-blocking");
    CHECK(!fd_readable(fd, 0), "not readable before anything is produced");

    OK(kf_producer_produce(p, topic, 0, NULL, 0, (const uint8_t *)"fd", 2, NULL, 0, NULL, NULL));
    readable = fd_readable(fd, 5000);
    CHECK(readable, "readable once the delivery report is ready");
    CHECK(calls_of(&rec_delivery) == 0, "the callback waits for the application's poll");
    CHECK(drain(fd) > 0, "the descriptor has bytes to drain");
    set_serving(true);
    OK(kf_producer_poll(p, 0, &served));
    set_serving(false);
    CHECK(served >= 1 && calls_of(&rec_delivery) == 1,
          "kf_producer_poll(0) served the report (served %d, callbacks %d)", served,
          calls_of(&rec_delivery));
    CHECK(!fd_readable(fd, 100), "not readable again once drained and served");
    printf("   producer: fd %d readable for a delivery report, served by poll(0)\n", fd);
    OK(kf_producer_destroy(p));

    /* A consumer's descriptor: readable when a message is ready. */
    t_unique(group, sizeof group, "c-event-fd-group");
    conf = t_config(cluster, "group.id", group, NULL);
    c = t_consumer(conf);
    kf_config_destroy(conf);
    MUST(kf_consumer_event_fd(c, &fd));
    l = kf_topic_partition_list_new(1);
    MUST(kf_topic_partition_list_add(l, topic, 0, NULL));
    MUST(kf_topic_partition_list_set_offset(l, 0, KF_OFFSET_BEGINNING));
    MUST(kf_consumer_assign(c, l));
    kf_topic_partition_list_destroy(l);
    deadline = t_now_ms() + 10000;
    while (m == NULL && t_now_ms() < deadline) {
        if (!fd_readable(fd, 1000))
            continue;
        drain(fd);
        /* Drain, then poll with timeout 0 until it returns nothing (the documented loop). */
        OK(kf_consumer_poll(c, 0, &m));
        if (m != NULL && kf_message_error_code(m) != 0) {
            kf_message_destroy(m);
            m = NULL;
        }
    }
    CHECK(m != NULL && kf_message_len(m) == 2, "the consumer's fd announced the message");
    kf_message_destroy(m);
    printf("   consumer: fd %d readable when the message arrived, poll(0) returned it\n", fd);
    OK(kf_consumer_close(c, -1));
    OK(kf_consumer_destroy(c));
}

int main(void) {
    t_cluster_t mock = t_cluster_mock(1);
    test_callback_threads(&mock);
    test_producer_reentry(&mock);
    test_consumer_reentry(&mock);
    test_commit_callback(&mock);
    test_wake(&mock);
    test_event_fd(&mock);
    t_cluster_destroy(&mock);
    return t_finish("test_callbacks_thread");
}
