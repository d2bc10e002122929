/*
 * bench_common.h: what bench_raw.c and bench_kafkaffi.c share, so that the two programs differ
 * only in the Kafka calls they make: the command line, the clock, payloads, latency
 * percentiles, peak RSS and the one JSON result line. Nothing here touches Kafka.
 *
 * Each program runs one measurement per process (bench/run.py starts it once per contender,
 * scenario and round) and prints one JSON object on stdout; diagnostics go to stderr and a
 * failed check exits non-zero.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE /* clock_nanosleep, getrusage */

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Built with -DBENCH_CALLGRIND (see PROFILE.md), callgrind run with --collect-atstart=no counts
 * only what lies between MEASURED_BEGIN() and MEASURED_END(): the timed part of each test.
 * Otherwise they are nothing. */
#ifdef BENCH_CALLGRIND
#include <valgrind/callgrind.h>
#define MEASURED_BEGIN() CALLGRIND_TOGGLE_COLLECT
#define MEASURED_END() CALLGRIND_TOGGLE_COLLECT
#else
#define MEASURED_BEGIN() ((void)0)
#define MEASURED_END() ((void)0)
#endif

/* How often the produce loops serve delivery reports: one poll(0) every POLL_EVERY messages. */
#define POLL_EVERY 1000
/* A consumer that sees no new message for this long fails the run (a lost message, a stall). */
#define STALL_TIMEOUT_NS (30LL * 1000 * 1000 * 1000)
/* Flush and consume give up after this long. */
#define FLUSH_TIMEOUT_MS 120000
/* Timeout of each consumer poll / consume call in the loops. */
#define POLL_TIMEOUT_MS 100
/* The latency test ignores its first messages (connections, first fetches): this fraction. */
#define LATENCY_WARMUP_FRACTION 10

typedef struct {
    const char *key;
    const char *value;
} kv_t;

#define MAX_CONF 64
/* Headers per message at most (--headers), and their names and values: "h<i>" = "v<i>". */
#define MAX_HEADERS 8
static const char *const header_names[MAX_HEADERS] = {"h0", "h1", "h2", "h3",
                                                      "h4", "h5", "h6", "h7"};
static const char *const header_values[MAX_HEADERS] = {"v0", "v1", "v2", "v3",
                                                       "v4", "v5", "v6", "v7"};

/* What the "every field" consume tests (consume_view, consume_batch_view) add up from each
 * message, so that no read is optimised away; checked non-zero at the end. */
static uint64_t fields_sum;

typedef struct {
    const char *contender; /* "raw" or "kafkaffi": printed in the result */
    const char *test;      /* produce | produce_batch | consume_poll | consume_batch | latency
                              | consume_view | consume_batch_view */
    const char *bootstrap; /* "mock" (start an in-process mock cluster) or host:port */
    const char *topic;
    int partitions; /* mock: partitions of the topic created; consume preload: round-robin */
    long count;     /* messages */
    size_t size;    /* value bytes */
    int rate;       /* latency: messages per second */
    int batch;      /* produce_batch / consume_batch: messages per call */
    int headers;    /* consume preload: headers per message ("h<i>" = "v<i>") */
    kv_t pconf[MAX_CONF]; /* -X key=value: producer configuration */
    int npconf;
    kv_t cconf[MAX_CONF]; /* -C key=value: consumer configuration */
    int ncconf;
} opts_t;

/* Prints "bench: <message>" on stderr and exits 1: every failed check ends the run this way. */
__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps until the CLOCK_MONOTONIC instant `t_ns` (returns at once when it has passed). */
static void sleep_until_ns(int64_t t_ns) {
    struct timespec ts = {.tv_sec = t_ns / 1000000000, .tv_nsec = t_ns % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
    }
}

static void add_kv(kv_t *arr, int *n, char *arg) {
    char *eq = strchr(arg, '=');
    if (eq == NULL)
        die("expected key=value, got \"%s\"", arg);
    if (*n >= MAX_CONF)
        die("too many configuration properties");
    *eq = '\0';
    arr[*n].key = arg;
    arr[*n].value = eq + 1;
    (*n)++;
}

static void usage(const char *prog) {
    fprintf(stderr,
            "usage: %s --test produce|produce_batch|consume_poll|consume_batch|latency|\n"
            "                 consume_view|consume_batch_view\n"
            "          --bootstrap mock|HOST:PORT --topic NAME [--partitions N] --count N\n"
            "          --size BYTES [--rate MSG_PER_S] [--batch N] [--headers N]\n"
            "          [-X producer.key=value ...] [-C consumer.key=value ...]\n",
            prog);
    exit(2);
}

static void parse_args(int argc, char **argv, opts_t *o) {
    memset(o, 0, sizeof *o);
    o->partitions = 1;
    o->size = 100;
    o->rate = 10000;
    o->batch = 1000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            usage(argv[0]);
        char *v = argv[++i];
        if (!strcmp(a, "--test"))
            o->test = v;
        else if (!strcmp(a, "--bootstrap"))
            o->bootstrap = v;
        else if (!strcmp(a, "--topic"))
            o->topic = v;
        else if (!strcmp(a, "--partitions"))
            o->partitions = atoi(v);
        else if (!strcmp(a, "--count"))
            o->count = atol(v);
        else if (!strcmp(a, "--size"))
            o->size = (size_t)atol(v);
        else if (!strcmp(a, "--rate"))
            o->rate = atoi(v);
        else if (!strcmp(a, "--batch"))
            o->batch = atoi(v);
        else if (!strcmp(a, "--headers"))
            o->headers = atoi(v);
        else if (!strcmp(a, "-X"))
            add_kv(o->pconf, &o->npconf, v);
        else if (!strcmp(a, "-C"))
            add_kv(o->cconf, &o->ncconf, v);
        else
            usage(argv[0]);
    }
    if (!o->test || !o->bootstrap || !o->topic || o->count <= 0 || o->partitions < 1 ||
        o->batch < 1 || o->rate < 1 || o->headers < 0 || o->headers > MAX_HEADERS)
        usage(argv[0]);
    if (o->size < 16)
        die("--size must be at least 16 (the latency test writes a timestamp and a sequence)");
}

/* A value of `size` bytes: a recognisable pattern (never compressed: compression.type=none). */
static unsigned char *make_payload(size_t size) {
    unsigned char *p = malloc(size);
    if (!p)
        die("out of memory");
    for (size_t i = 0; i < size; i++)
        p[i] = (unsigned char)('a' + i % 26);
    return p;
}

/* Latency test payload: [0..8) send time in ns (CLOCK_MONOTONIC), [8..16) sequence number. */
static void stamp_payload(unsigned char *p, int64_t t_ns, int64_t seq) {
    memcpy(p, &t_ns, 8);
    memcpy(p + 8, &seq, 8);
}

static void read_stamp(const unsigned char *p, int64_t *t_ns, int64_t *seq) {
    memcpy(t_ns, p, 8);
    memcpy(seq, p + 8, 8);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values (p in 0..100): bench_python.py uses the same rule. */
static int64_t percentile(const int64_t *sorted, long n, double p) {
    if (n <= 0)
        return -1;
    long rank = (long)((p / 100.0) * (double)n + 0.999999999); /* ceil */
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

/* Peak resident set size of this process, in KiB. */
static long peak_rss_kib(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* KiB on Linux */
}

/* What a measurement prints. Latency fields are -1 when not measured. */
typedef struct {
    long msgs;
    double bytes;
    double seconds;
    int64_t p50_ns, p99_ns, p999_ns, max_ns;
} result_t;

static void print_result(const opts_t *o, const char *lib_version, const result_t *r) {
    double s = r->seconds > 0 ? r->seconds : 1e-9;
    printf("{\"contender\":\"%s\",\"test\":\"%s\",\"librdkafka\":\"%s\",\"msgs\":%ld,"
           "\"size\":%zu,\"seconds\":%.6f,\"msg_per_s\":%.1f,\"mb_per_s\":%.3f,"
           "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
           "\"rss_kib\":%ld}\n",
           o->contender, o->test, lib_version, r->msgs, o->size, r->seconds,
           (double)r->msgs / s, r->bytes / s / 1e6, r->p50_ns / 1e3, r->p99_ns / 1e3,
           r->p999_ns / 1e3, r->max_ns / 1e3, peak_rss_kib());
    fflush(stdout);
}

/* Latency statistics of `lat` (n values in ns, sorted in place) into `r`. */
static void latency_stats(int64_t *lat, long n, result_t *r) {
    qsort(lat, (size_t)n, sizeof *lat, cmp_i64);
    r->p50_ns = percentile(lat, n, 50);
    r->p99_ns = percentile(lat, n, 99);
    r->p999_ns = percentile(lat, n, 99.9);
    r->max_ns = n > 0 ? lat[n - 1] : -1;
}

/* Messages of the latency test that count (the first LATENCY_WARMUP_FRACTION % do not). */
static long latency_first_counted(long count) {
    return count * LATENCY_WARMUP_FRACTION / 100;
}

static void no_latency(result_t *r) {
    r->p50_ns = r->p99_ns = r->p999_ns = r->max_ns = -1;
}

#endif
