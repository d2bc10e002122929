/*
 * consumer.c: a consumer-group member with kafkaffi.
 *
 *   consumer <bootstrap.servers> <group.id> <topic> [<topic> ...]
 *
 * Subscribes to the topics (a name starting with '^' is a regular expression), prints every
 * message, prints the partitions of every rebalance, commits offsets asynchronously every
 * COMMIT_EVERY messages (and once more, synchronously, before leaving), and stops cleanly on
 * SIGINT (Ctrl-C) or SIGTERM: it leaves the group with kf_consumer_close(), then destroys the
 * consumer.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/consumer.c -o consumer -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafkaffi.h"

#define COMMIT_EVERY 100

/* ---- shutdown on a signal ---------------------------------------------------------------
 *
 * kf_consumer_wake() is async-signal-safe (it stores a flag and writes one byte to a pipe), so
 * the handler calls it directly: the kf_consumer_poll() blocked in the main loop returns
 * KF_ERR__INTR at once, and so does any other blocking call (the last commit, the close) if the
 * signal comes again while it waits. The handler calls nothing else of kafkaffi: on success
 * kf_consumer_wake() returns NULL, so there is nothing to free.
 */
static volatile sig_atomic_t stop_requested = 0;
static kf_consumer_t *volatile signal_consumer = NULL;

static void on_signal(int sig) {
    kf_consumer_t *consumer = signal_consumer;
    (void)sig;
    stop_requested = 1;
    if (consumer != NULL)
        (void)kf_consumer_wake(consumer); /* NULL: the consumer is not NULL */
}

/* ---- callbacks ----------------------------------------------------------------------------
 * They all run on the main thread, inside kf_consumer_poll() or kf_consumer_close().
 */

/* Prints a partition list: "topic[partition]@offset ...". */
static void print_partitions(const char *what, const kf_topic_partition_list_t *partitions) {
    size_t count = kf_topic_partition_list_count(partitions);
    printf("%% %s: %zu partition(s):", what, count);
    for (size_t i = 0; i < count; i++) {
        int64_t offset = kf_topic_partition_list_offset(partitions, i);
        printf(" %s[%" PRId32 "]", kf_topic_partition_list_topic(partitions, i),
               kf_topic_partition_list_partition(partitions, i));
        if (offset >= 0)
            printf("@%" PRId64, offset);
    }
    printf("\n");
    fflush(stdout);
}

/*
 * Rebalance callbacks. They only print: since none calls kf_consumer_assign() (or
 * kf_consumer_incremental_assign(), ...), kafkaffi applies the default for the group's
 * protocol after each returns (assign, or unassign, eagerly or incrementally).
 */
static void on_assign(void *opaque, kf_consumer_t *consumer,
                      const kf_topic_partition_list_t *partitions) {
    (void)opaque;
    (void)consumer;
    print_partitions("assigned", partitions);
}

static void on_revoke(void *opaque, kf_consumer_t *consumer,
                      const kf_topic_partition_list_t *partitions) {
    (void)opaque;
    (void)consumer;
    print_partitions("revoked", partitions);
}

static void on_lost(void *opaque, kf_consumer_t *consumer,
                    const kf_topic_partition_list_t *partitions) {
    (void)opaque;
    (void)consumer;
    /* Lost (e.g. after a session timeout): another member may own them already. */
    print_partitions("lost", partitions);
}

/* The result of an asynchronous commit; `offsets` carries a per-partition error. */
static void on_commit(void *opaque, const kf_error_t *err,
                      const kf_topic_partition_list_t *offsets) {
    (void)opaque;
    if (err != NULL) {
        /* _NO_OFFSET: nothing new to commit since the last commit; not worth shouting about. */
        if (kf_error_code(err) != KF_ERR__NO_OFFSET)
            fprintf(stderr, "%% commit failed: %s: %s\n", kf_error_name(err),
                    kf_error_message(err));
        return;
    }
    print_partitions("committed", offsets);
}

static void on_error(void *opaque, const kf_error_t *err) {
    (void)opaque;
    fprintf(stderr, "%% %serror: %s: %s\n", kf_error_is_fatal(err) ? "FATAL " : "",
            kf_error_name(err), kf_error_message(err));
    if (kf_error_is_fatal(err))
        stop_requested = 1;
}

/* ---- helpers ------------------------------------------------------------------------------ */

/* Prints a failed call's error and frees it. Returns true when `err` was NULL (success). */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%% %s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

/* Prints bytes as text, or "(null)" for a null key or value. */
static void print_bytes(const uint8_t *data, size_t len) {
    if (data == NULL)
        printf("(null)");
    else
        printf("\"%.*s\"", (int)len, (const char *)data);
}

/* Prints a message from its view: every field was read by one kf_message_view() call. */
static void print_message(const kf_message_view_t *v) {
    printf("%s[%" PRId32 "]@%" PRId64 " key=", v->topic, v->partition, v->offset);
    print_bytes(v->key, v->key_len);
    printf(" value=");
    print_bytes(v->value, v->value_len);
    printf(" headers=%zu", v->header_total);
    for (size_t i = 0; i < v->header_count; i++) {
        printf(" %s=", v->headers[i].name);
        print_bytes(v->headers[i].value, v->headers[i].value_len);
    }
    printf("\n");
}

static kf_consumer_t *create_consumer(const char *bootstrap, const char *group) {
    kf_config_t *conf = kf_config_new();
    kf_consumer_t *consumer = NULL;
    kf_error_t *err = NULL;

    if (check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers") &&
        check(kf_config_set(conf, "group.id", group), "group.id") &&
        check(kf_config_set(conf, "auto.offset.reset", "earliest"), "auto.offset.reset") &&
        /* This program commits itself: every COMMIT_EVERY messages, and before closing. */
        check(kf_config_set(conf, "enable.auto.commit", "false"), "enable.auto.commit") &&
        check(kf_config_set_commit_cb(conf, on_commit, NULL, NULL), "kf_config_set_commit_cb") &&
        check(kf_config_set_error_cb(conf, on_error, NULL, NULL), "kf_config_set_error_cb")) {
        consumer = kf_consumer_new(conf, &err);
        if (consumer == NULL)
            check(err, "kf_consumer_new");
    }
    kf_config_destroy(conf); /* the consumer keeps a copy */
    return consumer;
}

int main(int argc, char **argv) {
    kf_consumer_t *consumer;
    kf_rebalance_callbacks_t rebalance = {on_assign, on_revoke, on_lost, NULL, NULL};
    struct sigaction sa;
    long received = 0, since_commit = 0;
    int status = 0;
    kf_error_t *err;

    if (argc < 4) {
        fprintf(stderr, "usage: %s <bootstrap.servers> <group.id> <topic> [<topic> ...]\n",
                argv[0]);
        return 2;
    }
    consumer = create_consumer(argv[1], argv[2]);
    if (consumer == NULL)
        return 1;

    /* Signals: the handler wakes the consumer (see on_signal). */
    signal_consumer = consumer;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* topics: argv[3..argc-1]; the callbacks' registration is copied by subscribe. */
    if (!check(kf_consumer_subscribe(consumer, (const char *const *)&argv[3], (size_t)(argc - 3),
                                     &rebalance),
               "kf_consumer_subscribe")) {
        status = 1;
        goto out;
    }
    fprintf(stderr, "%% consuming; Ctrl-C to stop\n");

    while (!stop_requested) {
        kf_message_t *msg = NULL;
        /* Block until a message arrives: kf_consumer_wake() (from on_signal) ends the wait. */
        err = kf_consumer_poll(consumer, -1, &msg);
        if (err != NULL) {
            if (kf_error_code(err) != KF_ERR__INTR) {
                check(err, "kf_consumer_poll");
                status = 1;
                break;
            }
            kf_error_destroy(err); /* woken up: the loop condition sees stop_requested */
            continue;
        }
        if (msg == NULL)
            continue; /* nothing within the timeout */
        /* Every field in one call: the view and the header views borrow from `msg` (until
         * kf_message_destroy below); `size` tells the library which struct this program
         * was compiled with. Headers beyond the array are counted in header_total. */
        kf_message_view_t view = {.size = sizeof view};
        kf_header_view_t headers[8];
        if (!check(kf_message_view(msg, &view, headers, 8), "kf_message_view")) {
            kf_message_destroy(msg);
            status = 1;
            break;
        }
        if (view.error_code != KF_ERR_NO_ERROR) {
            /* Not data: a consumer error event (e.g. an unknown topic). */
            err = kf_message_error(msg);
            fprintf(stderr, "%% consumer error: %s: %s\n", kf_error_name(err),
                    kf_error_message(err));
            kf_error_destroy(err);
        } else {
            print_message(&view);
            received++;
            if (++since_commit >= COMMIT_EVERY) {
                /* Commit the current positions; the outcome arrives later in on_commit. */
                check(kf_consumer_commit(consumer, NULL, NULL, true, -1, NULL), "kf_consumer_commit");
                since_commit = 0;
            }
        }
        fflush(stdout);
        kf_message_destroy(msg);
    }
    fprintf(stderr, "%% stopping after %ld message(s)\n", received);

    /* A last, synchronous commit of what was consumed since the last asynchronous one. Its
     * result is returned here (a list the caller owns), not reported to on_commit. An
     * asynchronous commit commits the positions current when it is sent, so it may already
     * have covered everything: KF_ERR__NO_OFFSET then only means "nothing left to commit".
     * It waits up to 10 s; another Ctrl-C ends it at once (KF_ERR__INTR). */
    if (since_commit > 0) {
        kf_topic_partition_list_t *committed = NULL;
        err = kf_consumer_commit(consumer, NULL, NULL, false, 10000, &committed);
        if (err != NULL && kf_error_code(err) == KF_ERR__NO_OFFSET) {
            fprintf(stderr, "%% nothing left to commit\n");
            kf_error_destroy(err);
        } else if (check(err, "kf_consumer_commit")) {
            print_partitions("committed before leaving", committed);
            kf_topic_partition_list_destroy(committed);
        }
    }

out:
    /* Leave the group: this serves the final on_revoke (and any pending on_commit) here. It
     * waits up to 30 s; another Ctrl-C ends the wait (KF_ERR__INTR). */
    if (!check(kf_consumer_close(consumer, 30000), "kf_consumer_close"))
        status = 1;
    /* No signal may reach the consumer once it is destroyed. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal_consumer = NULL;
    if (!check(kf_consumer_destroy(consumer), "kf_consumer_destroy"))
        status = 1;
    return status;
}
