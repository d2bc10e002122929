/*
 * eos.c: an exactly-once stream processor with kafkaffi (consume, transform, produce).
 *
 *   eos [<bootstrap.servers> <input-topic> <output-topic> <group.id> <transactional.id>]
 *
 * It reads the input topic in a consumer group, writes each message's value in upper case to
 * the output topic, and commits its input offsets inside the same transaction as its output
 * (kf_producer_send_offsets_to_transaction), so a read_committed consumer of the output sees
 * every input message exactly once, across crashes, restarts and rebalances. A transaction is
 * committed every TXN_MAX_MESSAGES messages or TXN_MAX_MS milliseconds.
 *
 * Every transactional call goes through the error-handling loop of the Transactional Producer
 * guide: a retriable error repeats the same call (for a commit that timed out, that is the
 * documented recovery: its outcome is unknown until the retried call answers), an error that
 * requires an abort aborts the transaction and rewinds the consumer to its committed offsets,
 * and a fatal error (e.g. fenced by a newer instance with the same transactional.id) stops the
 * program: a new instance must be started.
 *
 * Without arguments it runs standalone on an in-process mock cluster: it creates the topics,
 * fills the input with INPUT_MESSAGES messages, processes them, reads the output back and
 * checks it. With EOS_INJECT_FAULTS=1 it also makes the mock cluster fail a transaction with an
 * abortable error and delay a commit past its timeout, to show those paths at work.
 * With arguments it processes until SIGINT (Ctrl-C) or SIGTERM, then commits what it processed
 * and leaves the group.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/eos.c -o eos -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi -lpthread
 */
#define _POSIX_C_SOURCE 200809L /* sigaction, clock_gettime, pthreads, setenv */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafkaffi.h"

#define TXN_MAX_MESSAGES 100   /* commit after this many input messages ... */
#define TXN_MAX_MS 1000        /* ... or after this long, whichever comes first */
#define TXN_CALL_TIMEOUT_MS 5000 /* timeout of each transactional call (then retried) */
#define INPUT_MESSAGES 1000    /* standalone mode: messages written to the input topic */
#define INPUT_PARTITIONS 3

/* ---- shutdown on a signal -------------------------------------------------------------------
 * The handler only sets a flag and writes a byte to a pipe (async-signal-safe); a "waker" thread
 * reads the pipe and calls kf_consumer_wake(), which takes locks and so must never be called from
 * a signal handler. The wake makes a kf_consumer_poll() blocked in the main loop return
 * KF_ERR__INTR at once; the loop then sees the flag.
 */
static volatile sig_atomic_t stop_requested = 0;
static int wake_pipe[2] = {-1, -1};

static void on_signal(int sig) {
    int saved_errno = errno;
    char byte = 1;
    (void)sig;
    stop_requested = 1;
    if (write(wake_pipe[1], &byte, 1) < 0) {
        /* The flag is set; the main loop sees it within one poll timeout. */
    }
    errno = saved_errno;
}

static void *waker_main(void *arg) {
    kf_consumer_t *consumer = arg;
    char byte;
    ssize_t n;
    do {
        n = read(wake_pipe[0], &byte, 1);
    } while (n < 0 && errno == EINTR);
    kf_error_destroy(kf_consumer_wake(consumer));
    return NULL;
}

/* ---- the processor -------------------------------------------------------------------------- */

typedef struct {
    kf_consumer_t *consumer;
    kf_producer_t *producer;
    const char *output_topic;
    bool in_transaction;  /* begun, not yet committed or aborted */
    kf_topic_partition_list_t *txn_start; /* first offset read in each partition in it */
    long txn_messages;    /* input messages in the current transaction */
    int64_t txn_started;  /* when it began (ms) */
    bool failed;          /* a fatal error: stop */
    /* statistics */
    long committed_messages, commits, aborts, retries;
} processor_t;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void print_error(const char *what, const kf_error_t *err) {
    fprintf(stderr, "%% %s: %s: %s%s%s%s\n", what, kf_error_name(err), kf_error_message(err),
            kf_error_is_retriable(err) ? " [retriable]" : "",
            kf_error_txn_requires_abort(err) ? " [abort required]" : "",
            kf_error_is_fatal(err) ? " [FATAL]" : "");
}

/* Prints a failed call's error and frees it. Returns true when `err` was NULL (success). */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    print_error(what, err);
    kf_error_destroy(err);
    return false;
}

/*
 * After an abort, the consumer's position is past input whose output was thrown away: move each
 * partition read in the transaction back to the first offset the transaction read there, so
 * that input is processed again. That is also where the group's committed offset puts it (the
 * previous transaction committed exactly that position), so this is the guide's "rewind to the
 * committed offsets" without a round trip to the group coordinator.
 */
static void rewind_consumer(processor_t *proc) {
    if (proc->txn_start != NULL && kf_topic_partition_list_count(proc->txn_start) > 0)
        check(kf_consumer_seek(proc->consumer, proc->txn_start, TXN_CALL_TIMEOUT_MS),
              "kf_consumer_seek");
}

/* The transaction is over (committed or aborted). */
static void transaction_done(processor_t *proc) {
    proc->in_transaction = false;
    proc->txn_messages = 0;
    kf_topic_partition_list_destroy(proc->txn_start);
    proc->txn_start = NULL;
}

/*
 * What to do with a transactional call's error, as in the guide: fatal first, then abortable,
 * then retriable. Takes ownership of `err`.
 */
typedef enum { STEP_RETRY, STEP_ABORT, STEP_FATAL } step_t;

static step_t classify(processor_t *proc, kf_error_t *err, const char *what) {
    step_t step;
    print_error(what, err);
    if (kf_error_is_fatal(err))
        step = STEP_FATAL;
    else if (kf_error_txn_requires_abort(err))
        step = STEP_ABORT;
    else if (kf_error_is_retriable(err))
        step = STEP_RETRY;
    else
        step = STEP_FATAL; /* e.g. KF_ERR__STATE: a bug in this program; do not guess */
    kf_error_destroy(err);
    if (step == STEP_RETRY)
        proc->retries++;
    if (step == STEP_FATAL)
        proc->failed = true;
    return step;
}

/* Aborts the current transaction (retrying while retriable) and rewinds the consumer. */
static void abort_transaction(processor_t *proc) {
    kf_error_t *err;
    fprintf(stderr, "%% aborting the transaction (%ld input message(s))\n", proc->txn_messages);
    while ((err = kf_producer_abort_transaction(proc->producer, TXN_CALL_TIMEOUT_MS)) != NULL) {
        if (classify(proc, err, "kf_producer_abort_transaction") != STEP_RETRY)
            return; /* fatal: the caller stops */
    }
    proc->aborts++;
    rewind_consumer(proc);
    transaction_done(proc);
}

/*
 * Commits the current transaction: the consumer's positions go into it, then it is committed.
 * Both steps use the guide's loop. Returns true when committed.
 */
static bool commit_transaction(processor_t *proc) {
    kf_topic_partition_list_t *assigned = NULL, *positions = NULL;
    kf_consumer_group_metadata_t *group = NULL;
    kf_error_t *err;
    bool committed = false;

    /* The offsets to commit: the next message to read in each assigned partition. They are
     * computed once, so that a retried call sends exactly the same offsets. */
    if (!check(kf_consumer_assignment(proc->consumer, &assigned), "kf_consumer_assignment") ||
        !check(kf_consumer_position(proc->consumer, assigned, &positions), "kf_consumer_position") ||
        !check(kf_consumer_group_metadata(proc->consumer, &group), "kf_consumer_group_metadata")) {
        proc->failed = true;
        goto out;
    }
    while ((err = kf_producer_send_offsets_to_transaction(proc->producer, positions, group,
                                                          TXN_CALL_TIMEOUT_MS)) != NULL) {
        switch (classify(proc, err, "kf_producer_send_offsets_to_transaction")) {
        case STEP_RETRY:
            continue;
        case STEP_ABORT:
            abort_transaction(proc);
            goto out;
        case STEP_FATAL:
            goto out;
        }
    }
    /* A commit that times out has an unknown outcome: calling it again resumes it and answers
     * (committed, or an abortable / fatal error). Never begin another transaction instead. */
    while ((err = kf_producer_commit_transaction(proc->producer, TXN_CALL_TIMEOUT_MS)) != NULL) {
        switch (classify(proc, err, "kf_producer_commit_transaction")) {
        case STEP_RETRY:
            continue;
        case STEP_ABORT:
            abort_transaction(proc);
            goto out;
        case STEP_FATAL:
            goto out;
        }
    }
    committed = true;
    proc->committed_messages += proc->txn_messages;
    proc->commits++;
    transaction_done(proc);
out:
    kf_consumer_group_metadata_destroy(group);
    kf_topic_partition_list_destroy(positions);
    kf_topic_partition_list_destroy(assigned);
    return committed;
}

/* The transform: the value in upper case, keyed as the input. */
static bool process(processor_t *proc, const kf_message_t *msg) {
    size_t key_len = 0, value_len = 0;
    const uint8_t *key = kf_message_key(msg, &key_len);
    const uint8_t *value = kf_message_value(msg, &value_len);
    uint8_t *upper = malloc(value_len > 0 ? value_len : 1);
    kf_error_t *err;
    size_t index;

    if (upper == NULL) {
        fprintf(stderr, "%% out of memory\n");
        proc->failed = true;
        return false;
    }
    for (size_t i = 0; i < value_len; i++)
        upper[i] = (uint8_t)toupper(value[i]);
    for (;;) {
        err = kf_producer_produce(proc->producer, proc->output_topic, KF_PARTITION_UA, key, key_len,
                                  value != NULL ? upper : NULL, value_len, NULL, 0, NULL, NULL);
        if (err == NULL || kf_error_code(err) != KF_ERR__QUEUE_FULL)
            break;
        /* The local queue is full: serve delivery reports, then try again. */
        kf_error_destroy(err);
        kf_error_destroy(kf_producer_poll(proc->producer, 100, NULL));
    }
    free(upper);
    /* Where this transaction started reading the partition, for a rewind after an abort. */
    if (err == NULL) {
        const char *topic = kf_message_topic(msg);
        int32_t partition = kf_message_partition(msg);
        kf_error_t *missing = kf_topic_partition_list_find(proc->txn_start, topic, partition, &index);
        if (missing != NULL) {
            kf_error_destroy(missing);
            if (check(kf_topic_partition_list_add(proc->txn_start, topic, partition, &index),
                      "kf_topic_partition_list_add"))
                kf_error_destroy(kf_topic_partition_list_set_offset(proc->txn_start, index,
                                                                   kf_message_offset(msg)));
        }
    }
    if (err != NULL) {
        if (classify(proc, err, "kf_producer_produce") == STEP_FATAL)
            return false;
        abort_transaction(proc); /* the message cannot be part of this transaction */
        return false;
    }
    proc->txn_messages++;
    return true;
}

/* ---- callbacks: all run on the main thread, inside kafkaffi calls ------------------------ */

static void on_error(void *opaque, const kf_error_t *err) {
    processor_t *proc = opaque;
    print_error("error", err);
    if (kf_error_is_fatal(err))
        proc->failed = true;
}

/* A message of the transaction failed: the commit will report an abortable error. */
static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    (void)opaque;
    (void)msg;
    if (err != NULL && kf_error_code(err) != KF_ERR__PURGE_QUEUE &&
        kf_error_code(err) != KF_ERR__PURGE_INFLIGHT)
        print_error("delivery failed", err);
}

/* Before partitions go to another member, commit what was done with them. */
static void on_revoke(void *opaque, kf_consumer_t *consumer,
                      const kf_topic_partition_list_t *partitions) {
    processor_t *proc = opaque;
    (void)consumer;
    fprintf(stderr, "%% %zu partition(s) revoked\n", kf_topic_partition_list_count(partitions));
    if (proc->in_transaction && !proc->failed)
        commit_transaction(proc);
}

/* Lost partitions (session timeout): another member may own them already; the transaction's
 * offsets could not be committed, so abort it. */
static void on_lost(void *opaque, kf_consumer_t *consumer,
                    const kf_topic_partition_list_t *partitions) {
    processor_t *proc = opaque;
    (void)consumer;
    fprintf(stderr, "%% %zu partition(s) lost\n", kf_topic_partition_list_count(partitions));
    if (proc->in_transaction && !proc->failed)
        abort_transaction(proc);
}

static void on_assign(void *opaque, kf_consumer_t *consumer,
                      const kf_topic_partition_list_t *partitions) {
    (void)opaque;
    (void)consumer;
    fprintf(stderr, "%% %zu partition(s) assigned\n", kf_topic_partition_list_count(partitions));
}

/* ---- set-up ---------------------------------------------------------------------------------- */

static kf_config_t *config(const char *bootstrap) {
    kf_config_t *conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "bootstrap.servers")) {
        kf_config_destroy(conf);
        return NULL;
    }
    return conf;
}

static bool create_processor(processor_t *proc, const char *bootstrap, const char *group,
                             const char *transactional_id) {
    kf_config_t *cconf = config(bootstrap), *pconf = config(bootstrap);
    kf_error_t *err = NULL;
    bool ok = cconf != NULL && pconf != NULL &&
              /* The consumer never commits itself: its offsets go into the transactions. */
              check(kf_config_set(cconf, "group.id", group), "group.id") &&
              check(kf_config_set(cconf, "enable.auto.commit", "false"), "enable.auto.commit") &&
              check(kf_config_set(cconf, "auto.offset.reset", "earliest"), "auto.offset.reset") &&
              /* Never read another processor's aborted or unfinished output as input. */
              check(kf_config_set(cconf, "isolation.level", "read_committed"), "isolation.level") &&
              check(kf_config_set_error_cb(cconf, on_error, proc, NULL), "error_cb") &&
              check(kf_config_set(pconf, "transactional.id", transactional_id), "transactional.id") &&
              check(kf_config_set_error_cb(pconf, on_error, proc, NULL), "error_cb") &&
              check(kf_config_set_delivery_cb(pconf, on_delivery, proc, NULL), "delivery_cb");
    if (ok) {
        proc->consumer = kf_consumer_new(cconf, &err);
        ok = proc->consumer != NULL || !check(err, "kf_consumer_new");
    }
    if (ok) {
        proc->producer = kf_producer_new(pconf, &err);
        ok = proc->producer != NULL || !check(err, "kf_producer_new");
    }
    kf_config_destroy(cconf);
    kf_config_destroy(pconf);
    if (!ok)
        return false;
    /* Registers the transactional.id: fences any older instance and finishes the transaction
     * it left open. Retriable errors (e.g. the coordinator not ready yet) are retried. */
    while ((err = kf_producer_init_transactions(proc->producer, TXN_CALL_TIMEOUT_MS)) != NULL) {
        if (classify(proc, err, "kf_producer_init_transactions") != STEP_RETRY)
            return false;
    }
    return true;
}

/* Standalone mode: the input topic's messages. */
static bool fill_input(const char *bootstrap, const char *topic) {
    kf_config_t *conf = config(bootstrap);
    kf_producer_t *producer;
    kf_error_t *err = NULL;
    size_t remaining = 1;
    if (conf == NULL)
        return false;
    producer = kf_producer_new(conf, &err);
    kf_config_destroy(conf);
    if (producer == NULL)
        return check(err, "kf_producer_new");
    for (int i = 0; i < INPUT_MESSAGES; i++) {
        char key[32], value[64];
        int klen = snprintf(key, sizeof key, "%d", i);
        int vlen = snprintf(value, sizeof value, "message number %d", i);
        if (!check(kf_producer_produce(producer, topic, i % INPUT_PARTITIONS, (const uint8_t *)key,
                                       (size_t)klen, (const uint8_t *)value, (size_t)vlen, NULL, 0,
                                       NULL, NULL),
                   "kf_producer_produce"))
            break;
    }
    check(kf_producer_flush(producer, 30000, &remaining), "kf_producer_flush");
    check(kf_producer_destroy(producer), "kf_producer_destroy");
    return remaining == 0;
}

/*
 * Standalone mode: reads the output back and checks that every input message arrived,
 * transformed. (The mock cluster keeps no transaction state, so its consumers also see the
 * output of aborted transactions: duplicates are expected only when faults were injected.)
 */
static bool verify_output(const char *bootstrap, const char *topic, bool faults) {
    kf_config_t *conf = config(bootstrap);
    kf_consumer_t *consumer;
    kf_error_t *err = NULL;
    unsigned char seen[INPUT_MESSAGES] = {0};
    long unique = 0, duplicates = 0, wrong = 0;
    int64_t deadline = now_ms() + 30000;
    bool ok;

    if (conf == NULL || !check(kf_config_set(conf, "group.id", "eos-verify"), "group.id") ||
        !check(kf_config_set(conf, "auto.offset.reset", "earliest"), "auto.offset.reset") ||
        !check(kf_config_set(conf, "isolation.level", "read_committed"), "isolation.level")) {
        kf_config_destroy(conf);
        return false;
    }
    consumer = kf_consumer_new(conf, &err);
    kf_config_destroy(conf);
    if (consumer == NULL)
        return check(err, "kf_consumer_new");
    if (!check(kf_consumer_subscribe(consumer, &topic, 1, NULL), "kf_consumer_subscribe"))
        deadline = 0;
    while (unique < INPUT_MESSAGES && now_ms() < deadline) {
        kf_message_t *msg = NULL;
        if (!check(kf_consumer_poll(consumer, 200, &msg), "kf_consumer_poll") || msg == NULL)
            continue;
        if (kf_message_error_code(msg) == KF_ERR_NO_ERROR) {
            size_t key_len = 0, value_len = 0;
            const uint8_t *key = kf_message_key(msg, &key_len);
            const uint8_t *value = kf_message_value(msg, &value_len);
            char kbuf[32], expect[64];
            int index = -1;
            if (key != NULL && key_len < sizeof kbuf) {
                memcpy(kbuf, key, key_len);
                kbuf[key_len] = '\0';
                index = atoi(kbuf);
            }
            snprintf(expect, sizeof expect, "MESSAGE NUMBER %d", index);
            if (index < 0 || index >= INPUT_MESSAGES || value == NULL ||
                value_len != strlen(expect) || memcmp(value, expect, value_len) != 0)
                wrong++;
            else if (seen[index]++ == 0)
                unique++;
            else
                duplicates++;
        }
        kf_message_destroy(msg);
    }
    check(kf_consumer_close(consumer, -1), "kf_consumer_close");
    check(kf_consumer_destroy(consumer), "kf_consumer_destroy");
    printf("output: %ld of %d input messages, %ld duplicate(s)%s, %ld wrong\n", unique,
           INPUT_MESSAGES, duplicates, faults ? " (from aborted transactions)" : "", wrong);
    ok = unique == INPUT_MESSAGES && wrong == 0 && (faults || duplicates == 0);
    return ok;
}

/*
 * Standalone mode with EOS_INJECT_FAULTS=1, called as each transaction begins: the second
 * transaction fails with an abortable error (its offsets are refused), and the commit of the
 * fourth is answered only after its timeout (outcome unknown: the commit is called again).
 */
static void inject_faults(kf_mock_cluster_t *mock, long commits) {
    static int injected = 0; /* each fault once */
    if (commits == 1 && injected == 0) {
        injected = 1;
        int32_t refused = KF_ERR_GROUP_AUTHORIZATION_FAILED;
        fprintf(stderr, "%% injecting an abortable error on TxnOffsetCommit\n");
        check(kf_mock_cluster_push_request_errors(mock, KF_APIKEY_TXN_OFFSET_COMMIT, &refused, 1),
              "kf_mock_cluster_push_request_errors");
    } else if (commits == 3 && injected == 1) {
        injected = 2;
        fprintf(stderr, "%% injecting a delay of %d ms on EndTxn\n", TXN_CALL_TIMEOUT_MS + 1000);
        /* Broker 1 is the only broker, so the transaction coordinator. */
        check(kf_mock_cluster_push_broker_request_error(mock, 1, KF_APIKEY_END_TXN,
                                                        KF_ERR_NO_ERROR, TXN_CALL_TIMEOUT_MS + 1000),
              "kf_mock_cluster_push_broker_request_error");
    }
}

int main(int argc, char **argv) {
    const char *bootstrap, *input, *output, *group, *transactional_id;
    kf_mock_cluster_t *mock = NULL;
    processor_t proc;
    kf_rebalance_callbacks_t rebalance = {on_assign, on_revoke, on_lost, &proc, NULL};
    struct sigaction sa;
    pthread_t waker;
    bool waker_started = false, faults = false;
    long expected = -1; /* standalone: stop once this many input messages are committed */
    int status = 0;
    kf_error_t *err = NULL;

    memset(&proc, 0, sizeof proc);
    if (argc == 6) {
        bootstrap = argv[1];
        input = argv[2];
        output = argv[3];
        group = argv[4];
        transactional_id = argv[5];
    } else if (argc == 1) {
        const char *inject = getenv("EOS_INJECT_FAULTS");
        mock = kf_mock_cluster_new(1, &err);
        if (mock == NULL) {
            check(err, "kf_mock_cluster_new");
            return 1;
        }
        bootstrap = kf_mock_cluster_bootstrap_servers(mock);
        input = "eos-input";
        output = "eos-output";
        group = "eos-processor";
        transactional_id = "eos-processor-1";
        if (!check(kf_mock_cluster_topic_create(mock, input, INPUT_PARTITIONS, 1), "topic_create") ||
            !check(kf_mock_cluster_topic_create(mock, output, INPUT_PARTITIONS, 1), "topic_create") ||
            !fill_input(bootstrap, input)) {
            kf_mock_cluster_destroy(mock);
            return 1;
        }
        expected = INPUT_MESSAGES;
        faults = inject != NULL && strcmp(inject, "1") == 0;
        fprintf(stderr, "%% standalone: mock cluster at %s, %d messages in %s\n", bootstrap,
                INPUT_MESSAGES, input);
    } else {
        fprintf(stderr,
                "usage: %s [<bootstrap.servers> <input-topic> <output-topic> <group.id> "
                "<transactional.id>]\n(no arguments: standalone on a mock cluster)\n",
                argv[0]);
        return 2;
    }
    proc.output_topic = output;

    if (!create_processor(&proc, bootstrap, group, transactional_id)) {
        status = 1;
        goto out;
    }
    if (pipe(wake_pipe) != 0) {
        perror("pipe");
        status = 1;
        goto out;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (pthread_create(&waker, NULL, waker_main, proc.consumer) != 0) {
        fprintf(stderr, "%% cannot start the waker thread\n");
        status = 1;
        goto out;
    }
    waker_started = true;
    if (!check(kf_consumer_subscribe(proc.consumer, &input, 1, &rebalance), "kf_consumer_subscribe")) {
        status = 1;
        goto out;
    }
    fprintf(stderr, "%% processing %s -> %s; Ctrl-C to stop\n", input, output);

    while (!stop_requested && !proc.failed &&
           (expected < 0 || proc.committed_messages < expected)) {
        kf_message_t *msg = NULL;
        int timeout = 100;

        if (proc.in_transaction) {
            int64_t left = proc.txn_started + TXN_MAX_MS - now_ms();
            if (proc.txn_messages >= TXN_MAX_MESSAGES || left <= 0) {
                commit_transaction(&proc); /* or abort it, or fail: see commit_transaction() */
                continue;
            }
            timeout = (int)(left < 100 ? left : 100);
        }

        err = kf_consumer_poll(proc.consumer, timeout, &msg);
        if (err != NULL) {
            if (kf_error_code(err) == KF_ERR__INTR) {
                kf_error_destroy(err); /* woken: the loop condition sees stop_requested */
                continue;
            }
            check(err, "kf_consumer_poll");
            status = 1;
            break;
        }
        if (msg == NULL)
            continue; /* nothing yet; the transaction's time is checked at the top */
        if (kf_message_error_code(msg) != KF_ERR_NO_ERROR) {
            kf_error_t *merr = kf_message_error(msg);
            print_error("consumer error", merr);
            kf_error_destroy(merr);
        } else {
            if (!proc.in_transaction) {
                while ((err = kf_producer_begin_transaction(proc.producer)) != NULL &&
                       classify(&proc, err, "kf_producer_begin_transaction") == STEP_RETRY)
                    ;
                if (err != NULL) {
                    kf_message_destroy(msg);
                    break; /* fatal */
                }
                proc.in_transaction = true;
                proc.txn_started = now_ms();
                proc.txn_messages = 0;
                proc.txn_start = kf_topic_partition_list_new(INPUT_PARTITIONS);
                if (faults)
                    inject_faults(mock, proc.commits);
            }
            process(&proc, msg);
        }
        kf_message_destroy(msg);
    }

    /* A clean stop: commit what was processed, so the next instance starts after it. */
    if (proc.in_transaction && !proc.failed) {
        if (proc.txn_messages > 0)
            commit_transaction(&proc);
        else
            abort_transaction(&proc);
    }
    if (proc.failed)
        status = 1;
    printf("processed %ld input message(s) in %ld committed transaction(s); %ld aborted, "
           "%ld retried call(s)%s\n",
           proc.committed_messages, proc.commits, proc.aborts, proc.retries,
           proc.failed ? "; stopped by a fatal error" : "");

out:
    if (proc.consumer != NULL && !check(kf_consumer_close(proc.consumer, -1), "kf_consumer_close"))
        status = 1;
    if (waker_started) {
        char byte = 0;
        if (write(wake_pipe[1], &byte, 1) < 0)
            perror("write");
        pthread_join(waker, NULL);
    }
    if (proc.consumer != NULL)
        check(kf_consumer_destroy(proc.consumer), "kf_consumer_destroy");
    if (proc.producer != NULL)
        check(kf_producer_destroy(proc.producer), "kf_producer_destroy");
    kf_topic_partition_list_destroy(proc.txn_start); /* only after a fatal error */
    if (wake_pipe[0] >= 0) {
        close(wake_pipe[0]);
        close(wake_pipe[1]);
    }
    if (mock != NULL) {
        if (status == 0 && !verify_output(bootstrap, output, faults))
            status = 1;
        kf_mock_cluster_destroy(mock);
    }
    return status;
}
