/*
 * avro_consumer.c: consume Avro records with kafkaffi and a Schema Registry, print them as JSON.
 *
 *   avro_consumer [topic] [count]
 *
 * Reads `count` (default 5) records from the beginning of `topic` (default
 * "kafkaffi-avro-example", as written by avro_producer) with a DeserializingConsumer whose key
 * and value deserializers are Avro deserializers (kf_avro_deserializer_new): each one fetches
 * the writer's schema by the id in the message (once per id) and returns the record as JSON
 * text. Each record is printed on one line:
 *
 *   {"partition": 0, "offset": 3, "key": "user-3", "value": {"name": "user-3", ...}}
 *
 * A record that cannot be deserialized (not Avro, unknown schema id, ...) is reported on stderr
 * and skipped: the consumer goes on with the next one.
 *
 * Where it runs: KAFKA_BOOTSTRAP_SERVERS and SCHEMA_REGISTRY_URL name a real cluster and
 * registry. When unset, an in-process mock cluster and mock:// registry are used; as those
 * start empty, the program then first produces `count` sample records itself. Exits 0 when
 * `count` records were printed.
 *
 * Build, from the repository's root after the CMake build (README.md, "Linking"):
 *   cc -Iinclude examples-c/avro_consumer.c -o avro_consumer -Lbuild/lib -Wl,-rpath,"$PWD/build/lib" -lkafkaffi
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, getpid */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kafkaffi.h"

#define CONSUME_TIMEOUT_MS 30000

/* The schema of the sample records produced on the embedded cluster (as avro_producer's). */
static const char USER_SCHEMA[] =
    "{\"type\": \"record\", \"name\": \"User\", \"namespace\": \"example.avro\", \"fields\": ["
    "{\"name\": \"name\", \"type\": \"string\"},"
    "{\"name\": \"favorite_number\", \"type\": [\"null\", \"int\"], \"default\": null},"
    "{\"name\": \"favorite_color\", \"type\": [\"null\", \"string\"], \"default\": null}]}";

/* Prints a failed call's error and frees it. Returns true when `err` was NULL (success). */
static bool check(kf_error_t *err, const char *what) {
    if (err == NULL)
        return true;
    fprintf(stderr, "%s failed: %s: %s\n", what, kf_error_name(err), kf_error_message(err));
    kf_error_destroy(err);
    return false;
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The embedded cluster starts empty: produce `count` sample records (key and value as JSON
 * text, serialized by Avro serializers) so that there is something to consume.
 */
static bool produce_samples(const char *bootstrap, kf_schema_registry_t *registry,
                            const char *topic, long count) {
    kf_error_t *err = NULL;
    kf_config_t *conf = kf_config_new();
    kf_serializer_t *key_ser = kf_avro_serializer_new(registry, "\"string\"", NULL, &err);
    kf_serializer_t *value_ser = NULL;
    kf_serializing_producer_t *producer = NULL;
    size_t remaining = 1;
    bool ok = false;
    long i;

    if (!check(err, "kf_avro_serializer_new (key)"))
        goto out;
    value_ser = kf_avro_serializer_new(registry, USER_SCHEMA, NULL, &err);
    if (!check(err, "kf_avro_serializer_new (value)") ||
        !check(kf_config_set(conf, "bootstrap.servers", bootstrap), "kf_config_set"))
        goto out;
    producer = kf_serializing_producer_new(conf, key_ser, value_ser, &err);
    if (!check(err, "kf_serializing_producer_new"))
        goto out;
    for (i = 0; i < count; i++) {
        char key[40], value[160];
        snprintf(key, sizeof key, "\"user-%ld\"", i);
        snprintf(value, sizeof value,
                 "{\"name\": \"user-%ld\", \"favorite_number\": {\"int\": %ld}, "
                 "\"favorite_color\": null}",
                 i, i * 7);
        if (!check(kf_serializing_producer_produce(producer, topic, KF_PARTITION_UA,
                                                   (const uint8_t *)key, strlen(key),
                                                   (const uint8_t *)value, strlen(value), NULL,
                                                   0, NULL, NULL),
                   "kf_serializing_producer_produce"))
            goto out;
    }
    ok = check(kf_producer_flush(kf_serializing_producer_producer(producer), 10000, &remaining),
               "kf_producer_flush") &&
         remaining == 0;
    printf("produced %ld sample records to the embedded cluster\n", count);
out:
    check(kf_serializing_producer_destroy(producer), "kf_serializing_producer_destroy");
    kf_serializer_destroy(value_ser);
    kf_serializer_destroy(key_ser);
    kf_config_destroy(conf);
    return ok;
}

/* Prints one deserialized record as a JSON line: the key and value buffers hold JSON text. */
static void print_record(const kf_deserialized_message_t *m) {
    const kf_message_t *msg = kf_deserialized_message_message(m);
    const uint8_t *key = kf_buffer_data(kf_deserialized_message_key(m), NULL);
    const uint8_t *value = kf_buffer_data(kf_deserialized_message_value(m), NULL);
    /* A null key or value is a null buffer (NULL data): print JSON null. The data of a
     * non-null buffer is followed by a NUL byte, so it can be printed as a C string. */
    printf("{\"partition\": %d, \"offset\": %lld, \"key\": %s, \"value\": %s}\n",
           (int)kf_message_partition(msg), (long long)kf_message_offset(msg),
           key != NULL ? (const char *)key : "null", value != NULL ? (const char *)value : "null");
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *topic = argc > 1 ? argv[1] : "kafkaffi-avro-example";
    long count = argc > 2 ? atol(argv[2]) : 5;
    const char *bootstrap = getenv("KAFKA_BOOTSTRAP_SERVERS");
    const char *registry_url = getenv("SCHEMA_REGISTRY_URL");
    const char *topics[1];
    kf_mock_cluster_t *mock = NULL;
    kf_schema_registry_t *registry = NULL;
    kf_deserializer_t *key_de = NULL, *value_de = NULL;
    kf_deserializing_consumer_t *consumer = NULL;
    kf_config_t *conf = NULL;
    kf_error_t *err = NULL;
    char registry_conf[512], group[64];
    long printed = 0;
    int64_t deadline;
    int status = 1;

    /* 1. The registry client: the real registry, or an in-process mock:// one. */
    if (registry_url == NULL || registry_url[0] == '\0')
        registry_url = "mock://avro-example";
    snprintf(registry_conf, sizeof registry_conf, "{\"url\": \"%s\"}", registry_url);
    registry = kf_schema_registry_new(registry_conf, &err);
    if (!check(err, "kf_schema_registry_new"))
        return 1;

    /* 2. The cluster: the real one, or a mock cluster seeded with sample records. */
    if (bootstrap == NULL || bootstrap[0] == '\0') {
        mock = kf_mock_cluster_new(1, &err);
        if (!check(err, "kf_mock_cluster_new"))
            goto out;
        bootstrap = kf_mock_cluster_bootstrap_servers(mock);
        if (!check(kf_mock_cluster_topic_create(mock, topic, 1, 1),
                   "kf_mock_cluster_topic_create") ||
            !produce_samples(bootstrap, registry, topic, count))
            goto out;
    }
    printf("cluster %s, registry %s, topic %s\n", bootstrap, registry_url, topic);

    /* 3. The deserializers: the writer's schema is fetched by id; no reader schema here. */
    key_de = kf_avro_deserializer_new(registry, NULL, NULL, &err);
    if (!check(err, "kf_avro_deserializer_new (key)"))
        goto out;
    value_de = kf_avro_deserializer_new(registry, NULL, NULL, &err);
    if (!check(err, "kf_avro_deserializer_new (value)"))
        goto out;

    /* 4. The consumer: a new group reading from the earliest offset. */
    snprintf(group, sizeof group, "avro-consumer-example-%ld", (long)getpid());
    conf = kf_config_new();
    if (!check(kf_config_set(conf, "bootstrap.servers", bootstrap), "kf_config_set") ||
        !check(kf_config_set(conf, "group.id", group), "kf_config_set") ||
        !check(kf_config_set(conf, "auto.offset.reset", "earliest"), "kf_config_set"))
        goto out;
    consumer = kf_deserializing_consumer_new(conf, key_de, value_de, &err);
    if (!check(err, "kf_deserializing_consumer_new"))
        goto out;
    topics[0] = topic;
    if (!check(kf_consumer_subscribe(kf_deserializing_consumer_consumer(consumer), topics, 1,
                                     NULL),
               "kf_consumer_subscribe"))
        goto out;

    /* 5. Poll until `count` records were printed or the time is up. */
    deadline = now_ms() + CONSUME_TIMEOUT_MS;
    while (printed < count && now_ms() < deadline) {
        kf_deserialized_message_t *m = NULL;
        err = kf_deserializing_consumer_poll(consumer, 200, &m);
        if (m == NULL) { /* nothing yet, or the poll itself failed */
            check(err, "kf_deserializing_consumer_poll");
            continue;
        }
        if (err != NULL) {
            /* A KEY/VALUE_DESERIALIZATION error: the message (raw bytes) still came back. */
            const kf_message_t *msg = kf_deserialized_message_message(m);
            fprintf(stderr, "skipping the record at partition %d offset %lld: %s\n",
                    (int)kf_message_partition(msg), (long long)kf_message_offset(msg),
                    kf_error_message(err));
            kf_error_destroy(err);
        } else if (kf_message_error_code(kf_deserialized_message_message(m)) != KF_ERR_NO_ERROR) {
            /* A consumer event (e.g. partition EOF), not a record. */
        } else {
            print_record(m);
            printed++;
        }
        kf_deserialized_message_destroy(m);
    }
    printf("consumed %ld Avro records\n", printed);
    status = printed == count ? 0 : 1;

out:
    if (consumer != NULL) {
        check(kf_consumer_close(kf_deserializing_consumer_consumer(consumer), -1), "kf_consumer_close");
        check(kf_deserializing_consumer_destroy(consumer), "kf_deserializing_consumer_destroy");
    }
    kf_config_destroy(conf);
    kf_deserializer_destroy(value_de);
    kf_deserializer_destroy(key_de);
    kf_schema_registry_destroy(registry);
    kf_mock_cluster_destroy(mock);
    return status;
}
