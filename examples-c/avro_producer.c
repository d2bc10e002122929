/*
 * avro_producer.c: produce Avro records with kafkaffi and a Schema Registry.
 *
 *   avro_producer [topic] [count]
 *
 * Produces `count` (default 5) "User" records to `topic` (default "kafkaffi-avro-example") in
 * the Confluent wire format (magic byte, schema id, Avro binary), the way Python's
 * SerializingProducer with an AvroSerializer does:
 *
 *   - The value serializer is an Avro serializer (kf_avro_serializer_new) wrapped in a to_dict
 *     hook (kf_to_dict_serializer_new): the program hands over a C struct (user_t), the
 *     hook turns it into the JSON text the Avro serializer takes. The first record registers
 *     the schema under the subject "<topic>-value"; later records send no registry request.
 *   - The key is an Avro "string", given as JSON text ("\"user-1\"").
 *
 * Where it runs: KAFKA_BOOTSTRAP_SERVERS and SCHEMA_REGISTRY_URL name a real cluster and
 * registry; when unset, an in-process mock cluster (one broker) and an in-process mock://
 * registry are used, so the example runs anywhere. Exits 0 when every record was delivered.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/avro_producer.c -o avro_producer -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafkaffi.h"

#define FLUSH_TIMEOUT_MS 30000

/* The record's Avro schema. favorite_number and favorite_color are optional (null unions). */
static const char USER_SCHEMA[] =
    "{\"type\": \"record\", \"name\": \"User\", \"namespace\": \"example.avro\", \"fields\": ["
    "{\"name\": \"name\", \"type\": \"string\"},"
    "{\"name\": \"favorite_number\", \"type\": [\"null\", \"int\"], \"default\": null},"
    "{\"name\": \"favorite_color\", \"type\": [\"null\", \"string\"], \"default\": null}]}";

/* The application's own representation of a record. */
typedef struct {
    const char *name;
    int favorite_number;        /* < 0: none (null) */
    const char *favorite_color; /* NULL: none */
} user_t;

/* Prints a failed call's error and frees it. Returns true when `err` was NULL (success). */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

/*
 * The to_dict hook (Python's to_dict): gets the bytes given to produce (here a user_t) and
 * writes the record's JSON text into `out`. Avro unions are {"<branch>": value} in kafkaffi's
 * JSON mapping, null as null. The strings of this example need no JSON escaping. Runs on the
 * thread that calls kf_serializing_producer_produce().
 */
static int user_to_dict(void *opaque, const kf_serialization_context_t *ctx, const uint8_t *data,
                        size_t len, kf_buffer_t *out) {
    const user_t *u = (const user_t *)data;
    char json[512], number[32], color[128];
    int n;
    kf_error_t *err;

    (void)opaque, (void)ctx;
    if (len != sizeof(user_t)) {
        static const char why[] = "expected a user_t";
        err = kf_buffer_set(out, (const uint8_t *)why, sizeof why - 1);
        kf_error_destroy(err);
        return 1; /* a ValueSerializationError carrying `why` */
    }
    if (u->favorite_number < 0)
        snprintf(number, sizeof number, "null");
    else
        snprintf(number, sizeof number, "{\"int\": %d}", u->favorite_number);
    if (u->favorite_color == NULL)
        snprintf(color, sizeof color, "null");
    else
        snprintf(color, sizeof color, "{\"string\": \"%s\"}", u->favorite_color);
    n = snprintf(json, sizeof json,
                 "{\"name\": \"%s\", \"favorite_number\": %s, \"favorite_color\": %s}", u->name,
                 number, color);
    if (n < 0 || (size_t)n >= sizeof json)
        return 1;
    return check(kf_buffer_set(out, (const uint8_t *)json, (size_t)n), "kf_buffer_set") ? 0 : 1;
}

/* Delivery reports, counted on the thread that polls/flushes (this program's only thread). */
typedef struct {
    long delivered;
    long failed;
} delivery_stats_t;

static void on_delivery(void *opaque, const kf_message_t *msg, const kf_error_t *err) {
    delivery_stats_t *stats = opaque;
    if (err == NULL) {
        stats->delivered++;
        printf("delivered to partition %d at offset %lld\n", (int)kf_message_partition(msg),
               (long long)kf_message_offset(msg));
        return;
    }
    stats->failed++;
    fprintf(stderr, "delivery failed: %s: %s\n", kf_error_name(err), kf_error_message(err));
}

int main(int argc, char **argv) {
    static const char *const colors[] = {"red", NULL, "green", "blue"};
    const char *topic = argc > 1 ? argv[1] : "kafkaffi-avro-example";
    long count = argc > 2 ? atol(argv[2]) : 5;
    const char *bootstrap = getenv("KAFKA_BOOTSTRAP_SERVERS");
    const char *registry_url = getenv("SCHEMA_REGISTRY_URL");
    kf_mock_cluster_t *mock = NULL;
    kf_schema_registry_t *registry = NULL;
    kf_serializer_t *avro_value = NULL, *value_ser = NULL, *key_ser = NULL;
    kf_serializing_producer_t *producer = NULL;
    kf_config_t *conf = NULL;
    kf_error_t *err = NULL;
    delivery_stats_t stats = {0, 0};
    char registry_conf[512];
    size_t remaining = 0;
    int status = 1;
    long i;

    /* 1. The cluster: the real one, or an in-process mock cluster with the topic created. */
    if (bootstrap == NULL || bootstrap[0] == '\0') {
        mock = kf_mock_cluster_new(1, &err);
        if (!check(err, "kf_mock_cluster_new"))
            return 1;
        bootstrap = kf_mock_cluster_bootstrap_servers(mock);
        if (!check(kf_mock_cluster_topic_create(mock, topic, 1, 1), "kf_mock_cluster_topic_create"))
            goto out;
    }
    /* 2. The Schema Registry client: the real registry, or an in-process mock:// one. */
    if (registry_url == NULL || registry_url[0] == '\0')
        registry_url = "mock://avro-example";
    snprintf(registry_conf, sizeof registry_conf, "{\"url\": \"%s\"}", registry_url);
    registry = kf_schema_registry_new(registry_conf, &err);
    if (!check(err, "kf_schema_registry_new"))
        goto out;
    printf("cluster %s, registry %s, topic %s\n", bootstrap, registry_url, topic);

    /* 3. The serializers: Avro for the key ("string") and the value (User, via to_dict). */
    key_ser = kf_avro_serializer_new(registry, "\"string\"", NULL, &err);
    if (!check(err, "kf_avro_serializer_new (key)"))
        goto out;
    avro_value = kf_avro_serializer_new(registry, USER_SCHEMA, NULL, &err);
    if (!check(err, "kf_avro_serializer_new (value)"))
        goto out;
    value_ser = kf_to_dict_serializer_new(avro_value, user_to_dict, NULL, NULL, &err);
    if (!check(err, "kf_to_dict_serializer_new"))
        goto out;

    /* 4. The producer. It keeps its own references to the serializers. */
    conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "kf_config_set") ||
        !check(kf_config_set_delivery_cb(conf, on_delivery, &stats, NULL),
               "kf_config_set_delivery_cb"))
        goto out;
    producer = kf_serializing_producer_new(conf, key_ser, value_ser, &err);
    if (!check(err, "kf_serializing_producer_new"))
        goto out;

    /* 5. Produce: the key as JSON text, the value as a user_t handed to the to_dict hook. */
    for (i = 0; i < count; i++) {
        char name[32], key[40];
        user_t user;
        snprintf(name, sizeof name, "user-%ld", i);
        snprintf(key, sizeof key, "\"%s\"", name);
        user.name = name;
        user.favorite_number = i % 3 == 2 ? -1 : (int)(i * 7);
        user.favorite_color = colors[i % 4];
        err = kf_serializing_producer_produce(producer, topic, KF_PARTITION_UA,
                                              (const uint8_t *)key, strlen(key),
                                              (const uint8_t *)&user, sizeof user, NULL, 0, NULL,
                                              NULL);
        /* A serialization error (KF_ERR__VALUE_SERIALIZATION, ...) enqueues nothing. */
        if (!check(err, "kf_serializing_producer_produce"))
            goto out;
        check(kf_producer_poll(kf_serializing_producer_producer(producer), 0, NULL),
              "kf_producer_poll");
    }

    /* 6. Wait for every delivery report. */
    if (!check(kf_producer_flush(kf_serializing_producer_producer(producer), FLUSH_TIMEOUT_MS,
                                 &remaining),
               "kf_producer_flush"))
        goto out;
    printf("produced %ld Avro records: %ld delivered, %ld failed, %zu undelivered\n", count,
           stats.delivered, stats.failed, remaining);
    status = stats.delivered == count ? 0 : 1;

out:
    check(kf_serializing_producer_destroy(producer), "kf_serializing_producer_destroy");
    kf_config_destroy(conf);
    kf_serializer_destroy(value_ser);
    kf_serializer_destroy(avro_value);
    kf_serializer_destroy(key_ser);
    kf_schema_registry_destroy(registry);
    kf_mock_cluster_destroy(mock);
    return status;
}
