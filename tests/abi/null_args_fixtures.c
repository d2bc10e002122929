/* Valid values for the generated NULL-argument test: see null_args_fixtures.h. */
#include "null_args_fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fx_opaque;

void fx_die(const char *what, kf_error_t *err) {
    fprintf(stderr, "fixture %s failed: %s\n", what, err ? kf_error_message(err) : "(no error)");
    _exit(90);
}

#define ONCE(type, expr)                                                                       \
    static type v_;                                                                            \
    static int done_;                                                                          \
    if (!done_) {                                                                              \
        v_ = (expr);                                                                           \
        done_ = 1;                                                                             \
    }                                                                                          \
    return v_

static void ok(const char *what, kf_error_t *e) {
    if (e) fx_die(what, e);
}

kf_mock_cluster_t *fx_mock(void) {
    static kf_mock_cluster_t *m;
    if (!m) {
        kf_error_t *e = NULL;
        m = kf_mock_cluster_new(1, &e);
        if (!m) fx_die("kf_mock_cluster_new", e);
        ok("kf_mock_cluster_topic_create", kf_mock_cluster_topic_create(m, FX_TOPIC, 1, 1));
    }
    return m;
}

static kf_config_t *base_config(void) {
    kf_config_t *c = kf_config_new();
    ok("bootstrap.servers",
       kf_config_set(c, "bootstrap.servers", kf_mock_cluster_bootstrap_servers(fx_mock())));
    ok("client.id", kf_config_set(c, "client.id", "abi-null-args"));
    return c;
}

kf_config_t *fx_config(void) { ONCE(kf_config_t *, base_config()); }

static kf_config_t *consumer_config(void) {
    kf_config_t *c = base_config();
    ok("group.id", kf_config_set(c, "group.id", FX_GROUP));
    ok("fetch.wait.max.ms", kf_config_set(c, "fetch.wait.max.ms", "10"));
    ok("enable.auto.commit", kf_config_set(c, "enable.auto.commit", "false"));
    return c;
}

kf_config_t *fx_consumer_config(void) { ONCE(kf_config_t *, consumer_config()); }

static kf_producer_t *make_producer(void) {
    kf_error_t *e = NULL;
    kf_producer_t *p = kf_producer_new(fx_config(), &e);
    if (!p) fx_die("kf_producer_new", e);
    return p;
}
kf_producer_t *fx_producer(void) { ONCE(kf_producer_t *, make_producer()); }

static kf_consumer_t *make_consumer(void) {
    kf_error_t *e = NULL;
    kf_consumer_t *c = kf_consumer_new(fx_consumer_config(), &e);
    if (!c) fx_die("kf_consumer_new", e);
    return c;
}
kf_consumer_t *fx_consumer(void) { ONCE(kf_consumer_t *, make_consumer()); }

/* librdkafka's mock cluster reports no controller: an admin request that needs one (run when
 * `options` is NULL, which is valid) waits for its request timeout, socket.timeout.ms. */
static kf_config_t *admin_config(void) {
    kf_config_t *c = base_config();
    ok("socket.timeout.ms", kf_config_set(c, "socket.timeout.ms", "1500"));
    return c;
}
kf_config_t *fx_admin_config(void) { ONCE(kf_config_t *, admin_config()); }

static kf_admin_t *make_admin(void) {
    kf_error_t *e = NULL;
    kf_admin_t *a = kf_admin_new(fx_admin_config(), &e);
    if (!a) fx_die("kf_admin_new", e);
    return a;
}
kf_admin_t *fx_admin(void) { ONCE(kf_admin_t *, make_admin()); }

static kf_headers_t *make_headers(void) {
    kf_headers_t *h = kf_headers_new(1);
    ok("kf_headers_add", kf_headers_add(h, "h", (const uint8_t *)"hv", 2));
    return h;
}
kf_headers_t *fx_headers(void) { ONCE(kf_headers_t *, make_headers()); }

static kf_topic_partition_list_t *make_tpl(void) {
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    ok("kf_topic_partition_list_add", kf_topic_partition_list_add(l, FX_TOPIC, 0, NULL));
    ok("kf_topic_partition_list_set_offset", kf_topic_partition_list_set_offset(l, 0, 0));
    return l;
}
kf_topic_partition_list_t *fx_tpl(void) { ONCE(kf_topic_partition_list_t *, make_tpl()); }

static kf_message_t *make_message(void) {
    kf_producer_t *p = fx_producer();
    kf_consumer_t *c = fx_consumer();
    size_t remaining = 1;
    ok("produce", kf_producer_produce(p, FX_TOPIC, 0, (const uint8_t *)"k", 1,
                                      (const uint8_t *)"v", 1, fx_headers(), 0, NULL, NULL));
    ok("flush", kf_producer_flush(p, 10000, &remaining));
    if (remaining) fx_die("flush left messages", NULL);
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    ok("add", kf_topic_partition_list_add(l, FX_TOPIC, 0, NULL));
    ok("offset", kf_topic_partition_list_set_offset(l, 0, KF_OFFSET_BEGINNING));
    ok("assign", kf_consumer_assign(c, l));
    for (int i = 0; i < 100; i++) {
        kf_message_t *m = NULL;
        kf_error_t *e = kf_consumer_poll(c, 100, &m);
        if (e) fx_die("kf_consumer_poll", e);
        if (m && kf_message_error_code(m) == 0) return m;
        kf_message_destroy(m);
    }
    fx_die("no message consumed in 10 s", NULL);
    return NULL;
}
kf_message_t *fx_message(void) { ONCE(kf_message_t *, make_message()); }

/* A batch of the message fx_message() wrote, read by a consumer of its own. */
static kf_message_batch_t *make_message_batch(void) {
    (void)fx_message();
    kf_error_t *e = NULL;
    kf_consumer_t *c = kf_consumer_new(fx_consumer_config(), &e);
    if (!c) fx_die("kf_consumer_new", e);
    kf_topic_partition_list_t *l = kf_topic_partition_list_new(1);
    ok("add", kf_topic_partition_list_add(l, FX_TOPIC, 0, NULL));
    ok("offset", kf_topic_partition_list_set_offset(l, 0, KF_OFFSET_BEGINNING));
    ok("assign", kf_consumer_assign(c, l));
    for (int i = 0; i < 100; i++) {
        kf_message_batch_t *b = NULL;
        ok("kf_consumer_consume_batch", kf_consumer_consume_batch(c, 10, 100, 0, &b));
        if (b) return b;
    }
    fx_die("no batch consumed in 10 s", NULL);
    return NULL;
}
kf_message_batch_t *fx_message_batch(void) { ONCE(kf_message_batch_t *, make_message_batch()); }

kf_header_view_t fx_header_views[1];

static kf_metadata_t *make_metadata(void) {
    kf_metadata_t *md = NULL;
    ok("kf_producer_list_topics", kf_producer_list_topics(fx_producer(), FX_TOPIC, 10000, &md));
    return md;
}
kf_metadata_t *fx_metadata(void) { ONCE(kf_metadata_t *, make_metadata()); }

static kf_consumer_group_metadata_t *make_cgmd(void) {
    kf_consumer_group_metadata_t *g = NULL;
    ok("kf_consumer_group_metadata", kf_consumer_group_metadata(fx_consumer(), &g));
    return g;
}
kf_consumer_group_metadata_t *fx_cgmd(void) { ONCE(kf_consumer_group_metadata_t *, make_cgmd()); }

kf_admin_options_t *fx_admin_options(void) { ONCE(kf_admin_options_t *, kf_admin_options_new()); }

/* Descriptions need a controller, which the mock cluster does not report: they come from the
 * real broker (KAFKA_BOOTSTRAP_SERVERS, required, as for the other C tests). */
static kf_admin_t *broker_admin(void) {
    static kf_admin_t *a;
    if (!a) {
        const char *bs = getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (!bs || !*bs) fx_die("KAFKA_BOOTSTRAP_SERVERS is not set (the real broker is needed)", NULL);
        kf_config_t *c = kf_config_new();
        kf_error_t *e = NULL;
        ok("bootstrap.servers", kf_config_set(c, "bootstrap.servers", bs));
        a = kf_admin_new(c, &e);
        if (!a) fx_die("kf_admin_new (broker)", e);
    }
    return a;
}

static kf_admin_options_t *authorized_ops(void) {
    kf_admin_options_t *o = kf_admin_options_new();
    ok("include_authorized_operations", kf_admin_options_set_include_authorized_operations(o, 1));
    ok("request_timeout", kf_admin_options_set_request_timeout(o, 10000));
    return o;
}

static kf_admin_result_t *make_cluster_result(void) {
    kf_admin_result_t *r = NULL;
    ok("kf_admin_describe_cluster", kf_admin_describe_cluster(broker_admin(), authorized_ops(), &r));
    return r;
}
kf_admin_result_t *fx_admin_result(void) { ONCE(kf_admin_result_t *, make_cluster_result()); }

const kf_cluster_description_t *fx_cluster_description(void) {
    const kf_cluster_description_t *d = kf_admin_result_cluster_description(fx_admin_result());
    if (!d) fx_die("kf_admin_result_cluster_description", (kf_error_t *)kf_admin_result_error(fx_admin_result()));
    return d;
}

const kf_topic_description_t *fx_topic_description(void) {
    static kf_admin_result_t *r;
    if (!r) {
        /* Any topic of the broker will do: the first one its metadata lists. */
        kf_metadata_t *md = NULL;
        ok("kf_admin_list_topics", kf_admin_list_topics(broker_admin(), NULL, 10000, &md));
        if (kf_metadata_topic_count(md) == 0) fx_die("the broker has no topic", NULL);
        const char *topics[] = {kf_metadata_topic_name(md, 0)};
        ok("kf_admin_describe_topics",
           kf_admin_describe_topics(broker_admin(), topics, 1, authorized_ops(), &r));
    }
    const kf_topic_description_t *d = kf_admin_result_item_topic_description(r, 0);
    if (!d) fx_die("kf_admin_result_item_topic_description", (kf_error_t *)kf_admin_result_item_error(r, 0));
    return d;
}

const kf_consumer_group_description_t *fx_group_description(void) {
    static kf_admin_result_t *r;
    if (!r) {
        char group[64];
        snprintf(group, sizeof group, "abi-null-args-%d", (int)getpid());
        const char *groups[] = {group};
        ok("kf_admin_describe_consumer_groups",
           kf_admin_describe_consumer_groups(broker_admin(), groups, 1, authorized_ops(), &r));
    }
    const kf_consumer_group_description_t *d =
        kf_admin_result_item_consumer_group_description(r, 0);
    if (!d) fx_die("kf_admin_result_item_consumer_group_description", (kf_error_t *)kf_admin_result_item_error(r, 0));
    return d;
}

static kf_new_topic_t *make_new_topic(void) {
    kf_error_t *e = NULL;
    kf_new_topic_t *t = kf_new_topic_new("abi-new-topic", 1, 1, &e);
    if (!t) fx_die("kf_new_topic_new", e);
    return t;
}
kf_new_topic_t *fx_new_topic(void) { ONCE(kf_new_topic_t *, make_new_topic()); }

static kf_new_partitions_t *make_new_partitions(void) {
    kf_error_t *e = NULL;
    kf_new_partitions_t *t = kf_new_partitions_new(FX_TOPIC, 2, &e);
    if (!t) fx_die("kf_new_partitions_new", e);
    return t;
}
kf_new_partitions_t *fx_new_partitions(void) { ONCE(kf_new_partitions_t *, make_new_partitions()); }

static kf_config_resource_t *make_config_resource(void) {
    kf_error_t *e = NULL;
    kf_config_resource_t *r = kf_config_resource_new(KF_RESOURCE_TOPIC, FX_TOPIC, &e);
    if (!r) fx_die("kf_config_resource_new", e);
    return r;
}
kf_config_resource_t *fx_config_resource(void) { ONCE(kf_config_resource_t *, make_config_resource()); }

static kf_acl_binding_t *make_acl(int filter) {
    kf_error_t *e = NULL;
    kf_acl_binding_t *a =
        filter ? kf_acl_binding_filter_new(KF_RESOURCE_ANY, NULL, KF_RESOURCE_PATTERN_ANY, NULL,
                                           NULL, KF_ACL_OPERATION_ANY, KF_ACL_PERMISSION_TYPE_ANY,
                                           &e)
               : kf_acl_binding_new(KF_RESOURCE_TOPIC, FX_TOPIC, KF_RESOURCE_PATTERN_LITERAL,
                                    "User:abi", "*", KF_ACL_OPERATION_READ,
                                    KF_ACL_PERMISSION_TYPE_ALLOW, &e);
    if (!a) fx_die("kf_acl_binding_new", e);
    return a;
}
kf_acl_binding_t *fx_acl_binding(void) { ONCE(kf_acl_binding_t *, make_acl(0)); }
kf_acl_binding_t *fx_acl_filter(void) { ONCE(kf_acl_binding_t *, make_acl(1)); }

static kf_user_scram_credential_alteration_t *make_scram(void) {
    kf_error_t *e = NULL;
    kf_user_scram_credential_alteration_t *a =
        kf_user_scram_credential_deletion_new("abi-user", KF_SCRAM_MECHANISM_SHA_256, &e);
    if (!a) fx_die("kf_user_scram_credential_deletion_new", e);
    return a;
}
kf_user_scram_credential_alteration_t *fx_scram_alteration(void) {
    ONCE(kf_user_scram_credential_alteration_t *, make_scram());
}

kf_error_t *fx_error(void) { ONCE(kf_error_t *, kf_config_set(fx_config(), "no.such.key", "x")); }

static kf_buffer_t *make_buffer(void) {
    kf_buffer_t *b = kf_buffer_new();
    ok("kf_buffer_set", kf_buffer_set(b, (const uint8_t *)"\0\0\0\1\0\0\0\0", 8));
    return b;
}
kf_buffer_t *fx_buffer(void) { ONCE(kf_buffer_t *, make_buffer()); }

const char *fx_sr_config(void) { return "{\"url\": \"mock://abi-null-args\"}"; }
const char *fx_serde_config(void) { return "{\"auto.register.schemas\": true}"; }

const char *fx_avro_client_config(void) {
    static char buf[512];
    if (!buf[0])
        snprintf(buf, sizeof buf,
                 "{\"bootstrap.servers\": \"%s\", \"schema.registry.url\": \"mock://abi-null-args\","
                 " \"group.id\": \"" FX_GROUP "\"}",
                 kf_mock_cluster_bootstrap_servers(fx_mock()));
    return buf;
}

static kf_schema_registry_t *make_sr(void) {
    kf_error_t *e = NULL;
    kf_schema_registry_t *c = kf_schema_registry_new(fx_sr_config(), &e);
    if (!c) fx_die("kf_schema_registry_new", e);
    int32_t id = 0;
    kf_schema_t *s = kf_schema_new(FX_AVRO_SCHEMA, KF_SCHEMA_TYPE_AVRO, &e);
    if (!s) fx_die("kf_schema_new", e);
    ok("register", kf_schema_registry_register_schema(c, FX_SUBJECT, s, 0, &id));
    return c;
}
kf_schema_registry_t *fx_sr(void) { ONCE(kf_schema_registry_t *, make_sr()); }

static kf_string_list_t *make_string_list(void) {
    kf_string_list_t *l = NULL;
    ok("get_subjects", kf_schema_registry_get_subjects(fx_sr(), &l));
    return l;
}
kf_string_list_t *fx_string_list(void) { ONCE(kf_string_list_t *, make_string_list()); }

static kf_int32_list_t *make_int32_list(void) {
    kf_int32_list_t *l = NULL;
    ok("get_versions", kf_schema_registry_get_versions(fx_sr(), FX_SUBJECT, &l));
    return l;
}
kf_int32_list_t *fx_int32_list(void) { ONCE(kf_int32_list_t *, make_int32_list()); }

static kf_schema_t *make_schema(void) {
    kf_error_t *e = NULL;
    kf_schema_t *s = kf_schema_new(FX_AVRO_SCHEMA, KF_SCHEMA_TYPE_AVRO, &e);
    if (!s) fx_die("kf_schema_new", e);
    return s;
}
kf_schema_t *fx_schema(void) { ONCE(kf_schema_t *, make_schema()); }

static kf_serializer_t *make_serializer(void) {
    kf_error_t *e = NULL;
    kf_serializer_t *s = kf_string_serializer_new(NULL, &e);
    if (!s) fx_die("kf_string_serializer_new", e);
    return s;
}
kf_serializer_t *fx_serializer(void) { ONCE(kf_serializer_t *, make_serializer()); }

static kf_deserializer_t *make_deserializer(void) {
    kf_error_t *e = NULL;
    kf_deserializer_t *s = kf_string_deserializer_new(NULL, &e);
    if (!s) fx_die("kf_string_deserializer_new", e);
    return s;
}
kf_deserializer_t *fx_deserializer(void) { ONCE(kf_deserializer_t *, make_deserializer()); }

static kf_serializing_producer_t *make_sp(void) {
    kf_error_t *e = NULL;
    kf_serializing_producer_t *p =
        kf_serializing_producer_new(fx_config(), fx_serializer(), fx_serializer(), &e);
    if (!p) fx_die("kf_serializing_producer_new", e);
    return p;
}
kf_serializing_producer_t *fx_serializing_producer(void) {
    ONCE(kf_serializing_producer_t *, make_sp());
}

static kf_deserializing_consumer_t *make_dc(void) {
    kf_error_t *e = NULL;
    kf_deserializing_consumer_t *c = kf_deserializing_consumer_new(
        fx_consumer_config(), fx_deserializer(), fx_deserializer(), &e);
    if (!c) fx_die("kf_deserializing_consumer_new", e);
    return c;
}
kf_deserializing_consumer_t *fx_deserializing_consumer(void) {
    ONCE(kf_deserializing_consumer_t *, make_dc());
}

static kf_avro_producer_t *make_ap(void) {
    kf_error_t *e = NULL;
    kf_avro_producer_t *p = kf_avro_producer_new(NULL, fx_avro_client_config(), FX_AVRO_SCHEMA,
                                                 FX_AVRO_SCHEMA, &e);
    if (!p) fx_die("kf_avro_producer_new", e);
    return p;
}
kf_avro_producer_t *fx_avro_producer(void) { ONCE(kf_avro_producer_t *, make_ap()); }

const kf_serialization_context_t *fx_serde_ctx(void) {
    static kf_serialization_context_t ctx = {sizeof(kf_serialization_context_t), FX_TOPIC,
                                             KF_MESSAGE_FIELD_VALUE, NULL};
    return &ctx;
}

const kf_serde_value_t *fx_serde_value(void) {
    static kf_serde_value_t v;
    v.size = sizeof v;
    v.kind = KF_SERDE_VALUE_STRING;
    v.data = (const uint8_t *)"x";
    v.len = 1;
    return &v;
}

const kf_rebalance_callbacks_t *fx_rebalance_callbacks(void) {
    static kf_rebalance_callbacks_t cbs; /* every callback may be NULL */
    return &cbs;
}

const kf_consumer_group_topic_partitions_t *fx_group_partitions(void) {
    static kf_consumer_group_topic_partitions_t g;
    g.group_id = FX_GROUP;
    g.partitions = fx_tpl();
    return &g;
}

kf_produce_message_t *fx_produce_messages(void) {
    static kf_produce_message_t m[1];
    memset(m, 0, sizeof m);
    m[0].size = sizeof m[0];
    m[0].topic = FX_TOPIC;
    m[0].partition = 0;
    m[0].value = (const uint8_t *)"v";
    m[0].value_len = 1;
    return m;
}

kf_packed_message_t *fx_packed_messages(void) {
    static kf_packed_message_t m[1];
    memset(m, 0, sizeof m);
    m[0].size = sizeof m[0];
    m[0].topic_offset = 0;
    m[0].topic_len = strlen(FX_TOPIC);
    m[0].flags = KF_PACKED_NULL_KEY;
    m[0].partition = 0;
    return m;
}

uint8_t *fx_zerocopy_value(void) {
    uint8_t *v = malloc(1);
    v[0] = 'z';
    return v;
}

static void (*oauth_body)(kf_oauth_token_t *);
static int oauth_ran;

static void run_oauth_body(void *opaque, const char *cfg, kf_oauth_token_t *token) {
    (void)opaque;
    (void)cfg;
    if (oauth_body && !oauth_ran) {
        oauth_ran = 1;
        oauth_body(token);
    }
    kf_error_destroy(kf_oauth_token_fail(token, "abi test"));
}

void fx_with_oauth_token(void (*body)(kf_oauth_token_t *token)) {
    kf_config_t *c = kf_config_new();
    kf_error_t *e = NULL;
    ok("bootstrap", kf_config_set(c, "bootstrap.servers", "127.0.0.1:1"));
    ok("security.protocol", kf_config_set(c, "security.protocol", "SASL_PLAINTEXT"));
    ok("sasl.mechanism", kf_config_set(c, "sasl.mechanism", "OAUTHBEARER"));
    ok("oauth_cb", kf_config_set_oauth_cb(c, run_oauth_body, NULL, NULL));
    oauth_body = body;
    oauth_ran = 0;
    kf_producer_t *p = kf_producer_new(c, &e);
    if (!p) fx_die("kf_producer_new (oauth)", e);
    for (int i = 0; i < 50 && !oauth_ran; i++) kf_error_destroy(kf_producer_poll(p, 100, NULL));
    if (!oauth_ran) fx_die("oauth_cb never ran", NULL);
}

void fx_admin_result_cb(void *opaque, kf_admin_result_t *result) {
    (void)opaque;
    kf_admin_result_destroy(result);
}
void fx_delivery_cb(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    (void)opaque;
    (void)msg;
    (void)err;
}
void fx_error_cb(void *opaque, const kf_error_t *err) {
    (void)opaque;
    (void)err;
}
void fx_free_fn(void *opaque) { (void)opaque; }
void fx_opaque_release_cb(void *opaque, void *released) {
    (void)opaque;
    (void)released;
}
void fx_throttle_cb(void *opaque, const kf_throttle_event_t *event) {
    (void)opaque;
    (void)event;
}
void fx_stats_cb(void *opaque, const char *json, size_t json_len) {
    (void)opaque;
    (void)json;
    (void)json_len;
}
void fx_oauth_cb(void *opaque, const char *oauthbearer_config, kf_oauth_token_t *token) {
    (void)opaque;
    (void)oauthbearer_config;
    kf_error_destroy(kf_oauth_token_fail(token, "abi test"));
}
void fx_commit_cb(void *opaque, const kf_error_t *err, const kf_topic_partition_list_t *offsets) {
    (void)opaque;
    (void)err;
    (void)offsets;
}
void fx_log_cb(void *opaque, int level, const char *facility, const char *message) {
    (void)opaque;
    (void)level;
    (void)facility;
    (void)message;
}
void fx_release(void *free_opaque, uint8_t *value) {
    (void)free_opaque;
    free(value);
}
int fx_serde_cb(void *opaque, const kf_serialization_context_t *ctx, const uint8_t *data,
                size_t len, kf_buffer_t *out) {
    (void)opaque;
    (void)ctx;
    kf_error_destroy(kf_buffer_set(out, data, len));
    return 0;
}
