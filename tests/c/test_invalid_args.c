/*
 * test_invalid_args.c: every function of kafkaffi.h refuses bad arguments cleanly.
 *
 * For each function: a NULL handle, a NULL required string or pointer, a non-UTF-8 string, an
 * unknown configuration key or a bad value returns an error with code KF_ERR__INVALID_ARG and a
 * message naming the argument (or the key), and crashes nothing; _destroy(NULL) is a no-op;
 * accessors given NULL (or an index out of range) return their documented fallback. Also:
 * callback registrations release their opaque exactly when documented, and a closed consumer
 * answers KF_ERR__STATE.
 *
 * Runs on an in-process mock cluster only: it always runs.
 */
#define _POSIX_C_SOURCE 200809L

#include "common.h"

/* A string that is not UTF-8 (0xff never appears in UTF-8). */
static const char BAD_UTF8[] = "bad-\xff\xfe-name";

/* Expects KF_ERR__INVALID_ARG with a message naming `arg`. */
#define INVALID(call, arg) ERR((call), KF_ERR__INVALID_ARG, (arg))

/* ---- opaque release counting (for the callback registrations) ---------------------------- */

static int freed_count;
static void count_free(void *opaque) {
    (void)opaque;
    freed_count++;
}

/* Callbacks that must never run in this test (only registered). */
static void never_error_cb(void *o, const kf_error_t *e) { (void)o, (void)e; }
static void never_throttle_cb(void *o, const kf_throttle_event_t *e) { (void)o, (void)e; }
static void never_stats_cb(void *o, const char *j, size_t n) { (void)o, (void)j, (void)n; }
static void never_oauth_cb(void *o, const char *c, kf_oauth_token_t *t) { (void)o, (void)c, (void)t; }
static void never_commit_cb(void *o, const kf_error_t *e, const kf_topic_partition_list_t *l) {
    (void)o, (void)e, (void)l;
}
static void never_log_cb(void *o, int l, const char *f, const char *m) {
    (void)o, (void)l, (void)f, (void)m;
}
static void never_opaque_release(void *o, void *released) {
    (void)o, (void)released;
}

static int delivered_ok, delivered_failed;
static void count_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    (void)opaque, (void)msg;
    if (err == NULL)
        delivered_ok++;
    else
        delivered_failed++;
}

static int released_count;
static void count_release(void *opaque, uint8_t *value) {
    (void)opaque, (void)value;
    released_count++;
}

/* ---- sections ------------------------------------------------------------------------------ */

static void test_version(void) {
    char expect[32];
    uint32_t v = kf_version_int();
    int rv = kf_librdkafka_version_int();
    t_section("version");
    CHECK(kf_version() != NULL && kf_librdkafka_version() != NULL, "version strings");
    snprintf(expect, sizeof expect, "%u.%u.%u", (unsigned)(v >> 24), (unsigned)((v >> 16) & 0xff),
             (unsigned)((v >> 8) & 0xff));
    CHECK(strcmp(kf_version(), expect) == 0, "kf_version %s matches kf_version_int %s",
          kf_version(), expect);
    snprintf(expect, sizeof expect, "%d.%d.%d", (rv >> 24) & 0xff, (rv >> 16) & 0xff,
             (rv >> 8) & 0xff);
    CHECK(strcmp(kf_librdkafka_version(), expect) == 0,
          "kf_librdkafka_version %s matches kf_librdkafka_version_int %s",
          kf_librdkafka_version(), expect);
}

static void test_errors(void) {
    kf_error_t *err;
    t_section("kf_error_*: NULL fallbacks, codes, names, copies");
    CHECK(kf_error_code(NULL) == KF_ERR_NO_ERROR, "kf_error_code(NULL)");
    CHECK(strcmp(kf_error_name(NULL), "NO_ERROR") == 0, "kf_error_name(NULL)");
    CHECK(strcmp(kf_error_message(NULL), "Success") == 0, "kf_error_message(NULL)");
    CHECK(!kf_error_is_retriable(NULL), "kf_error_is_retriable(NULL)");
    CHECK(!kf_error_is_fatal(NULL), "kf_error_is_fatal(NULL)");
    CHECK(!kf_error_txn_requires_abort(NULL), "kf_error_txn_requires_abort(NULL)");
    CHECK(kf_error_copy(NULL) == NULL, "kf_error_copy(NULL)");
    kf_error_destroy(NULL);
    kf_string_free(NULL);
    CHECK(strcmp(kf_error_code_name(KF_ERR__PARTITION_EOF), "_PARTITION_EOF") == 0,
          "kf_error_code_name(_PARTITION_EOF)");
    CHECK(strcmp(kf_error_code_name(KF_ERR_UNKNOWN_TOPIC_OR_PART), "UNKNOWN_TOPIC_OR_PART") == 0,
          "kf_error_code_name(UNKNOWN_TOPIC_OR_PART)");
    CHECK(kf_error_code_name(123456) != NULL && strstr(kf_error_code_name(123456), "123456"),
          "kf_error_code_name of an unknown code: %s", kf_error_code_name(123456));
    CHECK(kf_error_code_name(KF_ERR__PANIC) != NULL, "kf_error_code_name(_PANIC)");
    CHECK(kf_error_code_description(KF_ERR__INVALID_ARG) != NULL &&
              *kf_error_code_description(KF_ERR__INVALID_ARG) != '\0',
          "kf_error_code_description(_INVALID_ARG)");
    CHECK(kf_error_code_description(-123456) != NULL, "kf_error_code_description(unknown)");

    /* A real error and its copy. */
    err = kf_config_set(NULL, "k", "v");
    REQUIRE(err != NULL, "kf_config_set(NULL) must fail");
    {
        kf_error_t *copy = kf_error_copy(err);
        CHECK(copy != NULL && copy != err, "kf_error_copy gives a new error");
        CHECK(kf_error_code(copy) == kf_error_code(err) &&
                  strcmp(kf_error_message(copy), kf_error_message(err)) == 0 &&
                  strcmp(kf_error_name(copy), "_INVALID_ARG") == 0,
              "the copy has the same code, name and message");
        CHECK(!kf_error_is_fatal(copy) && !kf_error_is_retriable(copy) &&
                  !kf_error_txn_requires_abort(copy),
              "an invalid argument is neither fatal, retriable nor abortable");
        kf_error_info_t info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        INVALID(kf_error_info(NULL, &info), "err");
        INVALID(kf_error_info(err, NULL), "info_out");
        info.size = 8;
        INVALID(kf_error_info(err, &info), "size");
        CHECK(info.size == 8 && info.name == NULL, "kf_error_info: info untouched on error");
        info.size = sizeof info;
        if (OK(kf_error_info(err, &info)))
            CHECK(info.size == sizeof info && info.code == KF_ERR__INVALID_ARG &&
                      strcmp(info.name, "_INVALID_ARG") == 0 &&
                      info.message == kf_error_message(err) && !info.retriable &&
                      !info.fatal && !info.txn_requires_abort,
                  "kf_error_info reads the error in one call");
        kf_error_destroy(err);
        CHECK(strcmp(kf_error_name(copy), "_INVALID_ARG") == 0, "the copy outlives the original");
        kf_error_destroy(copy);
    }
}

static void test_config(void) {
    kf_config_t *conf = kf_config_new();
    char *value = NULL;
    t_section("kf_config_*: NULL arguments, non-UTF-8, unknown keys, bad values");
    REQUIRE(conf != NULL, "kf_config_new");
    kf_config_destroy(NULL);
    CHECK(kf_config_dup(NULL) == NULL, "kf_config_dup(NULL)");
    MUST(kf_config_set(conf, "linger.ms", "3"));

    INVALID(kf_config_set(NULL, "linger.ms", "5"), "config");
    INVALID(kf_config_set(conf, NULL, "5"), "key");
    INVALID(kf_config_set(conf, "linger.ms", NULL), "value");
    INVALID(kf_config_set(conf, BAD_UTF8, "5"), "UTF-8");
    INVALID(kf_config_set(conf, "client.id", BAD_UTF8), "UTF-8");
    INVALID(kf_config_set(conf, "no.such.property", "1"), "no.such.property");
    INVALID(kf_config_set(conf, "linger.ms", "soon"), "linger.ms");
    INVALID(kf_config_set(conf, "linger.ms", "-5"), "linger.ms");
    INVALID(kf_config_set(conf, "acks", "some"), "acks");
    INVALID(kf_config_set(conf, "enable.idempotence", "maybe"), "enable.idempotence");
    INVALID(kf_config_set(conf, "default.topic.config", "not json"), "default.topic.config");
    INVALID(kf_config_set(conf, "default.topic.config", "{\"no.such.topic.prop\": 1}"),
            "no.such.topic.prop");

    INVALID(kf_config_set_json(NULL, "{}"), "config");
    INVALID(kf_config_set_json(conf, NULL), "json");
    INVALID(kf_config_set_json(conf, "{\"linger.ms\": 5"), "JSON");
    INVALID(kf_config_set_json(conf, "[1, 2]"), "object");
    INVALID(kf_config_set_json(conf, "{\"linger.ms\": [5]}"), "linger.ms");
    INVALID(kf_config_set_json(conf, "{\"no.such.property\": 1}"), "no.such.property");
    INVALID(kf_config_set_json(conf, "{\"linger.ms\": \"soon\"}"), "linger.ms");
    INVALID(kf_config_set_json(conf, "{\"default.topic.config\": {\"acks\": \"some\"}}"), "acks");
    {
        char json[64];
        snprintf(json, sizeof json, "{\"client.id\": \"%s\"}", BAD_UTF8);
        INVALID(kf_config_set_json(conf, json), "UTF-8");
    }

    INVALID(kf_config_get(NULL, "linger.ms", &value), "config");
    INVALID(kf_config_get(conf, NULL, &value), "key");
    INVALID(kf_config_get(conf, "linger.ms", NULL), "value_out");
    INVALID(kf_config_get(conf, BAD_UTF8, &value), "UTF-8");
    INVALID(kf_config_get(conf, "no.such.property", &value), "no.such.property");
    CHECK(value == NULL, "kf_config_get writes value_out only on success");

    /* Failed sets left the configuration unchanged; good ones still work. */
    if (OK(kf_config_get(conf, "linger.ms", &value))) {
        CHECK(strcmp(value, "3") == 0, "linger.ms still 3 after refused values (got %s)", value);
        kf_string_free(value);
        value = NULL;
    }
    if (OK(kf_config_set_json(conf, "{\"linger.ms\": 7, \"enable.idempotence\": true, "
                                    "\"default.topic.config\": {\"acks\": \"all\"}}")) &&
        OK(kf_config_get(conf, "linger.ms", &value))) {
        CHECK(strcmp(value, "7") == 0, "kf_config_set_json set linger.ms to 7 (got %s)", value);
        kf_string_free(value);
    }
    kf_config_destroy(conf);
}

static void test_callback_registrations(void) {
    kf_config_t *conf = kf_config_new();
    kf_config_t *dup;
    int token;
    t_section("kf_config_set_*_cb: NULL config, and when the opaque is released");

    /* A NULL config: an error, and the call owned the opaque: free_opaque ran, once per call. */
    freed_count = 0;
    INVALID(kf_config_set_error_cb(NULL, never_error_cb, &token, count_free), "config");
    INVALID(kf_config_set_throttle_cb(NULL, never_throttle_cb, &token, count_free), "config");
    INVALID(kf_config_set_stats_cb(NULL, never_stats_cb, &token, count_free), "config");
    INVALID(kf_config_set_oauth_cb(NULL, never_oauth_cb, &token, count_free), "config");
    INVALID(kf_config_set_delivery_cb(NULL, count_delivery, &token, count_free), "config");
    INVALID(kf_config_set_commit_cb(NULL, never_commit_cb, &token, count_free), "config");
    INVALID(kf_config_set_log_cb(NULL, never_log_cb, &token, count_free), "config");
    INVALID(kf_config_set_opaque_release_cb(NULL, never_opaque_release, &token, count_free),
            "config");
    CHECK(freed_count == 8, "free_opaque called once per refused registration (%d of 8)",
          freed_count);

    /* A NULL callback removes the registration: nothing holds the opaque, it is freed now. */
    freed_count = 0;
    OK(kf_config_set_error_cb(conf, NULL, &token, count_free));
    OK(kf_config_set_throttle_cb(conf, NULL, &token, count_free));
    OK(kf_config_set_stats_cb(conf, NULL, &token, count_free));
    OK(kf_config_set_oauth_cb(conf, NULL, &token, count_free));
    OK(kf_config_set_delivery_cb(conf, NULL, &token, count_free));
    OK(kf_config_set_commit_cb(conf, NULL, &token, count_free));
    OK(kf_config_set_log_cb(conf, NULL, &token, count_free));
    OK(kf_config_set_opaque_release_cb(conf, NULL, &token, count_free));
    CHECK(freed_count == 8, "a NULL callback frees its opaque at once (%d of 8)", freed_count);

    /* A registration lives as long as the last configuration holding it. */
    freed_count = 0;
    OK(kf_config_set_stats_cb(conf, never_stats_cb, &token, count_free));
    dup = kf_config_dup(conf);
    CHECK(dup != NULL, "kf_config_dup");
    kf_config_destroy(conf);
    CHECK(freed_count == 0, "the duplicate still holds the registration");
    /* Replacing the registration on the duplicate releases the old one. */
    OK(kf_config_set_stats_cb(dup, never_stats_cb, NULL, NULL));
    CHECK(freed_count == 1, "replacing a registration frees its opaque (%d)", freed_count);
    kf_config_destroy(dup);
    CHECK(freed_count == 1, "freed exactly once (%d)", freed_count);

    /* Throttle event accessors: NULL fallbacks. */
    CHECK(kf_throttle_event_broker_name(NULL) == NULL, "kf_throttle_event_broker_name(NULL)");
    CHECK(kf_throttle_event_broker_id(NULL) == -1, "kf_throttle_event_broker_id(NULL)");
    CHECK(kf_throttle_event_throttle_time_ms(NULL) == -1,
          "kf_throttle_event_throttle_time_ms(NULL)");
}

/* ---- oauth: kf_oauth_token_* can only be given a real token inside oauth_cb --------------- */

static int oauth_calls;
static void oauth_cb(void *opaque, const char *oauthbearer_config, kf_oauth_token_t *token) {
    const char *keys[1] = {"traceId"}, *values[1] = {"abc"};
    const char *null_keys[1] = {NULL};
    int64_t later = t_wall_ms() + 3600 * 1000;
    (void)opaque, (void)oauthbearer_config;
    oauth_calls++;
    INVALID(kf_oauth_token_set(NULL, "tok", later, "admin", NULL, NULL, 0), "token");
    INVALID(kf_oauth_token_set(token, NULL, later, "admin", NULL, NULL, 0), "token_value");
    INVALID(kf_oauth_token_set(token, "tok", later, NULL, NULL, NULL, 0), "principal");
    INVALID(kf_oauth_token_set(token, BAD_UTF8, later, "admin", NULL, NULL, 0), "UTF-8");
    INVALID(kf_oauth_token_set(token, "tok", later, "admin", NULL, values, 1), "extension_keys");
    INVALID(kf_oauth_token_set(token, "tok", later, "admin", keys, NULL, 1), "extension_values");
    INVALID(kf_oauth_token_set(token, "tok", later, "admin", null_keys, values, 1), "extension");
    /* Refused by librdkafka: a token that already expired. */
    ERR(kf_oauth_token_set(token, "tok", t_wall_ms() - 1000, "admin", NULL, NULL, 0),
        KF_ERR__INVALID_ARG, NULL);
    INVALID(kf_oauth_token_fail(NULL, "no token"), "token");
    INVALID(kf_oauth_token_fail(token, NULL), "reason");
    /* Now answer properly. */
    OK(kf_oauth_token_set(token, "tok", later, "admin", keys, values, 1));
}

static void test_oauth(void) {
    kf_config_t *conf = kf_config_new();
    kf_producer_t *p;
    t_section("kf_oauth_token_set/fail: NULL arguments (inside oauth_cb)");
    OK(kf_config_set(conf, "bootstrap.servers", "127.0.0.1:1"));
    OK(kf_config_set(conf, "log_level", "0")); /* quiet: the connection is refused */
    OK(kf_config_set(conf, "security.protocol", "SASL_PLAINTEXT"));
    OK(kf_config_set(conf, "sasl.mechanism", "OAUTHBEARER"));
    OK(kf_config_set_oauth_cb(conf, oauth_cb, NULL, NULL));
    INVALID(kf_oauth_token_set(NULL, "tok", 0, "admin", NULL, NULL, 0), "token");
    INVALID(kf_oauth_token_fail(NULL, "reason"), "token");
    p = t_producer(conf); /* asks for the first token at once, on this thread */
    kf_config_destroy(conf);
    CHECK(oauth_calls == 1, "oauth_cb ran once during kf_producer_new (%d)", oauth_calls);
    OK(kf_producer_destroy(p));
}

static void test_headers(void) {
    kf_headers_t *h = kf_headers_new(0);
    const char *name = "untouched";
    const uint8_t *value = (const uint8_t *)"untouched";
    size_t len = 42;
    t_section("kf_headers_*: NULL arguments, non-UTF-8 names, indexes out of range");
    REQUIRE(h != NULL, "kf_headers_new(0)");
    kf_headers_destroy(NULL);
    CHECK(kf_headers_count(NULL) == 0, "kf_headers_count(NULL)");
    INVALID(kf_headers_add(NULL, "n", (const uint8_t *)"v", 1), "headers");
    INVALID(kf_headers_add(h, NULL, (const uint8_t *)"v", 1), "name");
    INVALID(kf_headers_add(h, BAD_UTF8, (const uint8_t *)"v", 1), "UTF-8");
    INVALID(kf_headers_add(h, "n", NULL, 3), "value");
    CHECK(kf_headers_count(h) == 0, "refused headers were not added");
    OK(kf_headers_add(h, "n", (const uint8_t *)"v", 1));
    OK(kf_headers_add(h, "null", NULL, 0));
    CHECK(kf_headers_count(h) == 2, "two headers added");

    INVALID(kf_headers_get(NULL, 0, &name, &value, &len), "headers");
    ERR(kf_headers_get(h, 2, &name, &value, &len), KF_ERR__NOENT, "2");
    ERR(kf_headers_get(h, (size_t)-1, &name, &value, &len), KF_ERR__NOENT, NULL);
    CHECK(strcmp(name, "untouched") == 0 && len == 42, "_out parameters untouched on error");
    OK(kf_headers_get(h, 0, NULL, NULL, NULL)); /* every _out is optional */
    OK(kf_headers_get(h, 1, &name, &value, &len));
    CHECK(strcmp(name, "null") == 0 && value == NULL && len == 0, "a null header value");

    INVALID(kf_headers_get_last(NULL, "n", &value, &len), "headers");
    INVALID(kf_headers_get_last(h, NULL, &value, &len), "name");
    INVALID(kf_headers_get_last(h, BAD_UTF8, &value, &len), "UTF-8");
    ERR(kf_headers_get_last(h, "absent", &value, &len), KF_ERR__NOENT, "absent");
    OK(kf_headers_get_last(h, "n", NULL, NULL));
    kf_headers_destroy(h);

    /* A huge capacity is only a hint. */
    h = kf_headers_new((size_t)-1);
    CHECK(h != NULL, "kf_headers_new(SIZE_MAX) does not exhaust memory");
    kf_headers_destroy(h);
}

static void test_message_accessors(void) {
    size_t len = 42;
    int type = 42;
    t_section("kf_message_*: NULL fallbacks");
    kf_message_destroy(NULL);
    CHECK(kf_message_topic(NULL) == NULL, "kf_message_topic(NULL)");
    CHECK(kf_message_partition(NULL) == KF_PARTITION_UA, "kf_message_partition(NULL)");
    CHECK(kf_message_offset(NULL) == KF_OFFSET_INVALID, "kf_message_offset(NULL)");
    CHECK(kf_message_key(NULL, &len) == NULL && len == 0, "kf_message_key(NULL)");
    len = 42;
    CHECK(kf_message_value(NULL, &len) == NULL && len == 0, "kf_message_value(NULL)");
    CHECK(kf_message_key(NULL, NULL) == NULL && kf_message_value(NULL, NULL) == NULL,
          "NULL len_out");
    CHECK(kf_message_len(NULL) == 0, "kf_message_len(NULL)");
    CHECK(kf_message_timestamp(NULL, &type) == -1 && type == KF_TIMESTAMP_NOT_AVAILABLE,
          "kf_message_timestamp(NULL): -1, NOT_AVAILABLE (type %d)", type);
    CHECK(kf_message_timestamp(NULL, NULL) == -1, "kf_message_timestamp(NULL, NULL)");
    CHECK(kf_message_latency(NULL) == -1, "kf_message_latency(NULL)");
    CHECK(kf_message_leader_epoch(NULL) == -1, "kf_message_leader_epoch(NULL)");
    CHECK(kf_message_headers(NULL) == NULL, "kf_message_headers(NULL)");
    CHECK(kf_message_error_code(NULL) == 0, "kf_message_error_code(NULL)");
    CHECK(kf_message_error(NULL) == NULL, "kf_message_error(NULL)");
    {
        kf_message_view_t view;
        kf_header_view_t hv[2];
        size_t n = 42;
        memset(&view, 0, sizeof view);
        view.size = sizeof view;
        INVALID(kf_message_view(NULL, &view, hv, 2), "msg");
        CHECK(view.size == sizeof view && view.message == NULL, "view untouched on error");
        CHECK(kf_message_batch_views(NULL, sizeof(kf_message_view_t), &n) == NULL && n == 0,
              "kf_message_batch_views(NULL)");
        CHECK(kf_message_batch_views(NULL, sizeof(kf_message_view_t), NULL) == NULL,
              "kf_message_batch_views(NULL, NULL)");
        CHECK(kf_message_batch_count(NULL) == 0, "kf_message_batch_count(NULL)");
        kf_message_batch_destroy(NULL);
    }
}

static void test_topic_partition_lists(void) {
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(0);
    kf_topic_partition_list_t *copy;
    size_t index = 42, len = 42;
    t_section("kf_topic_partition_list_*: NULL arguments, indexes out of range");
    REQUIRE(l != NULL, "kf_topic_partition_list_new(0)");
    kf_topic_partition_list_destroy(NULL);
    CHECK(kf_topic_partition_list_copy(NULL) == NULL, "kf_topic_partition_list_copy(NULL)");
    CHECK(kf_topic_partition_list_count(NULL) == 0, "kf_topic_partition_list_count(NULL)");

    INVALID(kf_topic_partition_list_add(NULL, "t", 0, &index), "list");
    INVALID(kf_topic_partition_list_add(l, NULL, 0, &index), "topic");
    INVALID(kf_topic_partition_list_add(l, BAD_UTF8, 0, &index), "UTF-8");
    CHECK(kf_topic_partition_list_count(l) == 0 && index == 42, "nothing added on error");
    OK(kf_topic_partition_list_add(l, "t", 3, &index));
    CHECK(index == 0, "first index 0");
    OK(kf_topic_partition_list_add(l, "t", 4, NULL));

    INVALID(kf_topic_partition_list_find(NULL, "t", 3, &index), "list");
    INVALID(kf_topic_partition_list_find(l, NULL, 3, &index), "topic");
    INVALID(kf_topic_partition_list_find(l, BAD_UTF8, 3, &index), "UTF-8");
    INVALID(kf_topic_partition_list_find(l, "t", 3, NULL), "index_out");
    ERR(kf_topic_partition_list_find(l, "t", 5, &index), KF_ERR__NOENT, "t[5]");
    if (OK(kf_topic_partition_list_find(l, "t", 4, &index)))
        CHECK(index == 1, "find t[4]");

    CHECK(kf_topic_partition_list_topic(NULL, 0) == NULL, "topic of NULL");
    CHECK(kf_topic_partition_list_topic(l, 2) == NULL, "topic out of range");
    CHECK(kf_topic_partition_list_partition(NULL, 0) == KF_PARTITION_UA, "partition of NULL");
    CHECK(kf_topic_partition_list_partition(l, 2) == KF_PARTITION_UA, "partition out of range");
    CHECK(kf_topic_partition_list_offset(NULL, 0) == KF_OFFSET_INVALID, "offset of NULL");
    CHECK(kf_topic_partition_list_offset(l, 2) == KF_OFFSET_INVALID, "offset out of range");
    CHECK(kf_topic_partition_list_offset(l, 0) == KF_OFFSET_INVALID, "a new element's offset");
    CHECK(kf_topic_partition_list_metadata(NULL, 0, &len) == NULL && len == 0,
          "metadata of NULL");
    CHECK(kf_topic_partition_list_metadata(l, 2, NULL) == NULL, "metadata out of range");
    CHECK(kf_topic_partition_list_leader_epoch(NULL, 0) == -1, "leader epoch of NULL");
    CHECK(kf_topic_partition_list_leader_epoch(l, 2) == -1, "leader epoch out of range");
    CHECK(kf_topic_partition_list_error_code(NULL, 0) == KF_ERR__INVALID_ARG, "error of NULL");
    CHECK(kf_topic_partition_list_error_code(l, 2) == KF_ERR__INVALID_ARG,
          "error out of range");
    CHECK(kf_topic_partition_list_error_code(l, 0) == 0, "a new element has no error");

    INVALID(kf_topic_partition_list_set_offset(NULL, 0, 5), "list");
    INVALID(kf_topic_partition_list_set_offset(l, 2, 5), "index");
    INVALID(kf_topic_partition_list_set_metadata(NULL, 0, (const uint8_t *)"m", 1), "list");
    INVALID(kf_topic_partition_list_set_metadata(l, 2, (const uint8_t *)"m", 1), "index");
    INVALID(kf_topic_partition_list_set_metadata(l, 0, NULL, 1), "metadata");
    INVALID(kf_topic_partition_list_set_leader_epoch(NULL, 0, 1), "list");
    INVALID(kf_topic_partition_list_set_leader_epoch(l, 2, 1), "index");

    /* The good forms, and a deep copy that outlives the original. */
    OK(kf_topic_partition_list_set_offset(l, 0, 17));
    OK(kf_topic_partition_list_set_metadata(l, 0, (const uint8_t *)"meta", 4));
    OK(kf_topic_partition_list_set_leader_epoch(l, 0, 9));
    copy = kf_topic_partition_list_copy(l);
    kf_topic_partition_list_destroy(l);
    {
        const uint8_t *md = kf_topic_partition_list_metadata(copy, 0, &len);
        CHECK(kf_topic_partition_list_count(copy) == 2 &&
                  strcmp(kf_topic_partition_list_topic(copy, 0), "t") == 0 &&
                  kf_topic_partition_list_partition(copy, 0) == 3 &&
                  kf_topic_partition_list_offset(copy, 0) == 17 &&
                  kf_topic_partition_list_leader_epoch(copy, 0) == 9 && md != NULL &&
                  len == 4 && memcmp(md, "meta", 4) == 0,
              "the copy keeps every field");
    }
    OK(kf_topic_partition_list_set_metadata(copy, 0, NULL, 0));
    CHECK(kf_topic_partition_list_metadata(copy, 0, &len) == NULL && len == 0,
          "NULL metadata clears it");
    kf_topic_partition_list_destroy(copy);

    l = kf_topic_partition_list_new((size_t)-1);
    CHECK(l != NULL, "kf_topic_partition_list_new(SIZE_MAX) does not exhaust memory");
    kf_topic_partition_list_destroy(l);
}

static void test_mock_cluster(t_cluster_t *cluster) {
    kf_error_t *err = NULL;
    kf_mock_cluster_t *m = cluster->mock;
    int32_t errors[2] = {KF_ERR_NOT_LEADER_FOR_PARTITION, 0};
    t_section("kf_mock_cluster_*: NULL arguments, unknown brokers");
    CHECK(kf_mock_cluster_new(0, &err) == NULL, "kf_mock_cluster_new(0) fails");
    INVALID(err, "broker_count");
    CHECK(kf_mock_cluster_new(-1, NULL) == NULL, "kf_mock_cluster_new(-1, NULL err_out)");
    kf_mock_cluster_destroy(NULL);
    CHECK(kf_mock_cluster_bootstrap_servers(NULL) == NULL, "bootstrap servers of NULL");

    INVALID(kf_mock_cluster_topic_create(NULL, "t", 1, 1), "cluster");
    INVALID(kf_mock_cluster_topic_create(m, NULL, 1, 1), "topic");
    INVALID(kf_mock_cluster_topic_create(m, BAD_UTF8, 1, 1), "UTF-8");
    INVALID(kf_mock_cluster_broker_down(NULL, 1), "cluster");
    ERR(kf_mock_cluster_broker_down(m, 99), KF_ERR_BROKER_NOT_AVAILABLE, NULL);
    INVALID(kf_mock_cluster_broker_up(NULL, 1), "cluster");
    ERR(kf_mock_cluster_broker_up(m, 99), KF_ERR_BROKER_NOT_AVAILABLE, NULL);
    INVALID(kf_mock_cluster_broker_set_rtt(NULL, 1, 10), "cluster");
    ERR(kf_mock_cluster_broker_set_rtt(m, 99, 10), KF_ERR_BROKER_NOT_AVAILABLE, NULL);
    OK(kf_mock_cluster_broker_set_rtt(m, -1, 0)); /* -1: every broker */
    INVALID(kf_mock_cluster_push_request_errors(NULL, KF_APIKEY_PRODUCE, errors, 2), "cluster");
    INVALID(kf_mock_cluster_push_request_errors(m, KF_APIKEY_PRODUCE, NULL, 2), "errors");
    OK(kf_mock_cluster_push_request_errors(m, KF_APIKEY_PRODUCE, NULL, 0));
    INVALID(kf_mock_cluster_push_broker_request_error(NULL, 1, KF_APIKEY_PRODUCE, 1, 0),
            "cluster");
    ERR(kf_mock_cluster_push_broker_request_error(m, 99, KF_APIKEY_PRODUCE, 1, 0),
        KF_ERR__UNKNOWN_BROKER, NULL);
    INVALID(kf_mock_cluster_clear_request_errors(NULL, KF_APIKEY_PRODUCE), "cluster");
    OK(kf_mock_cluster_clear_request_errors(m, KF_APIKEY_PRODUCE));
    INVALID(kf_mock_cluster_partition_set_leader(NULL, "t", 0, 1), "cluster");
    INVALID(kf_mock_cluster_partition_set_leader(m, NULL, 0, 1), "topic");
    INVALID(kf_mock_cluster_partition_set_leader(m, BAD_UTF8, 0, 1), "UTF-8");
    /* Negative partitions and counts would crash librdkafka's mock: refused first. */
    INVALID(kf_mock_cluster_partition_set_leader(m, "mock-t", -5, 1), "partition");
    INVALID(kf_mock_cluster_topic_create(m, "mock-t0", 0, 1), "partition_count");
    INVALID(kf_mock_cluster_topic_create(m, "mock-t0", -3, 1), "partition_count");
    INVALID(kf_mock_cluster_topic_create(m, "mock-t0", 1, 0), "replication_factor");
    INVALID(kf_mock_cluster_topic_create(m, "mock-t0", 1, -1), "replication_factor");
    OK(kf_mock_cluster_topic_create(m, "mock-t", 2, 1));
    ERR(kf_mock_cluster_topic_create(m, "mock-t", 2, 1), KF_ERR_TOPIC_ALREADY_EXISTS, NULL);
    ERR(kf_mock_cluster_partition_set_leader(m, "mock-t", 2, 1), KF_ERR_UNKNOWN_TOPIC_OR_PART,
        NULL);
    ERR(kf_mock_cluster_partition_set_leader(m, "mock-t", 1, 99), KF_ERR_BROKER_NOT_AVAILABLE,
        NULL);
    OK(kf_mock_cluster_partition_set_leader(m, "mock-t", 1, 1));
    INVALID(kf_mock_cluster_coordinator_set(NULL, "group", "g", 1), "cluster");
    INVALID(kf_mock_cluster_coordinator_set(m, NULL, "g", 1), "key_type");
    INVALID(kf_mock_cluster_coordinator_set(m, "cluster", "g", 1), "key_type");
    INVALID(kf_mock_cluster_coordinator_set(m, "group", NULL, 1), "key");
    INVALID(kf_mock_cluster_coordinator_set(m, "group", BAD_UTF8, 1), "UTF-8");
}

static void test_producer(t_cluster_t *cluster) {
    kf_error_t *err = NULL;
    kf_config_t *conf;
    kf_producer_t *p;
    kf_metadata_t *md = NULL;
    int fd = -42, served = -42;
    size_t remaining = 42, enqueued = 42;
    char topic[96];
    uint8_t zc_value[4] = {'z', 'e', 'r', 'o'};
    kf_produce_message_t batch[3];

    t_section("kf_producer_*: NULL arguments, bad topics, refused configurations");
    t_unique(topic, sizeof topic, "c-invalid-args");
    MUST(kf_mock_cluster_topic_create(cluster->mock, topic, 1, 1));

    /* Constructors: NULL config, a configuration librdkafka refuses at creation. */
    CHECK(kf_producer_new(NULL, &err) == NULL, "kf_producer_new(NULL) fails");
    INVALID(err, "config");
    err = NULL;
    CHECK(kf_producer_new(NULL, NULL) == NULL, "kf_producer_new(NULL, NULL)");
    conf = t_config(cluster, "enable.idempotence", "true", "acks", "1", NULL);
    CHECK(kf_producer_new(conf, &err) == NULL, "idempotence with acks=1 is refused");
    INVALID(err, "acks");
    err = NULL;
    kf_config_destroy(conf);
    OK(kf_producer_destroy(NULL));

    conf = t_config(cluster, NULL);
    OK(kf_config_set_delivery_cb(conf, count_delivery, NULL, NULL));
    p = t_producer(conf);
    kf_config_destroy(conf);

    INVALID(kf_producer_produce(NULL, topic, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL),
            "producer");
    INVALID(kf_producer_produce(p, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL), "topic");
    INVALID(kf_producer_produce(p, BAD_UTF8, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL), "UTF-8");
    INVALID(kf_producer_produce(p, topic, 0, NULL, 3, NULL, 0, NULL, 0, NULL, NULL), "key");
    INVALID(kf_producer_produce(p, topic, 0, NULL, 0, NULL, 3, NULL, 0, NULL, NULL), "value");

    INVALID(kf_producer_produce_zerocopy(NULL, topic, 0, NULL, 0, zc_value, 4, count_release,
                                         NULL, NULL, 0, NULL, NULL),
            "producer");
    INVALID(kf_producer_produce_zerocopy(p, NULL, 0, NULL, 0, zc_value, 4, count_release, NULL,
                                         NULL, 0, NULL, NULL),
            "topic");
    INVALID(kf_producer_produce_zerocopy(p, BAD_UTF8, 0, NULL, 0, zc_value, 4, count_release,
                                         NULL, NULL, 0, NULL, NULL),
            "UTF-8");
    INVALID(kf_producer_produce_zerocopy(p, topic, 0, NULL, 0, zc_value, 4, NULL, NULL, NULL, 0,
                                         NULL, NULL),
            "free_value");
    INVALID(kf_producer_produce_zerocopy(p, topic, 0, NULL, 0, NULL, 4, count_release, NULL,
                                         NULL, 0, NULL, NULL),
            "value");
    INVALID(kf_producer_produce_zerocopy(p, topic, 0, NULL, 2, zc_value, 4, count_release, NULL,
                                         NULL, 0, NULL, NULL),
            "key");
    CHECK(released_count == 0, "a refused zero-copy value is not released (%d)", released_count);

    /* Batch: a NULL producer or messages; per-message errors do not stop the others. */
    memset(batch, 0, sizeof batch);
    for (int i = 0; i < 3; i++) {
        batch[i].size = sizeof batch[i];
        batch[i].topic = topic;
        batch[i].partition = 0;
        batch[i].value = (const uint8_t *)"batch";
        batch[i].value_len = 5;
        batch[i].err = 12345;
    }
    batch[1].topic = NULL;
    INVALID(kf_producer_produce_batch(NULL, batch, 3, &enqueued), "producer");
    INVALID(kf_producer_produce_batch(p, NULL, 3, &enqueued), "messages");
    CHECK(enqueued == 42, "enqueued_out untouched on error");
    OK(kf_producer_produce_batch(p, NULL, 0, &enqueued));
    CHECK(enqueued == 0, "an empty batch enqueues nothing");
    OK(kf_producer_produce_batch(p, batch, 3, &enqueued));
    CHECK(enqueued == 2, "2 of 3 enqueued (%zu)", enqueued);
    CHECK(batch[0].err == 0 && batch[1].err == KF_ERR__INVALID_ARG && batch[2].err == 0,
          "per-message errors: %d %d %d", batch[0].err, batch[1].err, batch[2].err);
    batch[1].size = 8;
    INVALID(kf_producer_produce_batch(p, batch, 3, &enqueued), "size");

    /* One call per message: kf_producer_send. */
    {
        kf_header_view_t hv[2] = {{"h1", (const uint8_t *)"a", 1}, {"h2", NULL, 0}};
        kf_produce_message_t m;
        memset(&m, 0, sizeof m);
        m.size = sizeof m;
        m.topic = topic;
        m.partition = 0;
        m.value = (const uint8_t *)"one";
        m.value_len = 3;
        m.headers = hv;
        m.header_count = 2;
        OK(kf_producer_send(p, &m));
        INVALID(kf_producer_send(NULL, &m), "producer");
        INVALID(kf_producer_send(p, NULL), "msg");
        m.size = 4;
        INVALID(kf_producer_send(p, &m), "size");
        m.size = sizeof m;
        m.header_count = 3;
        m.headers = NULL;
        INVALID(kf_producer_send(p, &m), "headers");
        m.headers = hv;
        m.header_count = 2;
        hv[0].name = BAD_UTF8;
        INVALID(kf_producer_send(p, &m), "UTF-8");
        hv[0].name = NULL;
        INVALID(kf_producer_send(p, &m), "name");
        hv[0].name = "h1";
        m.topic = NULL;
        INVALID(kf_producer_send(p, &m), "topic");
    }

    /* Packed: offsets are checked against the buffer. */
    {
        char buf[128];
        size_t tl = strlen(topic);
        kf_packed_message_t pm[2];
        memcpy(buf, topic, tl);
        memcpy(buf + tl, "val", 3);
        memset(pm, 0, sizeof pm);
        for (int i = 0; i < 2; i++) {
            pm[i].size = sizeof pm[i];
            pm[i].topic_len = tl;
            pm[i].value_offset = tl;
            pm[i].value_len = 3;
            pm[i].flags = KF_PACKED_NULL_KEY;
            pm[i].err = 12345;
        }
        pm[1].value_offset = tl + 100; /* past the end */
        OK(kf_producer_produce_packed(p, (const uint8_t *)buf, tl + 3, pm, 2, &enqueued));
        CHECK(enqueued == 1 && pm[0].err == 0 && pm[1].err == KF_ERR__INVALID_ARG,
              "packed: an out-of-range value is refused alone (%zu, %d, %d)", enqueued, pm[0].err,
              pm[1].err);
        INVALID(kf_producer_produce_packed(NULL, (const uint8_t *)buf, tl + 3, pm, 2, &enqueued),
                "producer");
        INVALID(kf_producer_produce_packed(p, NULL, 3, pm, 2, &enqueued), "buf");
        INVALID(kf_producer_produce_packed(p, (const uint8_t *)buf, tl + 3, NULL, 2, &enqueued),
                "msgs");
        pm[0].size = 3;
        INVALID(kf_producer_produce_packed(p, (const uint8_t *)buf, tl + 3, pm, 2, &enqueued),
                "size");
    }

    /* Pull mode: a producer not in pull mode refuses the pull; bad modes are refused. */
    {
        kf_delivery_report_batch_t *b = NULL;
        kf_config_t *cf = kf_config_new();
        INVALID(kf_config_set_delivery_report_mode(NULL, KF_DELIVERY_REPORT_MODE_PULL), "config");
        INVALID(kf_config_set_delivery_report_mode(cf, 7), "mode");
        kf_config_destroy(cf);
        INVALID(kf_producer_delivery_reports(NULL, 10, 0, &b), "producer");
        INVALID(kf_producer_delivery_reports(p, 10, 0, NULL), "batch_out");
        err = kf_producer_delivery_reports(p, 10, 0, &b);
        CHECK(err && kf_error_code(err) == KF_ERR__STATE, "pull on a callback-mode producer");
        kf_error_destroy(err);
        err = NULL;
        CHECK(kf_delivery_report_batch_reports(NULL, &enqueued) == NULL && enqueued == 0,
              "reports of a NULL batch");
        kf_delivery_report_batch_destroy(NULL);
        CHECK(kf_message_status(NULL) == -1, "kf_message_status(NULL)");
    }

    INVALID(kf_producer_poll(NULL, 0, &served), "producer");
    INVALID(kf_producer_flush(NULL, 0, &remaining), "producer");
    CHECK(served == -42 && remaining == 42, "_out parameters untouched on error");
    INVALID(kf_producer_purge(NULL, true, true, false), "producer");
    CHECK(kf_producer_len(NULL) == 0, "kf_producer_len(NULL)");
    INVALID(kf_producer_list_topics(NULL, NULL, 1000, &md), "producer");
    INVALID(kf_producer_list_topics(p, NULL, 1000, NULL), "metadata_out");
    INVALID(kf_producer_list_topics(p, BAD_UTF8, 1000, &md), "UTF-8");
    CHECK(md == NULL, "metadata_out untouched on error");
    INVALID(kf_producer_set_sasl_credentials(NULL, "u", "p"), "producer");
    INVALID(kf_producer_set_sasl_credentials(p, NULL, "p"), "username");
    INVALID(kf_producer_set_sasl_credentials(p, "u", NULL), "password");
    INVALID(kf_producer_event_fd(NULL, &fd), "producer");
    INVALID(kf_producer_event_fd(p, NULL), "fd_out");
    CHECK(fd == -42, "fd_out untouched on error");
    INVALID(kf_producer_wake(NULL), "producer");
    INVALID(kf_producer_flush_begin(NULL), "producer");
    CHECK(!kf_producer_flush_done(NULL), "kf_producer_flush_done(NULL) is false");
    CHECK(kf_producer_fatal_error(NULL) == NULL, "kf_producer_fatal_error(NULL)");
    CHECK(kf_producer_fatal_error(p) == NULL, "a healthy producer has no fatal error");

    /* The producer is still fine after all that: the two batch messages, the one sent and the
     * one packed get delivered. */
    delivered_ok = delivered_failed = 0;
    OK(kf_producer_flush(p, 10000, &remaining));
    CHECK(remaining == 0 && delivered_ok == 4 && delivered_failed == 0,
          "the valid messages were delivered (%d ok, %d failed, %zu left)", delivered_ok,
          delivered_failed, remaining);
    OK(kf_producer_destroy(p));
}

static void test_metadata(t_cluster_t *cluster) {
    kf_config_t *conf = t_config(cluster, NULL);
    kf_producer_t *p = t_producer(conf);
    kf_metadata_t *md = NULL;
    t_section("kf_metadata_*: NULL fallbacks, indexes out of range");
    kf_config_destroy(conf);
    kf_metadata_destroy(NULL);
    CHECK(kf_metadata_orig_broker_id(NULL) == -1, "orig broker id of NULL");
    CHECK(kf_metadata_orig_broker_name(NULL) == NULL, "orig broker name of NULL");
    CHECK(kf_metadata_broker_count(NULL) == 0, "broker count of NULL");
    CHECK(kf_metadata_broker_id(NULL, 0) == -1, "broker id of NULL");
    CHECK(kf_metadata_broker_host(NULL, 0) == NULL, "broker host of NULL");
    CHECK(kf_metadata_broker_port(NULL, 0) == -1, "broker port of NULL");
    CHECK(kf_metadata_topic_count(NULL) == 0, "topic count of NULL");
    CHECK(kf_metadata_topic_name(NULL, 0) == NULL, "topic name of NULL");
    CHECK(kf_metadata_topic_error_code(NULL, 0) == KF_ERR__INVALID_ARG, "topic error of NULL");
    CHECK(kf_metadata_partition_count(NULL, 0) == 0, "partition count of NULL");
    CHECK(kf_metadata_partition_id(NULL, 0, 0) == -1, "partition id of NULL");
    CHECK(kf_metadata_partition_leader(NULL, 0, 0) == -1, "partition leader of NULL");
    CHECK(kf_metadata_partition_error_code(NULL, 0, 0) == KF_ERR__INVALID_ARG,
          "partition error of NULL");
    CHECK(kf_metadata_partition_replica_count(NULL, 0, 0) == 0, "replica count of NULL");
    CHECK(kf_metadata_partition_replica(NULL, 0, 0, 0) == -1, "replica of NULL");
    CHECK(kf_metadata_partition_isr_count(NULL, 0, 0) == 0, "isr count of NULL");
    CHECK(kf_metadata_partition_isr(NULL, 0, 0, 0) == -1, "isr of NULL");

    if (OK(kf_producer_list_topics(p, NULL, 10000, &md))) {
        size_t t = kf_metadata_topic_count(md);
        /* orig_broker_id is -1 when the answer came over the bootstrap connection. */
        CHECK(kf_metadata_broker_count(md) == 1 &&
                  (kf_metadata_orig_broker_id(md) == 1 || kf_metadata_orig_broker_id(md) == -1) &&
                  kf_metadata_orig_broker_name(md) != NULL,
              "the mock cluster's one broker answered (id %d, %zu broker(s))",
              kf_metadata_orig_broker_id(md), kf_metadata_broker_count(md));
        CHECK(kf_metadata_broker_id(md, 1) == -1 && kf_metadata_broker_host(md, 1) == NULL &&
                  kf_metadata_broker_port(md, 1) == -1,
              "broker out of range");
        CHECK(t >= 1, "at least the test topic (%zu)", t);
        CHECK(kf_metadata_topic_name(md, t) == NULL &&
                  kf_metadata_topic_error_code(md, t) == KF_ERR__INVALID_ARG &&
                  kf_metadata_partition_count(md, t) == 0 &&
                  kf_metadata_partition_id(md, t, 0) == -1 &&
                  kf_metadata_partition_leader(md, t, 0) == -1 &&
                  kf_metadata_partition_error_code(md, t, 0) == KF_ERR__INVALID_ARG &&
                  kf_metadata_partition_replica_count(md, t, 0) == 0 &&
                  kf_metadata_partition_isr_count(md, t, 0) == 0,
              "topic out of range");
        if (t >= 1) {
            size_t np = kf_metadata_partition_count(md, 0);
            size_t nr = kf_metadata_partition_replica_count(md, 0, 0);
            size_t ni = kf_metadata_partition_isr_count(md, 0, 0);
            CHECK(np >= 1 && kf_metadata_partition_id(md, 0, np) == -1 &&
                      kf_metadata_partition_leader(md, 0, np) == -1 &&
                      kf_metadata_partition_error_code(md, 0, np) == KF_ERR__INVALID_ARG &&
                      kf_metadata_partition_replica_count(md, 0, np) == 0 &&
                      kf_metadata_partition_isr_count(md, 0, np) == 0,
                  "partition out of range");
            CHECK(nr >= 1 && kf_metadata_partition_replica(md, 0, 0, nr) == -1 &&
                      kf_metadata_partition_replica(md, 0, 0, 0) == 1,
                  "replica out of range");
            CHECK(ni >= 1 && kf_metadata_partition_isr(md, 0, 0, ni) == -1 &&
                      kf_metadata_partition_isr(md, 0, 0, 0) == 1,
                  "isr out of range");
        }
        kf_metadata_destroy(md);
    }
    OK(kf_producer_destroy(p));
}

static void test_consumer(t_cluster_t *cluster) {
    kf_error_t *err = NULL;
    kf_config_t *conf;
    kf_consumer_t *c, *nogroup;
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    kf_topic_partition_list_t *out = NULL;
    kf_message_t *msg = NULL, *msgs[2] = {NULL, NULL};
    kf_metadata_t *md = NULL;
    kf_consumer_group_metadata_t *gmd = NULL;
    char *member = NULL;
    const char *topics[2] = {"t", NULL};
    const char *bad_topics[1] = {BAD_UTF8};
    int64_t lo = -42, hi = -42;
    size_t count = 42;
    int fd = -42;
    char group[96];

    t_section("kf_consumer_*: NULL arguments, bad topics, refused configurations");
    MUST(kf_topic_partition_list_add(l, "t", 0, NULL));
    CHECK(kf_consumer_new(NULL, &err) == NULL, "kf_consumer_new(NULL) fails");
    INVALID(err, "config");
    err = NULL;
    CHECK(kf_consumer_new(NULL, NULL) == NULL, "kf_consumer_new(NULL, NULL)");
    conf = t_config(cluster, "group.id", "g", "group.protocol", "consumer", "session.timeout.ms",
                    "10000", NULL);
    CHECK(kf_consumer_new(conf, &err) == NULL,
          "session.timeout.ms with group.protocol=consumer is refused");
    INVALID(err, "session.timeout.ms");
    err = NULL;
    kf_config_destroy(conf);
    OK(kf_consumer_destroy(NULL));
    kf_consumer_group_metadata_destroy(NULL);

    t_unique(group, sizeof group, "c-invalid-args-group");
    conf = t_config(cluster, "group.id", group, NULL);
    c = t_consumer(conf);
    kf_config_destroy(conf);

    INVALID(kf_consumer_close(NULL, -1), "consumer");
    INVALID(kf_consumer_subscribe(NULL, topics, 1, NULL), "consumer");
    INVALID(kf_consumer_subscribe(c, NULL, 1, NULL), "topics");
    INVALID(kf_consumer_subscribe(c, topics, 2, NULL), "topic");
    INVALID(kf_consumer_subscribe(c, bad_topics, 1, NULL), "UTF-8");
    INVALID(kf_consumer_unsubscribe(NULL), "consumer");
    INVALID(kf_consumer_assign(NULL, l), "consumer");
    INVALID(kf_consumer_assign(c, NULL), "partitions");
    INVALID(kf_consumer_unassign(NULL), "consumer");
    INVALID(kf_consumer_incremental_assign(NULL, l), "consumer");
    INVALID(kf_consumer_incremental_assign(c, NULL), "partitions");
    INVALID(kf_consumer_incremental_unassign(NULL, l), "consumer");
    INVALID(kf_consumer_incremental_unassign(c, NULL), "partitions");
    INVALID(kf_consumer_assignment(NULL, &out), "consumer");
    INVALID(kf_consumer_assignment(c, NULL), "partitions_out");
    INVALID(kf_consumer_poll(NULL, 0, &msg), "consumer");
    INVALID(kf_consumer_poll(c, 0, NULL), "message_out");
    INVALID(kf_consumer_consume(NULL, msgs, 2, 0, &count), "consumer");
    INVALID(kf_consumer_consume(c, NULL, 2, 0, &count), "messages");
    INVALID(kf_consumer_consume(c, msgs, 2, 0, NULL), "count_out");
    CHECK(count == 42 && msgs[0] == NULL, "_out parameters untouched on error");
    OK(kf_consumer_consume(c, NULL, 0, 0, &count));
    CHECK(count == 0, "consume of 0 messages");
    {
        kf_message_batch_t *batch = (kf_message_batch_t *)&count; /* a marker */
        INVALID(kf_consumer_consume_batch(NULL, 2, 0, 0, &batch), "consumer");
        INVALID(kf_consumer_consume_batch(c, 2, 0, 0, NULL), "batch_out");
        INVALID(kf_consumer_consume_batch(c, 2, 0, 0x40, &batch), "flags");
        CHECK(batch == (kf_message_batch_t *)&count, "batch_out untouched on error");
        OK(kf_consumer_consume_batch(c, 0, 0, KF_CONSUME_DEFER_STORE, &batch));
        CHECK(batch == NULL, "a batch of 0 messages is no batch");
    }
    INVALID(kf_consumer_store_message(NULL, msg), "consumer");
    INVALID(kf_consumer_store_message(c, NULL), "message");
    INVALID(kf_consumer_commit(NULL, NULL, l, false, -1, &out), "consumer");
    ERR(kf_consumer_commit(c, NULL, NULL, false, -1, &out), KF_ERR__NO_OFFSET, NULL);
    INVALID(kf_consumer_committed(NULL, l, 1000, &out), "consumer");
    INVALID(kf_consumer_committed(c, NULL, 1000, &out), "partitions");
    INVALID(kf_consumer_committed(c, l, 1000, NULL), "result_out");
    INVALID(kf_consumer_position(NULL, l, &out), "consumer");
    INVALID(kf_consumer_position(c, NULL, &out), "partitions");
    INVALID(kf_consumer_position(c, l, NULL), "result_out");
    INVALID(kf_consumer_offsets_for_times(NULL, l, 1000, &out), "consumer");
    INVALID(kf_consumer_offsets_for_times(c, NULL, 1000, &out), "partitions");
    INVALID(kf_consumer_offsets_for_times(c, l, 1000, NULL), "result_out");
    CHECK(out == NULL, "result lists untouched on error");
    INVALID(kf_consumer_seek(NULL, l, 0), "consumer");
    INVALID(kf_consumer_seek(c, NULL, 0), "partitions");
    ERR(kf_consumer_seek(c, l, 0), KF_ERR__UNKNOWN_PARTITION, "t[0]"); /* not assigned */
    INVALID(kf_consumer_pause(NULL, l), "consumer");
    INVALID(kf_consumer_pause(c, NULL), "partitions");
    INVALID(kf_consumer_resume(NULL, l), "consumer");
    INVALID(kf_consumer_resume(c, NULL), "partitions");
    INVALID(kf_consumer_get_watermark_offsets(NULL, "t", 0, 1000, true, &lo, &hi), "consumer");
    INVALID(kf_consumer_get_watermark_offsets(c, NULL, 0, 1000, true, &lo, &hi), "topic");
    INVALID(kf_consumer_get_watermark_offsets(c, BAD_UTF8, 0, 1000, true, &lo, &hi), "UTF-8");
    INVALID(kf_consumer_get_watermark_offsets(c, "t", 0, 1000, true, NULL, &hi), "low_out");
    INVALID(kf_consumer_get_watermark_offsets(c, "t", 0, 1000, true, &lo, NULL), "high_out");
    CHECK(lo == -42 && hi == -42, "watermarks untouched on error");
    INVALID(kf_consumer_store_offsets(NULL, NULL, l), "consumer");
    INVALID(kf_consumer_store_offsets(c, NULL, NULL), "offsets");
    /* enable.auto.offset.store is true by default: storing by hand is refused. */
    ERR(kf_consumer_store_offsets(c, NULL, l), KF_ERR__INVALID_ARG, NULL);
    INVALID(kf_consumer_memberid(NULL, &member), "consumer");
    INVALID(kf_consumer_memberid(c, NULL), "memberid_out");
    INVALID(kf_consumer_group_metadata(NULL, &gmd), "consumer");
    INVALID(kf_consumer_group_metadata(c, NULL), "metadata_out");
    INVALID(kf_consumer_list_topics(NULL, NULL, 1000, &md), "consumer");
    INVALID(kf_consumer_list_topics(c, NULL, 1000, NULL), "metadata_out");
    INVALID(kf_consumer_list_topics(c, BAD_UTF8, 1000, &md), "UTF-8");
    INVALID(kf_consumer_event_fd(NULL, &fd), "consumer");
    INVALID(kf_consumer_event_fd(c, NULL), "fd_out");
    CHECK(fd == -42 && md == NULL && gmd == NULL && member == NULL,
          "_out parameters untouched on error");
    INVALID(kf_consumer_wake(NULL), "consumer");
    INVALID(kf_consumer_close_begin(NULL), "consumer");
    CHECK(!kf_consumer_close_done(NULL), "kf_consumer_close_done(NULL) is false");

    /* Valid calls on an idle member still work. */
    if (OK(kf_consumer_memberid(c, &member)))
        kf_string_free(member); /* NULL (not a member yet) is fine too */
    if (OK(kf_consumer_group_metadata(c, &gmd)))
        CHECK(gmd != NULL, "group metadata");
    kf_consumer_group_metadata_destroy(gmd);
    if (OK(kf_consumer_assignment(c, &out)))
        CHECK(kf_topic_partition_list_count(out) == 0, "no assignment yet");
    kf_topic_partition_list_destroy(out);
    out = NULL;

    /* group.id is required, as in the Python client. */
    conf = t_config(cluster, NULL);
    nogroup = kf_consumer_new(conf, &err);
    CHECK(nogroup == NULL, "a consumer without group.id is refused");
    INVALID(err, "group.id");
    err = NULL;
    kf_consumer_destroy(nogroup);
    kf_config_destroy(conf);

    /* A closed consumer: every call but close, wake and destroy answers KF_ERR__STATE. */
    t_section("a closed consumer answers KF_ERR__STATE");
    OK(kf_consumer_close(c, -1));
    OK(kf_consumer_close(c, -1)); /* closing twice is harmless */
    ERR(kf_consumer_subscribe(c, topics, 1, NULL), KF_ERR__STATE, "closed");
    ERR(kf_consumer_unsubscribe(c), KF_ERR__STATE, "closed");
    ERR(kf_consumer_assign(c, l), KF_ERR__STATE, "closed");
    ERR(kf_consumer_unassign(c), KF_ERR__STATE, "closed");
    ERR(kf_consumer_incremental_assign(c, l), KF_ERR__STATE, "closed");
    ERR(kf_consumer_incremental_unassign(c, l), KF_ERR__STATE, "closed");
    ERR(kf_consumer_assignment(c, &out), KF_ERR__STATE, "closed");
    ERR(kf_consumer_poll(c, 0, &msg), KF_ERR__STATE, "closed");
    ERR(kf_consumer_consume(c, msgs, 2, 0, &count), KF_ERR__STATE, "closed");
    {
        kf_message_batch_t *batch = NULL;
        ERR(kf_consumer_consume_batch(c, 2, 0, 0, &batch), KF_ERR__STATE, "closed");
    }
    ERR(kf_consumer_commit(c, NULL, l, false, -1, &out), KF_ERR__STATE, "closed");
    ERR(kf_consumer_committed(c, l, 1000, &out), KF_ERR__STATE, "closed");
    ERR(kf_consumer_position(c, l, &out), KF_ERR__STATE, "closed");
    ERR(kf_consumer_offsets_for_times(c, l, 1000, &out), KF_ERR__STATE, "closed");
    ERR(kf_consumer_seek(c, l, 0), KF_ERR__STATE, "closed");
    ERR(kf_consumer_pause(c, l), KF_ERR__STATE, "closed");
    ERR(kf_consumer_resume(c, l), KF_ERR__STATE, "closed");
    ERR(kf_consumer_get_watermark_offsets(c, "t", 0, 1000, true, &lo, &hi), KF_ERR__STATE,
        "closed");
    ERR(kf_consumer_store_offsets(c, NULL, l), KF_ERR__STATE, "closed");
    ERR(kf_consumer_memberid(c, &member), KF_ERR__STATE, "closed");
    ERR(kf_consumer_group_metadata(c, &gmd), KF_ERR__STATE, "closed");
    ERR(kf_consumer_list_topics(c, NULL, 1000, &md), KF_ERR__STATE, "closed");
    ERR(kf_consumer_event_fd(c, &fd), KF_ERR__STATE, "closed");
    OK(kf_consumer_wake(c));
    OK(kf_consumer_destroy(c));
    kf_topic_partition_list_destroy(l);
}

/* ---- admin client ------------------------------------------------------------------------- */

static int admin_cb_calls;
static void never_admin_cb(void *opaque, kf_admin_result_t *result) {
    (void)opaque;
    kf_admin_result_destroy(result);
    admin_cb_calls++;
}

/* Every blocking operation and its _async form refuse a NULL admin, a NULL result_out or
 * callback, and a NULL array with a count; neither form's callback ever runs then. */
#define ADMIN_LIST_OP(op, array, count)                                                      \
    do {                                                                                     \
        INVALID(kf_admin_##op(NULL, (array), (count), NULL, &result), "admin");              \
        INVALID(kf_admin_##op(a, (array), (count), NULL, NULL), "result_out");               \
        INVALID(kf_admin_##op(a, NULL, 1, NULL, &result), NULL);                             \
        INVALID(kf_admin_##op##_async(NULL, (array), (count), NULL, never_admin_cb, NULL),   \
                "admin");                                                                    \
        INVALID(kf_admin_##op##_async(a, (array), (count), NULL, NULL, NULL), "callback");   \
        INVALID(kf_admin_##op##_async(a, NULL, 1, NULL, never_admin_cb, NULL), NULL);        \
    } while (0)

/* Operations taking one list (or filter) instead of an array. */
#define ADMIN_ONE_OP(op, arg)                                                                \
    do {                                                                                     \
        INVALID(kf_admin_##op(NULL, (arg), NULL, &result), "admin");                         \
        INVALID(kf_admin_##op(a, (arg), NULL, NULL), "result_out");                          \
        INVALID(kf_admin_##op##_async(NULL, (arg), NULL, never_admin_cb, NULL), "admin");    \
        INVALID(kf_admin_##op##_async(a, (arg), NULL, NULL, NULL), "callback");              \
    } while (0)

static void test_admin_inputs(void) {
    kf_error_t *err = NULL;
    kf_new_topic_t *nt;
    kf_new_partitions_t *np;
    kf_config_resource_t *cr;
    kf_acl_binding_t *acl;
    kf_user_scram_credential_alteration_t *alt;
    kf_admin_options_t *o = kf_admin_options_new();
    int32_t brokers[1] = {1};
    int states[1] = {KF_CONSUMER_GROUP_STATE_STABLE}, types[1] = {KF_CONSUMER_GROUP_TYPE_CLASSIC};

    t_section("admin inputs: options, NewTopic, NewPartitions, ConfigResource, ACLs, SCRAM");
    REQUIRE(o != NULL, "kf_admin_options_new");
    kf_admin_options_destroy(NULL);
    INVALID(kf_admin_options_set_request_timeout(NULL, 1000), "options");
    INVALID(kf_admin_options_set_request_timeout(o, -5), "timeout");
    INVALID(kf_admin_options_set_operation_timeout(NULL, 1000), "options");
    INVALID(kf_admin_options_set_operation_timeout(o, -5), "timeout");
    INVALID(kf_admin_options_set_validate_only(NULL, true), "options");
    INVALID(kf_admin_options_set_include_authorized_operations(NULL, true), "options");
    INVALID(kf_admin_options_set_require_stable_offsets(NULL, true), "options");
    INVALID(kf_admin_options_set_isolation_level(NULL, KF_ISOLATION_LEVEL_READ_COMMITTED),
            "options");
    INVALID(kf_admin_options_set_isolation_level(o, 7), "isolation");
    INVALID(kf_admin_options_set_match_consumer_group_states(NULL, states, 1), "options");
    INVALID(kf_admin_options_set_match_consumer_group_states(o, NULL, 1), "states");
    states[0] = 99;
    INVALID(kf_admin_options_set_match_consumer_group_states(o, states, 1), "99");
    INVALID(kf_admin_options_set_match_consumer_group_types(NULL, types, 1), "options");
    INVALID(kf_admin_options_set_match_consumer_group_types(o, NULL, 1), "types");
    types[0] = 99;
    INVALID(kf_admin_options_set_match_consumer_group_types(o, types, 1), "99");
    OK(kf_admin_options_set_match_consumer_group_states(o, NULL, 0)); /* removes the filter */
    OK(kf_admin_options_set_request_timeout(o, 5000));
    kf_admin_options_destroy(o);

    CHECK(kf_new_topic_new(NULL, 1, 1, &err) == NULL, "kf_new_topic_new(NULL topic)");
    INVALID(err, "topic");
    err = NULL;
    CHECK(kf_new_topic_new(BAD_UTF8, 1, 1, &err) == NULL, "kf_new_topic_new(non-UTF-8)");
    INVALID(err, "UTF-8");
    err = NULL;
    /* 0 partitions is the broker's to refuse, per topic (INVALID_PARTITIONS in the result). */
    nt = kf_new_topic_new("t", 0, 1, &err);
    CHECK(nt != NULL, "kf_new_topic_new(0 partitions) is passed on to the broker");
    MUST(err);
    kf_new_topic_destroy(nt);
    CHECK(kf_new_topic_new("t", -2, 1, &err) == NULL && kf_new_topic_new("t", 1, -5, NULL) == NULL,
          "kf_new_topic_new(-2 partitions / -5 replicas)");
    INVALID(err, NULL);
    err = NULL;
    kf_new_topic_destroy(NULL);
    nt = kf_new_topic_new("t", 2, -1, &err);
    MUST(err);
    INVALID(kf_new_topic_set_replica_assignment(NULL, 0, brokers, 1), "new_topic");
    INVALID(kf_new_topic_set_replica_assignment(nt, 0, NULL, 1), "broker_ids");
    INVALID(kf_new_topic_set_replica_assignment(nt, 0, brokers, 0), NULL);
    INVALID(kf_new_topic_set_replica_assignment(nt, 1, brokers, 1), NULL); /* out of order */
    OK(kf_new_topic_set_replica_assignment(nt, 0, brokers, 1));
    INVALID(kf_new_topic_set_config(NULL, "cleanup.policy", "compact"), "new_topic");
    INVALID(kf_new_topic_set_config(nt, NULL, "compact"), "name");
    INVALID(kf_new_topic_set_config(nt, "cleanup.policy", NULL), "value");
    INVALID(kf_new_topic_set_config(nt, BAD_UTF8, "compact"), "UTF-8");
    OK(kf_new_topic_set_config(nt, "cleanup.policy", "compact"));
    kf_new_topic_destroy(nt);

    CHECK(kf_new_partitions_new(NULL, 2, &err) == NULL, "kf_new_partitions_new(NULL)");
    INVALID(err, "topic");
    err = NULL;
    CHECK(kf_new_partitions_new("t", 0, &err) == NULL, "kf_new_partitions_new(0)");
    INVALID(err, NULL);
    err = NULL;
    CHECK(kf_new_partitions_new("t", (size_t)-1, NULL) == NULL, "kf_new_partitions_new(huge)");
    kf_new_partitions_destroy(NULL);
    np = kf_new_partitions_new("t", 3, &err);
    MUST(err);
    INVALID(kf_new_partitions_set_replica_assignment(NULL, 0, brokers, 1), "new_partitions");
    INVALID(kf_new_partitions_set_replica_assignment(np, 0, NULL, 1), "broker_ids");
    INVALID(kf_new_partitions_set_replica_assignment(np, 0, brokers, 0), NULL);
    INVALID(kf_new_partitions_set_replica_assignment(np, 5, brokers, 1), NULL);
    kf_new_partitions_destroy(np);

    CHECK(kf_config_resource_new(KF_RESOURCE_TOPIC, NULL, &err) == NULL,
          "kf_config_resource_new(NULL name)");
    INVALID(err, "name");
    err = NULL;
    CHECK(kf_config_resource_new(42, "t", &err) == NULL, "kf_config_resource_new(type 42)");
    INVALID(err, "42");
    err = NULL;
    kf_config_resource_destroy(NULL);
    cr = kf_config_resource_new(KF_RESOURCE_TOPIC, "t", &err);
    MUST(err);
    INVALID(kf_config_resource_set_config(NULL, "retention.ms", "1"), "resource");
    INVALID(kf_config_resource_set_config(cr, NULL, "1"), "name");
    INVALID(kf_config_resource_set_config(cr, BAD_UTF8, "1"), "UTF-8");
    INVALID(kf_config_resource_set_config(cr, "retention.ms", NULL), "value");
    INVALID(kf_config_resource_add_incremental_config(NULL, "retention.ms",
                                                      KF_ALTER_CONFIG_OP_TYPE_SET, "1"),
            "resource");
    INVALID(kf_config_resource_add_incremental_config(cr, NULL, KF_ALTER_CONFIG_OP_TYPE_SET, "1"),
            "name");
    INVALID(kf_config_resource_add_incremental_config(cr, "retention.ms", 42, "1"), "42");
    INVALID(kf_config_resource_add_incremental_config(cr, "retention.ms",
                                                      KF_ALTER_CONFIG_OP_TYPE_SET, NULL),
            "value");
    OK(kf_config_resource_add_incremental_config(cr, "retention.ms", KF_ALTER_CONFIG_OP_TYPE_SET,
                                                 "1000"));
    INVALID(kf_config_resource_add_incremental_config(cr, "retention.ms",
                                                      KF_ALTER_CONFIG_OP_TYPE_SET, "2000"),
            "retention.ms"); /* a name already added */
    kf_config_resource_destroy(cr);

    CHECK(kf_acl_binding_new(KF_RESOURCE_TOPIC, NULL, KF_RESOURCE_PATTERN_LITERAL, "User:a", "*",
                             KF_ACL_OPERATION_READ, KF_ACL_PERMISSION_TYPE_ALLOW, &err) == NULL,
          "kf_acl_binding_new(NULL name)");
    INVALID(err, "name");
    err = NULL;
    CHECK(kf_acl_binding_new(KF_RESOURCE_ANY, "t", KF_RESOURCE_PATTERN_LITERAL, "User:a", "*",
                             KF_ACL_OPERATION_READ, KF_ACL_PERMISSION_TYPE_ALLOW, &err) == NULL,
          "kf_acl_binding_new(ANY resource type)");
    INVALID(err, NULL);
    err = NULL;
    CHECK(kf_acl_binding_new(KF_RESOURCE_TOPIC, "t", KF_RESOURCE_PATTERN_LITERAL, "User:a", "*",
                             99, KF_ACL_PERMISSION_TYPE_ALLOW, &err) == NULL,
          "kf_acl_binding_new(operation 99)");
    INVALID(err, NULL);
    err = NULL;
    CHECK(kf_acl_binding_filter_new(99, NULL, KF_RESOURCE_PATTERN_ANY, NULL, NULL,
                                    KF_ACL_OPERATION_ANY, KF_ACL_PERMISSION_TYPE_ANY,
                                    &err) == NULL,
          "kf_acl_binding_filter_new(resource type 99)");
    INVALID(err, NULL);
    err = NULL;
    kf_acl_binding_destroy(NULL);
    CHECK(kf_acl_binding_restype(NULL) == -1 && kf_acl_binding_name(NULL) == NULL &&
              kf_acl_binding_resource_pattern_type(NULL) == -1 &&
              kf_acl_binding_principal(NULL) == NULL && kf_acl_binding_host(NULL) == NULL &&
              kf_acl_binding_operation(NULL) == -1 && kf_acl_binding_permission_type(NULL) == -1,
          "kf_acl_binding_* of NULL");
    acl = kf_acl_binding_filter_new(KF_RESOURCE_ANY, NULL, KF_RESOURCE_PATTERN_ANY, NULL, NULL,
                                    KF_ACL_OPERATION_ANY, KF_ACL_PERMISSION_TYPE_ANY, &err);
    if (OK(err))
        CHECK(acl != NULL && kf_acl_binding_name(acl) == NULL &&
                  kf_acl_binding_restype(acl) == KF_RESOURCE_ANY,
              "a match-anything filter");
    err = NULL;
    kf_acl_binding_destroy(acl);

    CHECK(kf_user_scram_credential_upsertion_new(NULL, KF_SCRAM_MECHANISM_SHA_256, 4096,
                                                 (const uint8_t *)"pw", 2, NULL, 0,
                                                 &err) == NULL,
          "upsertion with a NULL user");
    INVALID(err, "user");
    err = NULL;
    CHECK(kf_user_scram_credential_upsertion_new("u", KF_SCRAM_MECHANISM_SHA_256, 4096, NULL, 2,
                                                 NULL, 0, &err) == NULL,
          "upsertion with a NULL password");
    INVALID(err, "password");
    err = NULL;
    CHECK(kf_user_scram_credential_upsertion_new("u", 9, 4096, (const uint8_t *)"pw", 2, NULL, 0,
                                                 &err) == NULL,
          "upsertion with mechanism 9");
    INVALID(err, "mechanism");
    err = NULL;
    CHECK(kf_user_scram_credential_deletion_new(NULL, KF_SCRAM_MECHANISM_SHA_256, &err) == NULL,
          "deletion with a NULL user");
    INVALID(err, "user");
    err = NULL;
    CHECK(kf_user_scram_credential_deletion_new("u", KF_SCRAM_MECHANISM_UNKNOWN, &err) == NULL,
          "deletion with mechanism UNKNOWN");
    INVALID(err, "mechanism");
    err = NULL;
    kf_user_scram_credential_alteration_destroy(NULL);
    alt = kf_user_scram_credential_deletion_new("u", KF_SCRAM_MECHANISM_SHA_512, &err);
    MUST(err);
    kf_user_scram_credential_alteration_destroy(alt);
}

static void test_admin_client(t_cluster_t *cluster) {
    kf_error_t *err = NULL;
    kf_config_t *conf;
    kf_admin_t *a;
    kf_admin_result_t *result = NULL;
    kf_metadata_t *md = NULL;
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    const char *names[1] = {"t"};
    const char *bad_names[1] = {BAD_UTF8};
    const char *null_names[1] = {NULL};
    kf_new_topic_t *nt = kf_new_topic_new("t", 1, 1, NULL);
    const kf_new_topic_t *topics[1] = {nt};
    const kf_new_topic_t *null_topics[1] = {NULL};
    kf_new_partitions_t *np = kf_new_partitions_new("t", 2, NULL);
    const kf_new_partitions_t *parts[1] = {np};
    kf_config_resource_t *cr = kf_config_resource_new(KF_RESOURCE_TOPIC, "t", NULL);
    const kf_config_resource_t *resources[1] = {cr};
    kf_acl_binding_t *acl =
        kf_acl_binding_new(KF_RESOURCE_TOPIC, "t", KF_RESOURCE_PATTERN_LITERAL, "User:a", "*",
                           KF_ACL_OPERATION_READ, KF_ACL_PERMISSION_TYPE_ALLOW, NULL);
    const kf_acl_binding_t *acls[1] = {acl};
    kf_user_scram_credential_alteration_t *alt =
        kf_user_scram_credential_deletion_new("u", KF_SCRAM_MECHANISM_SHA_256, NULL);
    const kf_user_scram_credential_alteration_t *alts[1] = {alt};
    kf_consumer_group_topic_partitions_t groups[1] = {{"g", NULL}};
    kf_admin_options_t *o = kf_admin_options_new();
    kf_admin_options_t *o2 = kf_admin_options_new();
    int fd = -42;
    size_t n = 42;

    t_section("kf_admin_*: NULL arguments, NULL elements, refused options");
    REQUIRE(nt && np && cr && acl && alt && o, "admin inputs");
    MUST(kf_topic_partition_list_add(l, "t", 0, NULL));
    CHECK(kf_admin_new(NULL, &err) == NULL, "kf_admin_new(NULL) fails");
    INVALID(err, "config");
    err = NULL;
    CHECK(kf_admin_new(NULL, NULL) == NULL, "kf_admin_new(NULL, NULL)");
    OK(kf_admin_destroy(NULL));
    conf = t_config(cluster, NULL);
    a = kf_admin_new(conf, &err);
    kf_config_destroy(conf);
    MUST(err);
    REQUIRE(a != NULL, "kf_admin_new");

    INVALID(kf_admin_poll(NULL, 0, NULL), "admin");
    INVALID(kf_admin_wake(NULL), "admin");
    INVALID(kf_admin_event_fd(NULL, &fd), "admin");
    INVALID(kf_admin_event_fd(a, NULL), "fd_out");
    CHECK(fd == -42, "fd_out untouched on error");
    INVALID(kf_admin_list_topics(NULL, NULL, 1000, &md), "admin");
    INVALID(kf_admin_list_topics(a, NULL, 1000, NULL), "metadata_out");
    INVALID(kf_admin_list_topics(a, BAD_UTF8, 1000, &md), "UTF-8");
    INVALID(kf_admin_set_sasl_credentials(NULL, "u", "p"), "admin");
    INVALID(kf_admin_set_sasl_credentials(a, NULL, "p"), "username");
    INVALID(kf_admin_set_sasl_credentials(a, "u", NULL), "password");

    ADMIN_LIST_OP(create_topics, topics, 1);
    INVALID(kf_admin_create_topics(a, null_topics, 1, NULL, &result), NULL);
    ADMIN_LIST_OP(delete_topics, names, 1);
    INVALID(kf_admin_delete_topics(a, null_names, 1, NULL, &result), NULL);
    INVALID(kf_admin_delete_topics(a, bad_names, 1, NULL, &result), "UTF-8");
    ADMIN_LIST_OP(create_partitions, parts, 1);
    ADMIN_LIST_OP(describe_configs, resources, 1);
    ADMIN_LIST_OP(alter_configs, resources, 1);
    ADMIN_LIST_OP(incremental_alter_configs, resources, 1);
    ADMIN_LIST_OP(describe_topics, names, 1);
    INVALID(kf_admin_describe_topics(a, bad_names, 1, NULL, &result), "UTF-8");
    ADMIN_LIST_OP(describe_consumer_groups, names, 1);
    ADMIN_LIST_OP(delete_consumer_groups, names, 1);
    ADMIN_LIST_OP(list_consumer_group_offsets, groups, 1);
    INVALID(kf_admin_list_consumer_group_offsets(a, groups, 0, NULL, &result), NULL);
    ADMIN_LIST_OP(alter_consumer_group_offsets, groups, 1); /* partitions required there */
    ADMIN_LIST_OP(delete_consumer_group_offsets, groups, 1);
    ADMIN_LIST_OP(create_acls, acls, 1);
    ADMIN_LIST_OP(delete_acls, acls, 1);
    ADMIN_LIST_OP(describe_user_scram_credentials, names, 1);
    ADMIN_LIST_OP(alter_user_scram_credentials, alts, 1);
    ADMIN_ONE_OP(describe_acls, acl);
    ADMIN_ONE_OP(list_offsets, l);
    ADMIN_ONE_OP(delete_records, l);
    INVALID(kf_admin_list_offsets(a, NULL, NULL, &result), "partitions");
    INVALID(kf_admin_delete_records(a, NULL, NULL, &result), NULL);
    INVALID(kf_admin_describe_cluster(NULL, NULL, &result), "admin");
    INVALID(kf_admin_describe_cluster(a, NULL, NULL), "result_out");
    INVALID(kf_admin_describe_cluster_async(NULL, NULL, never_admin_cb, NULL), "admin");
    INVALID(kf_admin_describe_cluster_async(a, NULL, NULL, NULL), "callback");
    INVALID(kf_admin_list_consumer_groups(NULL, NULL, &result), "admin");
    INVALID(kf_admin_list_consumer_groups(a, NULL, NULL), "result_out");
    INVALID(kf_admin_list_consumer_groups_async(NULL, NULL, never_admin_cb, NULL), "admin");
    INVALID(kf_admin_list_consumer_groups_async(a, NULL, NULL, NULL), "callback");
    INVALID(kf_admin_elect_leaders(NULL, KF_ELECTION_TYPE_PREFERRED, l, NULL, &result), "admin");
    INVALID(kf_admin_elect_leaders(a, KF_ELECTION_TYPE_PREFERRED, l, NULL, NULL), "result_out");
    INVALID(kf_admin_elect_leaders(a, 7, l, NULL, &result), "election");
    INVALID(kf_admin_elect_leaders_async(NULL, KF_ELECTION_TYPE_PREFERRED, l, NULL,
                                         never_admin_cb, NULL),
            "admin");
    INVALID(kf_admin_elect_leaders_async(a, KF_ELECTION_TYPE_PREFERRED, l, NULL, NULL, NULL),
            "callback");
    /* An option the operation does not take. */
    OK(kf_admin_options_set_isolation_level(o, KF_ISOLATION_LEVEL_READ_COMMITTED));
    INVALID(kf_admin_describe_cluster(a, o, &result), "isolation");
    CHECK(result == NULL, "result_out untouched on error");
    CHECK(md == NULL, "metadata_out untouched on error");

    /* Result accessors: NULL, then out of range on a real describe_cluster result. */
    t_section("kf_admin_result_* and descriptions: NULL fallbacks, indexes out of range");
    kf_admin_result_destroy(NULL);
    CHECK(kf_admin_result_operation(NULL) == 0 && kf_admin_result_error(NULL) == NULL &&
              kf_admin_result_item_count(NULL) == 0 &&
              kf_admin_result_item_name(NULL, 0) == NULL &&
              kf_admin_result_item_error(NULL, 0) == NULL &&
              kf_admin_result_item_error_code(NULL, 0) == KF_ERR__INVALID_ARG &&
              kf_admin_result_item_partition(NULL, 0) == -1 &&
              kf_admin_result_item_offset(NULL, 0) == -1 &&
              kf_admin_result_item_timestamp(NULL, 0) == -1 &&
              kf_admin_result_item_leader_epoch(NULL, 0) == -1 &&
              kf_admin_result_item_resource_type(NULL, 0) == -1 &&
              kf_admin_result_item_config_count(NULL, 0) == 0 &&
              kf_admin_result_item_config(NULL, 0, 0) == NULL &&
              kf_admin_result_item_config_find(NULL, 0, "x") == NULL &&
              kf_admin_result_item_topic_description(NULL, 0) == NULL &&
              kf_admin_result_cluster_description(NULL) == NULL &&
              kf_admin_result_item_consumer_group_listing(NULL, 0) == NULL &&
              kf_admin_result_item_consumer_group_description(NULL, 0) == NULL &&
              kf_admin_result_item_partitions(NULL, 0) == NULL &&
              kf_admin_result_item_acl_count(NULL, 0) == 0 &&
              kf_admin_result_item_acl(NULL, 0, 0) == NULL &&
              kf_admin_result_item_scram_credential_count(NULL, 0) == 0 &&
              kf_admin_result_item_scram_mechanism(NULL, 0, 0) == -1 &&
              kf_admin_result_item_scram_iterations(NULL, 0, 0) == -1,
          "kf_admin_result_* of NULL");
    CHECK(kf_config_entry_name(NULL) == NULL && kf_config_entry_value(NULL) == NULL &&
              kf_config_entry_source(NULL) == -1 && !kf_config_entry_is_read_only(NULL) &&
              !kf_config_entry_is_default(NULL) && !kf_config_entry_is_sensitive(NULL) &&
              !kf_config_entry_is_synonym(NULL) && kf_config_entry_synonym_count(NULL) == 0 &&
              kf_config_entry_synonym(NULL, 0) == NULL,
          "kf_config_entry_* of NULL");
    n = 42;
    CHECK(kf_topic_description_name(NULL) == NULL && kf_topic_description_topic_id(NULL) == NULL &&
              !kf_topic_description_is_internal(NULL) &&
              kf_topic_description_partition_count(NULL) == 0 &&
              kf_topic_description_partition_id(NULL, 0) == -1 &&
              kf_topic_description_partition_leader(NULL, 0) == NULL &&
              kf_topic_description_partition_replica_count(NULL, 0) == 0 &&
              kf_topic_description_partition_replica(NULL, 0, 0) == NULL &&
              kf_topic_description_partition_isr_count(NULL, 0) == 0 &&
              kf_topic_description_partition_isr(NULL, 0, 0) == NULL &&
              kf_topic_description_authorized_operations(NULL, &n) == NULL && n == 0,
          "kf_topic_description_* of NULL");
    CHECK(kf_node_id(NULL) == -1 && kf_node_host(NULL) == NULL && kf_node_port(NULL) == -1 &&
              kf_node_rack(NULL) == NULL,
          "kf_node_* of NULL");
    n = 42;
    CHECK(kf_cluster_description_cluster_id(NULL) == NULL &&
              kf_cluster_description_controller(NULL) == NULL &&
              kf_cluster_description_node_count(NULL) == 0 &&
              kf_cluster_description_node(NULL, 0) == NULL &&
              kf_cluster_description_authorized_operations(NULL, &n) == NULL && n == 0,
          "kf_cluster_description_* of NULL");
    CHECK(kf_consumer_group_listing_group_id(NULL) == NULL &&
              !kf_consumer_group_listing_is_simple_consumer_group(NULL) &&
              kf_consumer_group_listing_state(NULL) == -1 &&
              kf_consumer_group_listing_type(NULL) == -1,
          "kf_consumer_group_listing_* of NULL");
    n = 42;
    CHECK(kf_consumer_group_description_group_id(NULL) == NULL &&
              !kf_consumer_group_description_is_simple_consumer_group(NULL) &&
              kf_consumer_group_description_partition_assignor(NULL) == NULL &&
              kf_consumer_group_description_state(NULL) == -1 &&
              kf_consumer_group_description_type(NULL) == -1 &&
              kf_consumer_group_description_coordinator(NULL) == NULL &&
              kf_consumer_group_description_member_count(NULL) == 0 &&
              kf_consumer_group_description_member(NULL, 0) == NULL &&
              kf_consumer_group_description_authorized_operations(NULL, &n) == NULL && n == 0,
          "kf_consumer_group_description_* of NULL");
    CHECK(kf_member_description_client_id(NULL) == NULL &&
              kf_member_description_group_instance_id(NULL) == NULL &&
              kf_member_description_consumer_id(NULL) == NULL &&
              kf_member_description_host(NULL) == NULL &&
              kf_member_description_assignment(NULL) == NULL &&
              kf_member_description_target_assignment(NULL) == NULL,
          "kf_member_description_* of NULL");

    /* A real result: list_offsets (the mock cluster has no controller for create_topics or
     * describe_cluster, but partition leaders answer ListOffsets). */
    {
        char topic[96];
        kf_topic_partition_list_t *spec = kf_topic_partition_list_new(1);
        t_unique(topic, sizeof topic, "c-invalid-args-admin");
        t_create_topic(cluster, topic, 1);
        MUST(kf_topic_partition_list_add(spec, topic, 0, NULL));
        MUST(kf_topic_partition_list_set_offset(spec, 0, KF_OFFSET_END)); /* latest */
        OK(kf_admin_options_set_request_timeout(o2, 10000));
        if (OK(kf_admin_list_offsets(a, spec, o2, &result))) {
            size_t items = kf_admin_result_item_count(result);
            CHECK(kf_admin_result_operation(result) == KF_ADMIN_OP_LIST_OFFSETS &&
                      kf_admin_result_error(result) == NULL && items == 1 &&
                      strcmp(kf_admin_result_item_name(result, 0), topic) == 0 &&
                      kf_admin_result_item_error_code(result, 0) == 0 &&
                      kf_admin_result_item_partition(result, 0) == 0 &&
                      kf_admin_result_item_offset(result, 0) == 0,
                  "list_offsets: one item, %s[0], latest offset 0", topic);
            CHECK(kf_admin_result_item_name(result, items) == NULL &&
                      kf_admin_result_item_error(result, items) == NULL &&
                      kf_admin_result_item_error_code(result, items) == KF_ERR__INVALID_ARG &&
                      kf_admin_result_item_partition(result, items) == -1 &&
                      kf_admin_result_item_offset(result, items) == -1 &&
                      kf_admin_result_item_timestamp(result, items) == -1 &&
                      kf_admin_result_item_leader_epoch(result, items) == -1 &&
                      kf_admin_result_item_config(result, items, 0) == NULL &&
                      kf_admin_result_item_config_find(result, 0, NULL) == NULL &&
                      kf_admin_result_item_config_find(result, 0, BAD_UTF8) == NULL &&
                      kf_admin_result_item_config_count(result, 0) == 0 &&
                      kf_admin_result_item_topic_description(result, 0) == NULL &&
                      kf_admin_result_cluster_description(result) == NULL &&
                      kf_admin_result_item_consumer_group_listing(result, 0) == NULL &&
                      kf_admin_result_item_consumer_group_description(result, 0) == NULL &&
                      kf_admin_result_item_partitions(result, 0) == NULL &&
                      kf_admin_result_item_acl_count(result, 0) == 0 &&
                      kf_admin_result_item_acl(result, 0, 0) == NULL &&
                      kf_admin_result_item_scram_credential_count(result, 0) == 0 &&
                      kf_admin_result_item_scram_mechanism(result, 0, 0) == -1 &&
                      kf_admin_result_item_scram_iterations(result, 0, 0) == -1 &&
                      kf_admin_result_item_resource_type(result, 0) == -1,
                  "items out of range, and accessors of other operations");
            kf_admin_result_destroy(result);
            result = NULL;
        }
        kf_topic_partition_list_destroy(spec);
    }
    CHECK(admin_cb_calls == 0, "no refused asynchronous operation called back (%d)",
          admin_cb_calls);
    OK(kf_admin_poll(a, 0, NULL));
    CHECK(admin_cb_calls == 0, "not even after a poll (%d)", admin_cb_calls);
    OK(kf_admin_destroy(a));

    kf_admin_options_destroy(o);
    kf_admin_options_destroy(o2);
    kf_user_scram_credential_alteration_destroy(alt);
    kf_acl_binding_destroy(acl);
    kf_config_resource_destroy(cr);
    kf_new_partitions_destroy(np);
    kf_new_topic_destroy(nt);
    kf_topic_partition_list_destroy(l);
}

static void test_transactions(t_cluster_t *cluster) {
    kf_config_t *conf = t_config(cluster, NULL);
    kf_producer_t *p = t_producer(conf);
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    kf_consumer_group_metadata_t *gmd = NULL;
    kf_consumer_t *c;
    char group[96];

    t_section("kf_producer_*_transaction(s): NULL arguments, no transactional.id");
    kf_config_destroy(conf);
    MUST(kf_topic_partition_list_add(l, "t", 0, NULL));
    t_unique(group, sizeof group, "c-invalid-args-txn");
    conf = t_config(cluster, "group.id", group, NULL);
    c = t_consumer(conf);
    kf_config_destroy(conf);
    MUST(kf_consumer_group_metadata(c, &gmd));

    INVALID(kf_producer_init_transactions(NULL, 1000), "producer");
    INVALID(kf_producer_begin_transaction(NULL), "producer");
    INVALID(kf_producer_send_offsets_to_transaction(NULL, l, gmd, 1000), "producer");
    INVALID(kf_producer_send_offsets_to_transaction(p, NULL, gmd, 1000), "offsets");
    INVALID(kf_producer_send_offsets_to_transaction(p, l, NULL, 1000), "group_metadata");
    INVALID(kf_producer_commit_transaction(NULL, 1000), "producer");
    INVALID(kf_producer_abort_transaction(NULL, 1000), "producer");
    /* A producer without transactional.id: transactions are not configured. */
    ERR(kf_producer_init_transactions(p, 1000), KF_ERR__NOT_CONFIGURED, NULL);
    ERR(kf_producer_begin_transaction(p), KF_ERR__NOT_CONFIGURED, NULL);
    ERR(kf_producer_commit_transaction(p, 1000), KF_ERR__NOT_CONFIGURED, NULL);
    ERR(kf_producer_abort_transaction(p, 1000), KF_ERR__NOT_CONFIGURED, NULL);

    kf_consumer_group_metadata_destroy(gmd);
    OK(kf_consumer_close(c, -1));
    OK(kf_consumer_destroy(c));
    OK(kf_producer_destroy(p));
    kf_topic_partition_list_destroy(l);
}

/* ---- Avro serdes with a kf_schema_t, to_dict / from_dict hooks, legacy AvroProducer ------- */

static int hook_noop(void *opaque, const kf_serialization_context_t *ctx, const uint8_t *data,
                     size_t len, kf_buffer_t *out) {
    (void)opaque, (void)ctx, (void)data, (void)len, (void)out;
    return 0;
}

static void test_avro_hooks_and_legacy(void) {
    kf_error_t *err = NULL;
    kf_schema_registry_t *sr;
    kf_schema_t *schema;
    kf_serializer_t *ser;
    kf_deserializer_t *de;
    kf_avro_producer_t *ap;
    kf_deserializing_consumer_t *ac;
    char url[96], conf[192], cconf[224];

    t_section("kf_avro_*_with_schema, kf_to_dict_serializer_new / kf_from_dict_deserializer_new, kf_avro_producer/consumer");
    t_unique(url, sizeof url, "mock://c-invalid-sr");
    snprintf(conf, sizeof conf, "{\"url\": \"%s\"}", url);
    sr = kf_schema_registry_new(conf, &err);
    MUST(err);
    schema = kf_schema_new("\"int\"", KF_SCHEMA_TYPE_AVRO, &err);
    MUST(err);

    CHECK(kf_avro_serializer_new_with_schema(NULL, schema, NULL, &err) == NULL, "NULL registry");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_avro_serializer_new_with_schema(sr, NULL, NULL, &err) == NULL, "NULL schema");
    INVALID(err, "use.latest.version");
    err = NULL;
    CHECK(kf_avro_serializer_new_with_schema(sr, schema, BAD_UTF8, &err) == NULL, "bad config");
    INVALID(err, "UTF-8");
    err = NULL;
    CHECK(kf_avro_deserializer_new_with_schema(NULL, schema, NULL, &err) == NULL, "NULL registry");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_avro_deserializer_new_with_schema(sr, NULL, "{\"x\": 1}", &err) == NULL, "bad key");
    INVALID(err, "\"x\"");
    err = NULL;
    ser = kf_avro_serializer_new_with_schema(sr, schema, NULL, &err);
    MUST(err);
    de = kf_avro_deserializer_new_with_schema(sr, NULL, "{\"use.latest.version\": false}", &err);
    MUST(err);

    freed_count = 0;
    CHECK(kf_to_dict_serializer_new(NULL, hook_noop, NULL, count_free, &err) == NULL,
          "NULL inner");
    INVALID(err, "inner");
    err = NULL;
    CHECK(kf_to_dict_serializer_new(ser, NULL, NULL, count_free, &err) == NULL,
          "NULL to_dict");
    INVALID(err, "callback");
    err = NULL;
    CHECK(kf_from_dict_deserializer_new(NULL, hook_noop, NULL, count_free, &err) == NULL,
          "NULL inner");
    INVALID(err, "inner");
    err = NULL;
    CHECK(kf_from_dict_deserializer_new(de, NULL, NULL, count_free, &err) == NULL,
          "NULL from_dict");
    INVALID(err, "callback");
    err = NULL;
    CHECK(freed_count == 4, "a failed hook constructor releases the opaque (%d)", freed_count);
    kf_serializer_destroy(ser);
    kf_deserializer_destroy(de);
    kf_schema_destroy(schema);
    kf_schema_registry_destroy(sr);

    snprintf(conf, sizeof conf, "{\"schema.registry.url\": \"%s\"}", url);
    CHECK(kf_avro_producer_new(NULL, NULL, NULL, NULL, &err) == NULL, "NULL config_json");
    INVALID(err, "config_json");
    err = NULL;
    CHECK(kf_avro_producer_new(NULL, "{}", NULL, NULL, &err) == NULL, "no registry URL");
    INVALID(err, "schema.registry.url");
    err = NULL;
    CHECK(kf_avro_producer_new(NULL, conf, BAD_UTF8, NULL, &err) == NULL, "bad key schema");
    INVALID(err, "default_key_schema");
    err = NULL;
    ap = kf_avro_producer_new(NULL, conf, NULL, "\"string\"", &err);
    MUST(err);
    INVALID(kf_avro_producer_produce(NULL, "t", 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL),
            "producer");
    INVALID(kf_avro_producer_produce(ap, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL),
            "topic");
    INVALID(kf_avro_producer_produce(ap, "t", 0, NULL, BAD_UTF8, NULL, NULL, NULL, 0, NULL, NULL),
            "value");
    CHECK(kf_avro_producer_producer(NULL) == NULL, "kf_avro_producer_producer(NULL)");
    CHECK(kf_avro_producer_producer(ap) != NULL, "kf_avro_producer_producer");
    OK(kf_avro_producer_destroy(NULL));
    OK(kf_avro_producer_destroy(ap));

    CHECK(kf_avro_consumer_new(NULL, NULL, NULL, NULL, &err) == NULL, "NULL config_json");
    INVALID(err, "config_json");
    err = NULL;
    CHECK(kf_avro_consumer_new(NULL, conf, NULL, NULL, &err) == NULL, "no group.id");
    INVALID(err, "group.id");
    err = NULL;
    snprintf(cconf, sizeof cconf, "{\"schema.registry.url\": \"%s\", \"group.id\": \"g\"}", url);
    CHECK(kf_avro_consumer_new(NULL, cconf, NULL, BAD_UTF8, &err) == NULL, "bad reader schema");
    INVALID(err, "reader_value_schema");
    err = NULL;
    ac = kf_avro_consumer_new(NULL, cconf, NULL, NULL, &err);
    MUST(err);
    OK(kf_consumer_close(kf_deserializing_consumer_consumer(ac), -1));
    OK(kf_deserializing_consumer_destroy(ac));
}

static void test_json_schema(void) {
    kf_error_t *err = NULL;
    kf_schema_registry_t *sr;
    kf_schema_t *schema;
    kf_serializer_t *ser;
    kf_deserializer_t *de;
    char url[96], conf[192];

    t_section("kf_json_schema_serializer_new / _deserializer_new (and _with_schema)");
    t_unique(url, sizeof url, "mock://c-invalid-json-sr");
    snprintf(conf, sizeof conf, "{\"url\": \"%s\"}", url);
    sr = kf_schema_registry_new(conf, &err);
    MUST(err);
    CHECK(kf_json_schema_serializer_new(NULL, "{}", NULL, &err) == NULL, "NULL registry");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_json_schema_serializer_new(sr, NULL, NULL, &err) == NULL, "NULL schema");
    INVALID(err, "use.latest.version");
    err = NULL;
    CHECK(kf_json_schema_serializer_new(sr, BAD_UTF8, NULL, &err) == NULL, "bad schema");
    INVALID(err, "UTF-8");
    err = NULL;
    CHECK(kf_json_schema_serializer_new(sr, "{}", "{\"x\": 1}", &err) == NULL, "bad key");
    INVALID(err, "\"x\"");
    err = NULL;
    CHECK(kf_json_schema_deserializer_new(NULL, NULL, NULL, &err) == NULL, "NULL registry");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_json_schema_deserializer_new(sr, "{", NULL, &err) == NULL, "bad schema");
    INVALID(err, "invalid JSON schema");
    err = NULL;
    CHECK(kf_json_schema_deserializer_new(sr, NULL, BAD_UTF8, &err) == NULL, "bad config");
    INVALID(err, "UTF-8");
    err = NULL;
    schema = kf_schema_new("{\"type\": \"object\"}", KF_SCHEMA_TYPE_JSON, &err);
    MUST(err);
    CHECK(kf_json_schema_serializer_new_with_schema(NULL, schema, NULL, &err) == NULL,
          "NULL client");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_json_schema_serializer_new_with_schema(sr, NULL, NULL, &err) == NULL, "NULL schema");
    INVALID(err, "use.latest.version");
    err = NULL;
    CHECK(kf_json_schema_deserializer_new_with_schema(NULL, schema, NULL, &err) == NULL,
          "NULL client");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_json_schema_deserializer_new_with_schema(sr, schema, BAD_UTF8, &err) == NULL,
          "bad config");
    INVALID(err, "UTF-8");
    err = NULL;
    ser = kf_json_schema_serializer_new_with_schema(sr, schema, "{\"validate\": false}", &err);
    MUST(err);
    de = kf_json_schema_deserializer_new_with_schema(sr, NULL, NULL, &err);
    MUST(err);
    kf_serializer_destroy(ser);
    kf_deserializer_destroy(de);
    ser = kf_json_schema_serializer_new(sr, "{}", NULL, &err);
    MUST(err);
    de = kf_json_schema_deserializer_new(sr, "{}", NULL, &err);
    MUST(err);
    kf_serializer_destroy(ser);
    kf_deserializer_destroy(de);
    kf_schema_destroy(schema);
    kf_schema_registry_destroy(sr);
}

/* Registry lists as handles, the const rule's non-const handles, and the size-prefixed serde
 * structs. */
static void test_registry_lists_and_serde_sizes(void) {
    kf_error_t *err = NULL;
    kf_schema_registry_t *sr;
    kf_schema_t *schema;
    kf_string_list_t *subjects = NULL;
    kf_int32_list_t *versions = NULL;
    kf_serializer_t *ser;
    kf_buffer_t *out;
    int32_t id = 0;
    char url[96], conf[192];

    t_section("kf_string_list_t / kf_int32_list_t, kf_serialization_context_t.size, "
              "kf_serde_value_t.size");
    CHECK(kf_string_list_count(NULL) == 0, "kf_string_list_count(NULL) is 0");
    CHECK(kf_string_list_get(NULL, 0) == NULL, "kf_string_list_get(NULL) is NULL");
    kf_string_list_destroy(NULL);
    CHECK(kf_int32_list_count(NULL) == 0, "kf_int32_list_count(NULL) is 0");
    CHECK(kf_int32_list_values(NULL) == NULL, "kf_int32_list_values(NULL) is NULL");
    kf_int32_list_destroy(NULL);

    t_unique(url, sizeof url, "mock://c-lists");
    snprintf(conf, sizeof conf, "{\"url\": \"%s\"}", url);
    sr = kf_schema_registry_new(conf, &err);
    MUST(err);
    INVALID(kf_schema_registry_get_subjects(NULL, &subjects), "registry");
    INVALID(kf_schema_registry_get_subjects(sr, NULL), "subjects_out");
    INVALID(kf_schema_registry_get_versions(sr, "s", NULL), "versions_out");
    INVALID(kf_schema_registry_delete_subject(NULL, "s", false, &versions), "registry");
    CHECK(subjects == NULL && versions == NULL, "no list written on failure");
    if (OK(kf_schema_registry_get_subjects(sr, &subjects))) {
        CHECK(kf_string_list_count(subjects) == 0, "a new registry has no subjects");
        CHECK(kf_string_list_get(subjects, 0) == NULL, "index 0 of an empty list is NULL");
        kf_string_list_destroy(subjects);
    }
    schema = kf_schema_new("\"int\"", KF_SCHEMA_TYPE_AVRO, &err);
    MUST(err);
    OK(kf_schema_registry_register_schema(sr, "s", schema, false, &id));
    if (OK(kf_schema_registry_get_subjects(sr, &subjects))) {
        CHECK(kf_string_list_count(subjects) == 1 &&
                  strcmp(kf_string_list_get(subjects, 0), "s") == 0,
              "the one subject, \"s\"");
        CHECK(kf_string_list_get(subjects, 1) == NULL, "past the end is NULL");
        kf_string_list_destroy(subjects);
    }
    if (OK(kf_schema_registry_get_versions(sr, "s", &versions))) {
        const int32_t *v = kf_int32_list_values(versions);
        CHECK(kf_int32_list_count(versions) == 1 && v != NULL && v[0] == 1, "versions [1]");
        kf_int32_list_destroy(versions);
    }
    versions = NULL;
    if (OK(kf_schema_registry_delete_subject(sr, "s", false, &versions))) {
        CHECK(kf_int32_list_count(versions) == 1 && kf_int32_list_values(versions)[0] == 1,
              "deleted versions [1]");
        kf_int32_list_destroy(versions);
    }
    kf_schema_destroy(schema);
    kf_schema_registry_destroy(sr);

    /* size below the first published size: refused, naming ctx->size. */
    ser = kf_integer_serializer_new();
    out = kf_buffer_new();
    {
        kf_serialization_context_t ctx = {sizeof ctx, "t", KF_MESSAGE_FIELD_VALUE, NULL};
        OK(kf_serializer_serialize_int32(ser, &ctx, 1, out));
        ctx.size = 0;
        INVALID(kf_serializer_serialize_int32(ser, &ctx, 1, out), "ctx->size");
        ctx.size = sizeof ctx - 1;
        INVALID(kf_serializer_serialize_int32(ser, &ctx, 1, out), "ctx->size");
    }
    kf_buffer_destroy(out);
    kf_serializer_destroy(ser);
}

static void test_protobuf(void) {
    kf_error_t *err = NULL;
    kf_schema_registry_t *sr;
    kf_serializer_t *ser;
    kf_deserializer_t *de;
    const char *proto = "syntax = \"proto3\"; message M { int32 a = 1; }";
    char url[96], conf[192];

    t_section("kf_protobuf_serializer_new / kf_protobuf_deserializer_new");
    t_unique(url, sizeof url, "mock://c-invalid-protobuf-sr");
    snprintf(conf, sizeof conf, "{\"url\": \"%s\"}", url);
    sr = kf_schema_registry_new(conf, &err);
    MUST(err);
    CHECK(kf_protobuf_serializer_new(NULL, proto, NULL, NULL, &err) == NULL, "NULL registry");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_protobuf_serializer_new(sr, NULL, NULL, NULL, &err) == NULL, "NULL schema");
    INVALID(err, "use.latest.version");
    err = NULL;
    CHECK(kf_protobuf_serializer_new(sr, BAD_UTF8, NULL, NULL, &err) == NULL, "bad schema");
    INVALID(err, "UTF-8");
    err = NULL;
    CHECK(kf_protobuf_serializer_new(sr, proto, BAD_UTF8, NULL, &err) == NULL, "bad name");
    INVALID(err, "message_name");
    err = NULL;
    CHECK(kf_protobuf_serializer_new(sr, proto, "Nope", NULL, &err) == NULL, "unknown name");
    INVALID(err, "Nope");
    err = NULL;
    CHECK(kf_protobuf_serializer_new(sr, proto, NULL, "{\"x\": 1}", &err) == NULL, "bad key");
    INVALID(err, "\"x\"");
    err = NULL;
    CHECK(kf_protobuf_deserializer_new(NULL, NULL, &err) == NULL, "NULL registry");
    INVALID(err, "registry");
    err = NULL;
    CHECK(kf_protobuf_deserializer_new(sr, BAD_UTF8, &err) == NULL, "bad config");
    INVALID(err, "UTF-8");
    err = NULL;
    ser = kf_protobuf_serializer_new(sr, proto, "M", "{\"record.format\": \"binary\"}", &err);
    MUST(err);
    de = kf_protobuf_deserializer_new(sr, "{\"record.format\": \"json\"}", &err);
    MUST(err);
    kf_serializer_destroy(ser);
    kf_deserializer_destroy(de);
    kf_schema_registry_destroy(sr);
}

/* Issue 12 items 7-8: the constants table, kf_constant_name, the partitioners, consumer group
 * metadata to and from bytes, cluster and controller ids, the consumer's SASL credentials,
 * rebalance protocol and assignment lost, the producer's close, and wrong-kind handles. */
static void test_client_extras(t_cluster_t *cluster) {
    kf_error_t *err = NULL;
    kf_config_t *conf;
    kf_producer_t *p;
    kf_consumer_t *c;
    kf_admin_t *a;
    kf_consumer_group_metadata_t *m, *back = NULL;
    kf_buffer_t *buf;
    const kf_constant_t *k;
    const uint8_t *bytes;
    size_t i, n, len = 0, left = 42;
    int32_t part = -42, ctl = -42;
    char *id = NULL;
    bool seen_stable = false;

    t_section("constants table, name functions, partitioners, group metadata bytes, kinds");
    /* The table seen from C: the header's macros and the run-time values agree. */
    n = kf_constant_count();
    CHECK(n > 250, "kf_constant_count() = %zu", n);
    for (i = 0; i < n; i++) {
        k = kf_constant_at(i);
        CHECK(k != NULL && k->size == sizeof(kf_constant_t), "entry %zu", i);
        if (strcmp(k->name, "KF_CONSUMER_GROUP_STATE_STABLE") == 0) {
            seen_stable = true;
            CHECK(k->value == KF_CONSUMER_GROUP_STATE_STABLE, "value of STABLE");
            CHECK(strcmp(k->group, "KF_CONSUMER_GROUP_STATE") == 0, "group of STABLE");
        }
        if (strcmp(k->name, "KF_ERR__TIMED_OUT") == 0)
            CHECK(k->value == KF_ERR__TIMED_OUT, "value of KF_ERR__TIMED_OUT");
        if (strcmp(k->name, "KF_OFFSET_STORED") == 0)
            CHECK(k->value == KF_OFFSET_STORED, "value of KF_OFFSET_STORED");
    }
    CHECK(seen_stable, "KF_CONSUMER_GROUP_STATE_STABLE in the table");
    CHECK(kf_constant_at(n) == NULL, "past the end");
    CHECK(strcmp(kf_constant_name("KF_ACL_OPERATION", KF_ACL_OPERATION_READ),
                 "KF_ACL_OPERATION_READ") == 0, "kf_constant_name");
    CHECK(strcmp(kf_constant_name("KF_REBALANCE_PROTOCOL", KF_REBALANCE_PROTOCOL_COOPERATIVE),
                 "KF_REBALANCE_PROTOCOL_COOPERATIVE") == 0, "rebalance protocol name");
    CHECK(kf_constant_name(NULL, 0) == NULL, "NULL group");
    CHECK(kf_constant_name(BAD_UTF8, 0) == NULL, "bad group");
    CHECK(kf_constant_name("KF_ERR", 123456789) == NULL, "unknown value");

    /* Partitioners: Java's murmur2 of "21" is -973932308. */
    OK(kf_partitioner_murmur2("21", 2, INT32_MAX, &part));
    CHECK(part == (-973932308 & 0x7fffffff), "murmur2(\"21\") = %d", (int)part);
    OK(kf_partitioner_consistent("123456789", 9, 1000, &part));
    CHECK(part == (int32_t)(0xcbf43926u % 1000u), "crc32 = %d", (int)part);
    OK(kf_partitioner_fnv1a(NULL, 0, 1000, &part));
    /* FNV-1a as a signed number, made positive (as Sarama): 0x811c9dc5 is -2128831035. */
    CHECK(part == 2128831035 % 1000, "fnv1a(null) = %d", (int)part);
    INVALID(kf_partitioner_murmur2(NULL, 3, 10, &part), "key");
    INVALID(kf_partitioner_murmur2("k", 1, 0, &part), "partition_count");
    INVALID(kf_partitioner_murmur2("k", 1, 10, NULL), "partition_out");
    INVALID(kf_partitioner_consistent(NULL, 3, 10, &part), "key");
    INVALID(kf_partitioner_consistent("k", 1, -1, &part), "partition_count");
    INVALID(kf_partitioner_consistent("k", 1, 10, NULL), "partition_out");
    INVALID(kf_partitioner_fnv1a(NULL, 3, 10, &part), "key");
    INVALID(kf_partitioner_fnv1a("k", 1, 0, &part), "partition_count");
    INVALID(kf_partitioner_fnv1a("k", 1, 10, NULL), "partition_out");

    /* Group metadata to bytes and back. */
    CHECK(kf_consumer_group_metadata_new(NULL, &err) == NULL, "NULL group id");
    INVALID(err, "group_id");
    err = NULL;
    CHECK(kf_consumer_group_metadata_new(BAD_UTF8, &err) == NULL, "bad group id");
    INVALID(err, "UTF-8");
    err = NULL;
    m = kf_consumer_group_metadata_new("c-group", &err);
    MUST(err);
    buf = kf_buffer_new();
    INVALID(kf_consumer_group_metadata_write(NULL, buf), "cgmd");
    INVALID(kf_consumer_group_metadata_write(m, NULL), "buffer");
    OK(kf_consumer_group_metadata_write(m, buf));
    bytes = kf_buffer_data(buf, &len);
    CHECK(bytes != NULL && len > 7, "written bytes");
    INVALID(kf_consumer_group_metadata_read(NULL, len, &back), "bytes");
    INVALID(kf_consumer_group_metadata_read(NULL, 0, &back), "bytes");
    INVALID(kf_consumer_group_metadata_read(bytes, len, NULL), "cgmd_out");
    ERR(kf_consumer_group_metadata_read(bytes, len - 1, &back), KF_ERR__BAD_MSG, NULL);
    CHECK(back == NULL, "not written on failure");
    OK(kf_consumer_group_metadata_read(bytes, len, &back));
    CHECK(back != NULL, "read back");
    kf_consumer_group_metadata_destroy(back);
    kf_consumer_group_metadata_destroy(m);
    kf_buffer_destroy(buf);

    /* Clients: ids, credentials, protocol, close, and handles of the wrong kind. */
    conf = kf_config_new();
    MUST(kf_config_set(conf, "bootstrap.servers", cluster->bootstrap));
    MUST(kf_config_set(conf, "group.id", "c-extras"));
    p = kf_producer_new(conf, &err);
    MUST(err);
    c = kf_consumer_new(conf, &err);
    MUST(err);
    a = kf_admin_new(conf, &err);
    MUST(err);
    kf_config_destroy(conf);
    INVALID(kf_producer_cluster_id(NULL, 1000, &id), "producer");
    INVALID(kf_producer_cluster_id(p, 1000, NULL), "cluster_id_out");
    INVALID(kf_consumer_cluster_id(NULL, 1000, &id), "consumer");
    INVALID(kf_consumer_cluster_id(c, 1000, NULL), "cluster_id_out");
    INVALID(kf_admin_cluster_id(NULL, 1000, &id), "admin");
    INVALID(kf_admin_cluster_id(a, 1000, NULL), "cluster_id_out");
    INVALID(kf_producer_controller_id(NULL, 1000, &ctl), "producer");
    INVALID(kf_producer_controller_id(p, 1000, NULL), "controller_id_out");
    INVALID(kf_consumer_controller_id(NULL, 1000, &ctl), "consumer");
    INVALID(kf_consumer_controller_id(c, 1000, NULL), "controller_id_out");
    INVALID(kf_admin_controller_id(NULL, 1000, &ctl), "admin");
    INVALID(kf_admin_controller_id(a, 1000, NULL), "controller_id_out");
    CHECK(id == NULL && ctl == -42, "outputs untouched on failure");
    OK(kf_admin_cluster_id(a, 10000, &id));
    CHECK(id != NULL && *id != '\0', "cluster id");
    kf_string_free(id);
    OK(kf_consumer_controller_id(c, 10000, &ctl));
    CHECK(ctl >= 0, "controller id %d", (int)ctl);
    INVALID(kf_consumer_set_sasl_credentials(NULL, "u", "p"), "consumer");
    INVALID(kf_consumer_set_sasl_credentials(c, NULL, "p"), "username");
    INVALID(kf_consumer_set_sasl_credentials(c, "u", NULL), "password");
    INVALID(kf_consumer_set_sasl_credentials(c, BAD_UTF8, "p"), "UTF-8");
    CHECK(kf_consumer_rebalance_protocol(NULL) == KF_REBALANCE_PROTOCOL_NONE, "NULL consumer");
    CHECK(kf_consumer_rebalance_protocol(c) == KF_REBALANCE_PROTOCOL_NONE, "not in a group yet");
    CHECK(!kf_consumer_assignment_lost(NULL), "NULL consumer");
    CHECK(!kf_consumer_assignment_lost(c), "nothing lost");
    /* A producer where a consumer is expected, and the other way round. */
    ERR(kf_consumer_set_sasl_credentials((kf_consumer_t *)p, "u", "p"), KF_ERR__INVALID_ARG,
        "consumer is not a kf_consumer_t (it is a kf_producer_t)");
    ERR(kf_producer_flush((kf_producer_t *)c, 0, NULL), KF_ERR__INVALID_ARG,
        "producer is not a kf_producer_t (it is a kf_consumer_t)");
    ERR(kf_admin_destroy((kf_admin_t *)p), KF_ERR__INVALID_ARG,
        "is not a kf_admin_t (it is a kf_producer_t)");
    INVALID(kf_producer_close(NULL, 0, &left), "producer");
    OK(kf_producer_close(p, 1000, &left));
    CHECK(left == 0, "nothing to deliver");
    ERR(kf_producer_close(p, 1000, NULL), KF_ERR__STATE, "closed");
    OK(kf_producer_destroy(p));
    OK(kf_consumer_close(c, -1));
    OK(kf_consumer_destroy(c));
    OK(kf_admin_destroy(a));
}

int main(void) {
    t_cluster_t mock = t_cluster_mock(1);

    test_version();
    test_errors();
    test_config();
    test_callback_registrations();
    test_oauth();
    test_headers();
    test_message_accessors();
    test_topic_partition_lists();
    test_mock_cluster(&mock);
    test_producer(&mock);
    test_metadata(&mock);
    test_consumer(&mock);
    test_admin_inputs();
    test_admin_client(&mock);
    test_transactions(&mock);
    test_client_extras(&mock);
    test_avro_hooks_and_legacy();
    test_json_schema();
    test_protobuf();
    test_registry_lists_and_serde_sizes();
    t_cluster_destroy(&mock);
    CHECK(released_count == 0, "no zero-copy value was ever taken (%d)", released_count);
    return t_finish("test_invalid_args");
}
