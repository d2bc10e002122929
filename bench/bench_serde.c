/*
 * bench_serde.c: kafkaffi's schema-registry serdes (Avro, JSON Schema, Protobuf) through the C
 * ABI, records per second, serialize or deserialize; bench_serde.py does the same work with
 * confluent-kafka-python's serializers.
 *
 * One measurement per process, one JSON line on stdout (as bench_kafkaffi.c). The schema and
 * the record come from files in --dir (bench/serde/: user.avsc, user.schema.json, user.proto,
 * user.json), the same files bench_serde.py reads. The registry is kafkaffi's in-process
 * mock:// one; no Kafka cluster is involved.
 *
 * Steady state: the serializer first writes the record once (which registers the schema and
 * caches its id), the deserializer first reads it once (which fetches the writer's schema by
 * id and caches it); only the next --count calls are timed. The record is given as JSON text
 * (kafkaffi's input for all three formats) and read back as JSON text; with --binary (Protobuf
 * only: "record.format": "binary"), as the message's binary encoding instead (what a C caller
 * holding an encoded message hands over: the one record.format=json writes, taken from the
 * wire bytes of the first record).
 *
 *   bench_serde --format avro|json|protobuf --direction serialize|deserialize --count N
 *               [--binary 1] [--dir bench/serde] [--topic NAME]
 */
#define _GNU_SOURCE

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "kafkaffi.h"

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bench_serde: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void check(kf_error_t *err, const char *what) {
    if (err)
        die("%s: %s: %s", what, kf_error_name(err), kf_error_message(err));
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The whole file as a NUL-terminated string. */
static char *read_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n)
        die("cannot read %s", path);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void usage(const char *prog) {
    fprintf(stderr,
            "usage: %s --format avro|json|protobuf --direction serialize|deserialize --count N\n"
            "          [--dir DIR (default bench/serde)] [--topic NAME]\n",
            prog);
    exit(2);
}

int main(int argc, char **argv) {
    const char *format = NULL, *direction = NULL, *dir = "bench/serde", *topic = "bench-serde";
    long count = 0;
    int binary = 0;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage(argv[0]);
        const char *a = argv[i], *v = argv[++i];
        if (!strcmp(a, "--format"))
            format = v;
        else if (!strcmp(a, "--direction"))
            direction = v;
        else if (!strcmp(a, "--count"))
            count = atol(v);
        else if (!strcmp(a, "--dir"))
            dir = v;
        else if (!strcmp(a, "--topic"))
            topic = v;
        else if (!strcmp(a, "--binary"))
            binary = atoi(v);
        else
            usage(argv[0]);
    }
    if (!format || !direction || count <= 0)
        usage(argv[0]);
    int serialize = !strcmp(direction, "serialize");
    if (!serialize && strcmp(direction, "deserialize") != 0)
        usage(argv[0]);
    if (binary && strcmp(format, "protobuf") != 0)
        die("--binary applies to --format protobuf only");

    /* A registry of its own: a fresh mock:// URL, as bench_serde.py's. */
    char conf[256];
    snprintf(conf, sizeof conf, "{\"url\": \"mock://bench-serde-%ld\"}", (long)now_ns());
    kf_error_t *err = NULL;
    kf_schema_registry_t *client = kf_schema_registry_new(conf, &err);
    check(err, "kf_schema_registry_new");

    char *record = read_file(dir, "user.json");
    char *schema = NULL;
    kf_serializer_t *ser = NULL;
    kf_deserializer_t *de = NULL;
    kf_serializer_t *bser = NULL; /* --binary: "record.format": "binary" */
    kf_deserializer_t *bde = NULL;
    if (!strcmp(format, "avro")) {
        schema = read_file(dir, "user.avsc");
        ser = kf_avro_serializer_new(client, schema, NULL, &err);
        check(err, "kf_avro_serializer_new");
        de = kf_avro_deserializer_new(client, NULL, NULL, &err);
        check(err, "kf_avro_deserializer_new");
    } else if (!strcmp(format, "json")) {
        schema = read_file(dir, "user.schema.json");
        ser = kf_json_schema_serializer_new(client, schema, NULL, &err);
        check(err, "kf_json_schema_serializer_new");
        de = kf_json_schema_deserializer_new(client, schema, NULL, &err);
        check(err, "kf_json_schema_deserializer_new");
    } else if (!strcmp(format, "protobuf")) {
        schema = read_file(dir, "user.proto");
        ser = kf_protobuf_serializer_new(client, schema, "bench.User", NULL, &err);
        check(err, "kf_protobuf_serializer_new");
        de = kf_protobuf_deserializer_new(client, NULL, &err);
        check(err, "kf_protobuf_deserializer_new");
        if (binary) {
            const char *bin = "{\"record.format\": \"binary\"}";
            bser = kf_protobuf_serializer_new(client, schema, "bench.User", bin, &err);
            check(err, "kf_protobuf_serializer_new (binary)");
            bde = kf_protobuf_deserializer_new(client, bin, &err);
            check(err, "kf_protobuf_deserializer_new (binary)");
        }
    } else {
        usage(argv[0]);
    }

    kf_serializer_t *json_ser = ser;
    kf_deserializer_t *json_de = de;
    kf_serialization_context_t ctx = {sizeof(kf_serialization_context_t), topic, KF_MESSAGE_FIELD_VALUE, NULL};
    size_t record_len = strlen(record);
    while (record_len && (record[record_len - 1] == '\n' || record[record_len - 1] == ' '))
        record[--record_len] = '\0';
    kf_buffer_t *wire = kf_buffer_new();
    kf_buffer_t *back = kf_buffer_new();

    /* Untimed: the first record registers the schema; the first read fetches it by id. */
    check(kf_serializer_serialize(ser, &ctx, (const uint8_t *)record, record_len, wire),
          "first serialize");
    size_t wire_len = 0;
    const uint8_t *wire_data = kf_buffer_data(wire, &wire_len);
    if (!wire_data || wire_len < 6 || wire_data[0] != 0)
        die("the serialized record is not in the Confluent wire format");
    check(kf_deserializer_deserialize(de, &ctx, wire_data, wire_len, back), "first deserialize");
    size_t back_len = 0;
    const uint8_t *back_data = kf_buffer_data(back, &back_len);
    if (!back_data || back_len < 2 || back_data[0] != '{')
        die("the deserialized record is not a JSON object");
    /* --binary: the input is the message's encoding (the wire bytes after the magic byte, the
     * schema id and the message index [0], a single 0 byte), and so is the output. */
    const uint8_t *input = (const uint8_t *)record;
    size_t input_len = record_len;
    if (binary) {
        if (wire_len < 6 || wire_data[5] != 0)
            die("unexpected Protobuf message indexes");
        input = wire_data + 6;
        input_len = wire_len - 6;
        kf_buffer_t *check_buf = kf_buffer_new();
        check(kf_serializer_serialize(bser, &ctx, input, input_len, check_buf),
              "binary serialize");
        size_t n = 0;
        const uint8_t *d = kf_buffer_data(check_buf, &n);
        if (n != wire_len || memcmp(d, wire_data, n) != 0)
            die("record.format=binary wrote other bytes than record.format=json");
        check(kf_deserializer_deserialize(bde, &ctx, wire_data, wire_len, back),
              "binary deserialize");
        back_data = kf_buffer_data(back, &back_len);
        if (back_len != input_len || memcmp(back_data, input, input_len) != 0)
            die("record.format=binary read other bytes than were written");
        kf_buffer_destroy(check_buf);
        ser = bser;
        de = bde;
    }
    if (getenv("BENCH_SERDE_VERBOSE"))
        fprintf(stderr, "record in: %s\nrecord out: %.*s\nwire: %zu bytes\n", record,
                (int)back_len, (const char *)back_data, wire_len);

    /* The timed loop: `count` calls, each writing its result into the same buffer (as a
     * caller reusing its buffer would). */
    kf_buffer_t *out = kf_buffer_new();
    size_t total = 0;
    int64_t t0 = now_ns();
    if (serialize) {
        for (long i = 0; i < count; i++) {
            check(kf_serializer_serialize(ser, &ctx, input, input_len, out), "serialize");
            size_t n = 0;
            kf_buffer_data(out, &n);
            total += n;
        }
    } else {
        for (long i = 0; i < count; i++) {
            check(kf_deserializer_deserialize(de, &ctx, wire_data, wire_len, out),
                  "deserialize");
            size_t n = 0;
            kf_buffer_data(out, &n);
            total += n;
        }
    }
    double seconds = (double)(now_ns() - t0) / 1e9;
    size_t expect = serialize ? wire_len : back_len;
    if (total != expect * (size_t)count)
        die("the outputs changed size during the run (%zu bytes, expected %zu x %ld)", total,
            expect, count);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"contender\":\"kafkaffi\",\"test\":\"serde\",\"format\":\"%s\",\"direction\":\"%s\","
           "\"record_format\":\"%s\",\"client\":\"kafkaffi %s\",\"msgs\":%ld,"
           "\"seconds\":%.6f,\"msg_per_s\":%.1f,"
           "\"wire_bytes\":%zu,\"wire_hex\":\"",
           format, direction, binary ? "binary" : "json", kf_version(), count, seconds,
           (double)count / (seconds > 0 ? seconds : 1e-9), wire_len);
    for (size_t i = 0; i < wire_len; i++)
        printf("%02x", wire_data[i]);
    printf("\",\"rss_kib\":%ld}\n", ru.ru_maxrss);
    fflush(stdout);

    kf_buffer_destroy(out);
    kf_buffer_destroy(back);
    kf_buffer_destroy(wire);
    if (binary) { /* ser and de are bser and bde: the JSON ones are the originals below */
        kf_serializer_destroy(bser);
        kf_deserializer_destroy(bde);
    }
    kf_serializer_destroy(json_ser);
    kf_deserializer_destroy(json_de);
    kf_schema_registry_destroy(client);
    free(schema);
    free(record);
    return 0;
}
