/* Driver of the generated NULL-argument test: runs each function's cases in a forked child
 * (ABI_NULL_JOBS children at a time, default 2), so a crash or a hang fails the one case that
 * caused it, by function and argument, and the other cases still run. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "null_args_harness.h"

enum { ST_NONE, ST_STARTED, ST_PASS, ST_PASS_NULLABLE, ST_PASS_VOID, ST_FAIL, ST_CRASH, ST_HANG,
       ST_FIXTURE };
#define MSG_LEN 200
#define CASE_TIMEOUT_S 30

typedef struct {
    int status;
    char msg[MSG_LEN];
} case_result_t;

static case_result_t *results;
static size_t running_case;

const char *fx_str_array[1] = {FX_TOPIC};
const char *fx_ext_keys[1] = {"abikey"};
const char *fx_ext_values[1] = {"abivalue"};
int32_t fx_int32_array[1] = {1};
int fx_int_array[1] = {0};
int fx_group_states[1] = {KF_CONSUMER_GROUP_STATE_STABLE};
int fx_group_types[1] = {KF_CONSUMER_GROUP_TYPE_CLASSIC};
kf_message_t *fx_message_array[1];

static void record(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void record(int status, const char *fmt, ...) {
    case_result_t *r = &results[running_case];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, MSG_LEN, fmt, ap);
    va_end(ap);
    r->status = status;
}

void pass_nullable(const char *fn, const char *param, kf_error_t *err) {
    char needle[128];
    snprintf(needle, sizeof needle, "%s is NULL", param);
    if (err && kf_error_code(err) == KF_ERR__INVALID_ARG && strstr(kf_error_message(err), needle))
        record(ST_FAIL, "%s(%s=NULL) refused the NULL the header allows: %s", fn, param,
               kf_error_message(err));
    else
        record(ST_PASS_NULLABLE, "documented as nullable: %s",
               err ? kf_error_message(err) : "no error");
}
void pass_void(const char *fn, const char *param) {
    (void)fn;
    (void)param;
    record(ST_PASS_VOID, "void: no crash");
}
void check_invalid_arg(const char *fn, const char *param, kf_error_t *res) {
    if (!res)
        record(ST_FAIL, "%s(%s=NULL) succeeded; expected KF_ERR__INVALID_ARG", fn, param);
    else if (kf_error_code(res) != KF_ERR__INVALID_ARG)
        record(ST_FAIL, "%s(%s=NULL) returned %s (%s); expected KF_ERR__INVALID_ARG", fn, param,
               kf_error_name(res), kf_error_message(res));
    else
        record(ST_PASS, "%s", kf_error_message(res));
}
void check_null_err(const char *fn, const char *param, const void *res, kf_error_t *err) {
    if (res)
        record(ST_FAIL, "%s(%s=NULL) returned a handle; expected NULL and KF_ERR__INVALID_ARG", fn,
               param);
    else if (!err)
        record(ST_FAIL, "%s(%s=NULL) returned NULL without setting *err_out", fn, param);
    else if (kf_error_code(err) != KF_ERR__INVALID_ARG)
        record(ST_FAIL, "%s(%s=NULL) set %s (%s); expected KF_ERR__INVALID_ARG", fn, param,
               kf_error_name(err), kf_error_message(err));
    else
        record(ST_PASS, "%s", kf_error_message(err));
}
void check_null(const char *fn, const char *param, const void *res) {
    if (res)
        record(ST_FAIL, "%s(%s=NULL) returned %p; expected NULL", fn, param, res);
    else
        record(ST_PASS, "NULL");
}
void check_str(const char *fn, const char *param, const char *res, const char *want) {
    if (!res || strcmp(res, want) != 0)
        record(ST_FAIL, "%s(%s=NULL) returned \"%s\"; expected \"%s\"", fn, param,
               res ? res : "(null)", want);
    else
        record(ST_PASS, "\"%s\"", want);
}
void check_eq(const char *fn, const char *param, long long res, long long want) {
    if (res != want)
        record(ST_FAIL, "%s(%s=NULL) returned %lld; expected %lld", fn, param, res, want);
    else
        record(ST_PASS, "%lld", want);
}

/* Child: runs cases [from, to) of one function. */
static void run_child(size_t from, size_t to) {
    alarm(CASE_TIMEOUT_S);
    for (size_t i = from; i < to; i++) {
        running_case = i;
        results[i].status = ST_STARTED;
        null_cases[i].run();
        if (results[i].status == ST_STARTED)
            record(ST_FAIL, "the case recorded no outcome");
        alarm(CASE_TIMEOUT_S);
    }
    _exit(0);
}

typedef struct {
    pid_t pid;
    size_t from, to; /* the function's cases still to run in this child */
    size_t end;      /* the function's last case + 1 */
} slot_t;

static size_t first_started(size_t from, size_t to) {
    for (size_t i = from; i < to; i++)
        if (results[i].status == ST_STARTED) return i;
    return to;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
    double t0 = now_s();
    size_t n = null_case_count;
    results = mmap(NULL, n * sizeof *results, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (results == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    int jobs = 2;
    const char *j = getenv("ABI_NULL_JOBS");
    if (j && atoi(j) > 0) jobs = atoi(j);
    if (jobs > 16) jobs = 16;
    const char *only = getenv("ABI_NULL_ONLY"); /* run only this function's cases */

    slot_t slots[16];
    memset(slots, 0, sizeof slots);
    size_t next = 0; /* next function's first case */
    int active = 0;
    fflush(NULL);
    for (;;) {
        /* Start children while there are free slots and functions left. */
        for (int s = 0; s < jobs; s++) {
            if (slots[s].pid) continue;
            while (next < n && only && strcmp(null_cases[next].function, only) != 0) next++;
            if (next >= n) break;
            size_t end = next;
            while (end < n && strcmp(null_cases[end].function, null_cases[next].function) == 0)
                end++;
            slots[s].from = next;
            slots[s].to = end;
            slots[s].end = end;
            next = end;
            pid_t pid = fork();
            if (pid < 0) {
                perror("fork");
                return 2;
            }
            if (pid == 0) run_child(slots[s].from, slots[s].to);
            slots[s].pid = pid;
            active++;
        }
        if (!active) break;
        int ws;
        pid_t pid = wait(&ws);
        if (pid < 0) {
            if (errno == EINTR) continue;
            perror("wait");
            return 2;
        }
        for (int s = 0; s < jobs; s++) {
            if (slots[s].pid != pid) continue;
            slots[s].pid = 0;
            active--;
            size_t c = first_started(slots[s].from, slots[s].end);
            if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) break;
            if (c < slots[s].end) {
                case_result_t *r = &results[c];
                if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGALRM) {
                    r->status = ST_HANG;
                    snprintf(r->msg, MSG_LEN, "%s(%s=NULL) hung (> %d s)", null_cases[c].function,
                             null_cases[c].param, CASE_TIMEOUT_S);
                } else if (WIFSIGNALED(ws)) {
                    r->status = ST_CRASH;
                    snprintf(r->msg, MSG_LEN, "%s(%s=NULL) crashed: %s", null_cases[c].function,
                             null_cases[c].param, strsignal(WTERMSIG(ws)));
                } else if (WEXITSTATUS(ws) == 90) {
                    r->status = ST_FIXTURE;
                    snprintf(r->msg, MSG_LEN, "%s(%s=NULL): a valid value could not be made",
                             null_cases[c].function, null_cases[c].param);
                } else {
                    r->status = ST_CRASH;
                    snprintf(r->msg, MSG_LEN, "%s(%s=NULL) exited the process with status %d",
                             null_cases[c].function, null_cases[c].param, WEXITSTATUS(ws));
                }
                /* Go on with the function's next case in a new child. */
                if (c + 1 < slots[s].end) {
                    slots[s].from = c + 1;
                    pid_t p2 = fork();
                    if (p2 < 0) {
                        perror("fork");
                        return 2;
                    }
                    if (p2 == 0) run_child(slots[s].from, slots[s].end);
                    slots[s].pid = p2;
                    active++;
                }
            }
            break;
        }
    }

    size_t counts[ST_FIXTURE + 1] = {0};
    size_t failed = 0, functions_tested = 0;
    const char *prev = "";
    for (size_t i = 0; i < n; i++) {
        if (only && strcmp(null_cases[i].function, only) != 0) continue;
        if (strcmp(prev, null_cases[i].function) != 0) functions_tested++;
        prev = null_cases[i].function;
        case_result_t *r = &results[i];
        counts[r->status]++;
        if (r->status == ST_PASS || r->status == ST_PASS_NULLABLE || r->status == ST_PASS_VOID) {
            if (getenv("ABI_NULL_VERBOSE"))
                printf("ok   %s(%s=NULL): %s\n", null_cases[i].function, null_cases[i].param,
                       r->msg);
            continue;
        }
        failed++;
        printf("FAIL %s(%s=NULL): %s\n", null_cases[i].function, null_cases[i].param,
               r->status == ST_NONE ? "never ran" : r->status == ST_STARTED ? "did not finish" : r->msg);
    }
    printf("%zu functions in kafkaffi.h (%zu without a pointer argument); %zu functions x "
           "pointer arguments = %zu NULL-argument calls:\n"
           "  %zu an error or sentinel as documented, %zu NULL documented as valid (with the "
           "_destroy(NULL) no-ops), %zu other void calls; %zu failed (%zu wrong outcome, %zu crash, %zu hang, %zu fixture) in %.1f s\n",
           null_function_count, null_functions_without_pointers, functions_tested,
           counts[ST_PASS] + counts[ST_PASS_NULLABLE] + counts[ST_PASS_VOID] + failed,
           counts[ST_PASS], counts[ST_PASS_NULLABLE], counts[ST_PASS_VOID], failed,
           counts[ST_FAIL] + counts[ST_NONE] + counts[ST_STARTED], counts[ST_CRASH],
           counts[ST_HANG], counts[ST_FIXTURE], now_s() - t0);
    return failed ? 1 : 0;
}
