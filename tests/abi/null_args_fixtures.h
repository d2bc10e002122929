/* Valid values of every handle type kafkaffi.h takes, for the generated NULL-argument test
 * (tests/abi/gen_null_args.py). Each fx_ function makes its value on first use, in the forked
 * child that runs one function's cases, on an in-process mock cluster; nothing is freed (the
 * child exits). */
#ifndef KAFKAFFI_NULL_ARGS_FIXTURES_H
#define KAFKAFFI_NULL_ARGS_FIXTURES_H

#include "kafkaffi.h"

#define FX_TOPIC "abi-topic"
#define FX_GROUP "abi-group"
#define FX_SUBJECT "abi-topic-value"
#define FX_AVRO_SCHEMA "{\"type\":\"string\"}"
#define FX_JSON_SCHEMA "{\"type\":\"string\"}"
#define FX_PROTO_SCHEMA "syntax = \"proto3\"; package abi; message M { string s = 1; }"

/* Fails the current case (the child) with a message naming what could not be set up. */
void fx_die(const char *what, kf_error_t *err);

kf_mock_cluster_t *fx_mock(void);
kf_config_t *fx_config(void);          /* producer / admin config on the mock cluster */
kf_config_t *fx_consumer_config(void); /* the same plus group.id */
kf_config_t *fx_admin_config(void);    /* the same with a short socket.timeout.ms */
kf_producer_t *fx_producer(void);
kf_consumer_t *fx_consumer(void);
kf_admin_t *fx_admin(void);
kf_message_t *fx_message(void); /* consumed from the mock cluster: key, value, one header */
kf_message_batch_t *fx_message_batch(void); /* one consumed message */
extern kf_header_view_t fx_header_views[1]; /* room for one header view */
kf_headers_t *fx_headers(void);
kf_topic_partition_list_t *fx_tpl(void);
kf_metadata_t *fx_metadata(void);
kf_consumer_group_metadata_t *fx_cgmd(void);
kf_admin_options_t *fx_admin_options(void);
kf_admin_result_t *fx_admin_result(void); /* a describe_cluster result (real broker) */
const kf_topic_description_t *fx_topic_description(void);
const kf_cluster_description_t *fx_cluster_description(void);
const kf_consumer_group_description_t *fx_group_description(void);
kf_new_topic_t *fx_new_topic(void);
kf_new_partitions_t *fx_new_partitions(void);
kf_config_resource_t *fx_config_resource(void);
kf_acl_binding_t *fx_acl_binding(void);
kf_acl_binding_t *fx_acl_filter(void);
kf_user_scram_credential_alteration_t *fx_scram_alteration(void);
kf_error_t *fx_error(void);
kf_buffer_t *fx_buffer(void);
kf_schema_registry_t *fx_sr(void); /* mock:// */
kf_schema_t *fx_schema(void);
const char *fx_sr_config(void);   /* {"url": "mock://..."} */
const char *fx_serde_config(void); /* serializer config JSON (auto.register.schemas) */
const char *fx_avro_client_config(void); /* legacy Avro producer/consumer config JSON */
kf_serializer_t *fx_serializer(void);
kf_deserializer_t *fx_deserializer(void);
kf_serializing_producer_t *fx_serializing_producer(void);
kf_deserializing_consumer_t *fx_deserializing_consumer(void);
kf_avro_producer_t *fx_avro_producer(void);
const kf_serialization_context_t *fx_serde_ctx(void);
kf_string_list_t *fx_string_list(void);
kf_int32_list_t *fx_int32_list(void);
const kf_serde_value_t *fx_serde_value(void);
const kf_rebalance_callbacks_t *fx_rebalance_callbacks(void);
const kf_consumer_group_topic_partitions_t *fx_group_partitions(void);
kf_produce_message_t *fx_produce_messages(void);
kf_packed_message_t *fx_packed_messages(void); /* an array of 1 */
uint8_t *fx_zerocopy_value(void);                /* 1 byte, released by fx_release */

/* Runs `body` inside an oauth_cb, with the callback's token (valid only there). */
void fx_with_oauth_token(void (*body)(kf_oauth_token_t *token));

/* Callbacks of every callback type: they do nothing. */
void fx_admin_result_cb(void *opaque, kf_admin_result_t *result);
void fx_delivery_cb(void *opaque, const kf_message_t *msg, const kf_error_t *err);
void fx_error_cb(void *opaque, const kf_error_t *err);
void fx_free_fn(void *opaque);
void fx_opaque_release_cb(void *opaque, void *released);
void fx_throttle_cb(void *opaque, const kf_throttle_event_t *event);
void fx_stats_cb(void *opaque, const char *json, size_t json_len);
void fx_oauth_cb(void *opaque, const char *oauthbearer_config, kf_oauth_token_t *token);
void fx_commit_cb(void *opaque, const kf_error_t *err, const kf_topic_partition_list_t *offsets);
void fx_log_cb(void *opaque, int level, const char *facility, const char *message);
void fx_release(void *free_opaque, uint8_t *value);
int fx_serde_cb(void *opaque, const kf_serialization_context_t *ctx, const uint8_t *data,
                size_t len, kf_buffer_t *out);

extern int fx_opaque; /* a valid opaque pointer: &fx_opaque */

#endif
