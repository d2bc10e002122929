/*
 * admin.c: the admin client (Python's AdminClient) with kafkaffi.
 *
 *   admin [bootstrap.servers]
 *
 * Creates a topic, describes it and its configuration, alters a configuration entry
 * (incrementally) and shows the new value, lists the consumer groups (with the asynchronous
 * form and kf_admin_poll()), and deletes the topic. Each step prints what it got: every item of
 * a result has its own value or its own error.
 *
 * The cluster is the argument, else KAFKA_BOOTSTRAP_SERVERS, else an in-process mock cluster.
 * librdkafka's mock cluster implements few admin APIs (it has no controller): there the steps
 * print the per-item and per-request errors they end with, which a program must handle anyway.
 * Exits 0 when every step ran (whatever its items' errors), 1 on a failed call.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/admin.c -o admin -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kafkaffi.h"

/* Prints and frees a call's error; true when the call succeeded. */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

/* "ok" or the item's error, for printing. */
static const char *item_status(const kf_admin_result_t *res, size_t i, char *buf, size_t len) {
    const kf_error_t *err = kf_admin_result_item_error(res, i);
    if (err == NULL)
        return "ok";
    snprintf(buf, len, "%s (%s)", kf_error_name(err), kf_error_message(err));
    return buf;
}

/* Prints the request-level error (if any) and every item with its status. */
static void print_items(const char *step, const kf_admin_result_t *res) {
    char buf[512];
    const kf_error_t *req = kf_admin_result_error(res);
    size_t i, n = kf_admin_result_item_count(res);
    printf("%s: %zu item(s)%s%s\n", step, n, req != NULL ? ", request error: " : "",
           req != NULL ? kf_error_name(req) : "");
    for (i = 0; i < n; i++) {
        const char *name = kf_admin_result_item_name(res, i);
        printf("  %s: %s\n", name != NULL ? name : "(no name)", item_status(res, i, buf, sizeof buf));
    }
}

static const char *config_source_name(int source) {
    switch (source) {
    case KF_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG: return "dynamic topic config";
    case KF_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG: return "dynamic broker config";
    case KF_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG: return "dynamic default broker config";
    case KF_CONFIG_SOURCE_STATIC_BROKER_CONFIG: return "static broker config";
    case KF_CONFIG_SOURCE_DEFAULT_CONFIG: return "default";
    case KF_CONFIG_SOURCE_GROUP_CONFIG: return "group config";
    default: return "unknown";
    }
}

static const char *group_state_name(int state) {
    switch (state) {
    case KF_CONSUMER_GROUP_STATE_PREPARING_REBALANCE: return "preparing rebalance";
    case KF_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE: return "completing rebalance";
    case KF_CONSUMER_GROUP_STATE_STABLE: return "stable";
    case KF_CONSUMER_GROUP_STATE_DEAD: return "dead";
    case KF_CONSUMER_GROUP_STATE_EMPTY: return "empty";
    default: return "unknown";
    }
}

static void print_entry(const kf_config_entry_t *e) {
    const char *value = kf_config_entry_value(e);
    size_t s, n = kf_config_entry_synonym_count(e);
    printf("    %s = %s [%s%s%s%s]\n", kf_config_entry_name(e),
           value != NULL ? value : (kf_config_entry_is_sensitive(e) ? "(sensitive)" : "(null)"),
           config_source_name(kf_config_entry_source(e)),
           kf_config_entry_is_default(e) ? ", default" : "",
           kf_config_entry_is_read_only(e) ? ", read-only" : "",
           kf_config_entry_is_sensitive(e) ? ", sensitive" : "");
    for (s = 0; s < n; s++) {
        const kf_config_entry_t *syn = kf_config_entry_synonym(e, s);
        const char *sv = kf_config_entry_value(syn);
        printf("      synonym %s = %s [%s]\n", kf_config_entry_name(syn), sv != NULL ? sv : "(null)",
               config_source_name(kf_config_entry_source(syn)));
    }
}

/* describe_configs of one topic: prints the entries that are not defaults, plus `key`. */
static bool describe_topic_config(kf_admin_t *admin, const char *topic, const char *key,
                                  const kf_admin_options_t *options) {
    kf_error_t *err = NULL;
    kf_admin_result_t *res = NULL;
    kf_config_resource_t *resource = kf_config_resource_new(KF_RESOURCE_TOPIC, topic, &err);
    size_t c, n;
    if (resource == NULL)
        return check(err, "kf_config_resource_new");
    if (!check(kf_admin_describe_configs(admin, (const kf_config_resource_t *const[]){resource}, 1,
                                         options, &res),
               "kf_admin_describe_configs")) {
        kf_config_resource_destroy(resource);
        return false;
    }
    kf_config_resource_destroy(resource); /* copied by the call */
    print_items("describe_configs", res);
    n = kf_admin_result_item_config_count(res, 0);
    printf("  %zu entries; not defaults, and %s:\n", n, key);
    for (c = 0; c < n; c++) {
        const kf_config_entry_t *e = kf_admin_result_item_config(res, 0, c);
        if (!kf_config_entry_is_default(e) || strcmp(kf_config_entry_name(e), key) == 0)
            print_entry(e);
    }
    kf_admin_result_destroy(res);
    return true;
}

/* The callback of kf_admin_list_consumer_groups_async(): runs inside kf_admin_poll(). The result
 * is handed over: the callback frees it. */
static void on_groups(void *opaque, kf_admin_result_t *res) {
    size_t i, n = kf_admin_result_item_count(res);
    const kf_error_t *req = kf_admin_result_error(res);
    char buf[512];
    *(bool *)opaque = true;
    printf("list_consumer_groups: %zu item(s)%s%s\n", n, req != NULL ? ", request error: " : "",
           req != NULL ? kf_error_name(req) : "");
    for (i = 0; i < n; i++) {
        const kf_consumer_group_listing_t *g = kf_admin_result_item_consumer_group_listing(res, i);
        if (g == NULL) { /* an error item: a broker that could not be asked */
            printf("  (error) %s\n", item_status(res, i, buf, sizeof buf));
            continue;
        }
        printf("  %s: %s, %s%s\n", kf_consumer_group_listing_group_id(g),
               group_state_name(kf_consumer_group_listing_state(g)),
               kf_consumer_group_listing_type(g) == KF_CONSUMER_GROUP_TYPE_CONSUMER ? "consumer protocol"
                                                                                    : "classic protocol",
               kf_consumer_group_listing_is_simple_consumer_group(g) ? ", simple" : "");
    }
    kf_admin_result_destroy(res);
}

int main(int argc, char **argv) {
    const char *bootstrap = argc > 1 ? argv[1] : getenv("KAFKA_BOOTSTRAP_SERVERS");
    kf_mock_cluster_t *mock = NULL;
    kf_config_t *conf = NULL;
    kf_admin_t *admin = NULL;
    kf_admin_options_t *options = NULL;
    kf_admin_result_t *res = NULL;
    kf_new_topic_t *nt = NULL;
    kf_config_resource_t *alter = NULL;
    kf_error_t *err = NULL;
    char topic[128];
    int status = 1;
    bool groups_done = false;
    size_t p;

    snprintf(topic, sizeof topic, "kafkaffi-admin-example-%ld", (long)time(NULL));
    if (bootstrap == NULL || *bootstrap == '\0') {
        mock = kf_mock_cluster_new(1, &err);
        if (mock == NULL)
            return check(err, "kf_mock_cluster_new") ? 0 : 1;
        bootstrap = kf_mock_cluster_bootstrap_servers(mock);
    }
    printf("cluster: %s (%s)\n", bootstrap, mock != NULL ? "mock" : "external");

    /* The admin client. The configuration is copied: free it right after. */
    conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "kf_config_set"))
        goto out;
    admin = kf_admin_new(conf, &err);
    if (admin == NULL) {
        check(err, "kf_admin_new");
        goto out;
    }
    /* Options for every call: a request timeout of 10 s (2 s on the mock cluster, where most
     * admin requests wait for a controller the mock does not have, and time out). */
    options = kf_admin_options_new();
    if (!check(kf_admin_options_set_request_timeout(options, mock != NULL ? 2000 : 10000),
               "kf_admin_options_set_request_timeout"))
        goto out;

    /* 1. create_topics: 3 partitions, one replica, retention of one hour. */
    nt = kf_new_topic_new(topic, 3, 1, &err);
    if (nt == NULL) {
        check(err, "kf_new_topic_new");
        goto out;
    }
    if (!check(kf_new_topic_set_config(nt, "retention.ms", "3600000"), "kf_new_topic_set_config"))
        goto out;
    if (mock != NULL && !check(kf_mock_cluster_topic_create(mock, topic, 3, 1), "mock topic_create"))
        goto out; /* the mock has no CreateTopics: it answers with an error below */
    if (!check(kf_admin_create_topics(admin, (const kf_new_topic_t *const[]){nt}, 1, options, &res),
               "kf_admin_create_topics"))
        goto out;
    print_items("create_topics", res);
    kf_admin_result_destroy(res);
    res = NULL;

    /* 2. describe_topics: partitions, leaders, replicas, in-sync replicas. */
    if (!check(kf_admin_describe_topics(admin, (const char *const[]){topic}, 1, options, &res),
               "kf_admin_describe_topics"))
        goto out;
    print_items("describe_topics", res);
    {
        const kf_topic_description_t *d = kf_admin_result_item_topic_description(res, 0);
        if (d != NULL) {
            const char *id = kf_topic_description_topic_id(d);
            printf("  topic id %s, %zu partitions\n", id != NULL ? id : "?",
                   kf_topic_description_partition_count(d));
            for (p = 0; p < kf_topic_description_partition_count(d); p++) {
                const kf_node_t *leader = kf_topic_description_partition_leader(d, p);
                printf("    partition %d: leader %d (%s:%d), %zu replica(s), %zu in sync\n",
                       kf_topic_description_partition_id(d, p), kf_node_id(leader),
                       leader != NULL ? kf_node_host(leader) : "-", kf_node_port(leader),
                       kf_topic_description_partition_replica_count(d, p),
                       kf_topic_description_partition_isr_count(d, p));
            }
        }
    }
    kf_admin_result_destroy(res);
    res = NULL;

    /* 3. describe_configs of the topic. */
    if (!describe_topic_config(admin, topic, "retention.ms", options))
        goto out;

    /* 4. incremental_alter_configs: retention.ms to two hours, then the new value. */
    alter = kf_config_resource_new(KF_RESOURCE_TOPIC, topic, &err);
    if (alter == NULL) {
        check(err, "kf_config_resource_new");
        goto out;
    }
    if (!check(kf_config_resource_add_incremental_config(alter, "retention.ms", KF_ALTER_CONFIG_OP_TYPE_SET,
                                                         "7200000"),
               "add_incremental_config"))
        goto out;
    if (!check(kf_admin_incremental_alter_configs(admin, (const kf_config_resource_t *const[]){alter}, 1,
                                                  options, &res),
               "kf_admin_incremental_alter_configs"))
        goto out;
    print_items("incremental_alter_configs", res);
    kf_admin_result_destroy(res);
    res = NULL;
    if (!describe_topic_config(admin, topic, "retention.ms", options))
        goto out;

    /* 5. list_consumer_groups, asynchronously: the result arrives in kf_admin_poll(). */
    if (!check(kf_admin_list_consumer_groups_async(admin, options, on_groups, &groups_done),
               "kf_admin_list_consumer_groups_async"))
        goto out;
    while (!groups_done) {
        if (!check(kf_admin_poll(admin, 1000, NULL), "kf_admin_poll"))
            goto out;
    }

    /* 6. delete_topics. */
    if (!check(kf_admin_delete_topics(admin, (const char *const[]){topic}, 1, options, &res),
               "kf_admin_delete_topics"))
        goto out;
    print_items("delete_topics", res);
    status = 0;

out:
    kf_admin_result_destroy(res);
    kf_config_resource_destroy(alter);
    kf_new_topic_destroy(nt);
    kf_admin_options_destroy(options);
    if (admin != NULL)
        check(kf_admin_destroy(admin), "kf_admin_destroy");
    kf_config_destroy(conf);
    kf_mock_cluster_destroy(mock); /* after the client that uses it */
    return status;
}
