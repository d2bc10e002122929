/*
 * test_opaque_release: what a garbage-collected binding relies on, through the header, on the
 * mock cluster.
 *
 * - kf_config_set_opaque_release_cb(): a producer destroyed with delivery reports never served
 *   (delivered but not polled, or undelivered because the broker is down) gives each of those
 *   messages' opaques to the release exactly once, on the destroying thread; a message whose
 *   on_delivery ran is never released. An admin client destroyed with `_async` calls in flight
 *   does the same for their opaques.
 * - An `_async` admin result is handed over: the callback owns it, keeps it past the callback
 *   here, and frees it with kf_admin_result_destroy().
 *
 * tests/valgrind/opaque_release.sh runs this program under valgrind: nothing leaks.
 */
#include <pthread.h>

#include "common.h"

#define N_SERVED 5    /* delivered and served by flush: on_delivery runs */
#define N_UNSERVED 5  /* delivered, never polled: released at destroy */
#define N_DOWN 20     /* undelivered, the broker down: released at destroy */
#define N_ADMIN_IN_FLIGHT 3
#define N_OPS (N_SERVED + N_UNSERVED + N_DOWN + 1 + N_ADMIN_IN_FLIGHT)

typedef struct {
    int called;
    int released;
    kf_admin_result_t *result; /* handed to the admin callback, kept past it */
} op_t;

static op_t ops[N_OPS];
static int releases, foreign_releases, other_thread_releases, registration_freed;
static pthread_t main_thread;

static void on_release(void *opaque, void *released) {
    op_t *op = released;
    (void)opaque;
    releases++;
    if (!pthread_equal(pthread_self(), main_thread))
        other_thread_releases++;
    if (op >= ops && op < ops + N_OPS)
        op->released++;
    else
        foreign_releases++;
}

static void on_free(void *opaque) {
    (void)opaque;
    registration_freed++;
}

static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    (void)msg, (void)err;
    ((op_t *)opaque)->called++;
}

static void on_result(void *opaque, kf_admin_result_t *result) {
    op_t *op = opaque;
    op->called++;
    op->result = result; /* owned: freed by main after the callback returned */
}

static void produce(kf_producer_t *p, const char *topic, op_t *op) {
    MUST(kf_producer_produce(p, topic, 0, NULL, 0, (const uint8_t *)"v", 1, NULL, 0, on_delivery,
                             op));
}

static void check_ops(int from, int to, int called, int released, const char *what) {
    for (int i = from; i < to; i++)
        CHECK(ops[i].called == called && ops[i].released == released,
              "%s: op %d called %d released %d (want %d, %d)", what, i, ops[i].called,
              ops[i].released, called, released);
}

static void list_offsets_async(kf_admin_t *a, const char *topic, const kf_admin_options_t *o,
                               op_t *op) {
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    size_t idx = 0;
    MUST(kf_topic_partition_list_add(l, topic, 0, &idx));
    MUST(kf_topic_partition_list_set_offset(l, idx, KF_OFFSET_SPEC_LATEST));
    MUST(kf_admin_list_offsets_async(a, l, o, on_result, op));
    kf_topic_partition_list_destroy(l);
}

int main(void) {
    t_cluster_t c = t_cluster_mock(1);
    char topic[128];
    kf_config_t *conf;
    kf_producer_t *p;
    kf_admin_t *a;
    kf_admin_options_t *o;
    kf_error_t *err = NULL;
    size_t remaining = 1;
    int i, next = 0;
    int64_t deadline;
    op_t *served_admin;

    main_thread = pthread_self();
    t_unique(topic, sizeof topic, "c-release");
    t_create_topic(&c, topic, 1);

    t_section("producer destroyed with reports never served: each opaque released once");
    conf = t_config(&c, "message.timeout.ms", "300000", NULL);
    MUST(kf_config_set_opaque_release_cb(conf, on_release, NULL, on_free));
    p = t_producer(conf);
    for (i = 0; i < N_SERVED; i++)
        produce(p, topic, &ops[next++]);
    OK(kf_producer_flush(p, 30000, &remaining));
    CHECK(remaining == 0, "flushed (%zu remaining)", remaining);
    for (i = 0; i < N_UNSERVED; i++)
        produce(p, topic, &ops[next++]);
    t_sleep_ms(1000); /* delivered by the mock, never polled */
    MUST(kf_mock_cluster_broker_down(c.mock, 1));
    for (i = 0; i < N_DOWN; i++)
        produce(p, topic, &ops[next++]);
    t_sleep_ms(200);
    CHECK(releases == 0, "nothing released before destroy (%d)", releases);
    OK(kf_producer_destroy(p));
    check_ops(0, N_SERVED, 1, 0, "served");
    check_ops(N_SERVED, next, 0, 1, "never served");
    CHECK(releases == N_UNSERVED + N_DOWN, "%d releases (want %d)", releases,
          N_UNSERVED + N_DOWN);
    CHECK(registration_freed == 0, "the config still holds the registration");
    MUST(kf_mock_cluster_broker_up(c.mock, 1));

    t_section("admin result handed over; destroy releases the calls in flight");
    a = kf_admin_new(conf, &err);
    MUST(err);
    kf_config_destroy(conf);
    CHECK(registration_freed == 0, "the admin client holds the registration");
    served_admin = &ops[next++];
    list_offsets_async(a, topic, NULL, served_admin);
    deadline = t_now_ms() + 60000;
    while (served_admin->called == 0 && t_now_ms() < deadline)
        OK(kf_admin_poll(a, 200, NULL));
    REQUIRE(served_admin->result != NULL, "the admin result never came");
    CHECK(kf_admin_result_operation(served_admin->result) == KF_ADMIN_OP_LIST_OFFSETS,
          "the kept result is readable after the callback");
    CHECK(kf_admin_result_item_count(served_admin->result) == 1, "one item");
    CHECK(kf_admin_result_item_error_code(served_admin->result, 0) == 0, "no item error");
    kf_admin_result_destroy(served_admin->result);
    served_admin->result = NULL;
    MUST(kf_mock_cluster_broker_down(c.mock, 1));
    o = kf_admin_options_new();
    MUST(kf_admin_options_set_request_timeout(o, 60000));
    for (i = 0; i < N_ADMIN_IN_FLIGHT; i++)
        list_offsets_async(a, topic, o, &ops[next++]);
    kf_admin_options_destroy(o);
    OK(kf_admin_destroy(a));
    check_ops(next - N_ADMIN_IN_FLIGHT - 1, next - N_ADMIN_IN_FLIGHT, 1, 0, "admin served");
    check_ops(next - N_ADMIN_IN_FLIGHT, next, 0, 1, "admin in flight");
    CHECK(releases == N_UNSERVED + N_DOWN + N_ADMIN_IN_FLIGHT, "%d releases in all", releases);
    CHECK(foreign_releases == 0, "no release of an unknown pointer (%d)", foreign_releases);
    CHECK(other_thread_releases == 0, "every release on the destroying thread (%d elsewhere)",
          other_thread_releases);
    CHECK(registration_freed == 1, "registration freed once with its last holder (%d)",
          registration_freed);

    t_cluster_destroy(&c);
    return t_finish("test_opaque_release");
}
