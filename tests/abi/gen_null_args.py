#!/usr/bin/env python3
"""Generates the NULL-argument ABI test from include/kafkaffi.abi.json (the description of
include/kafkaffi.h that tools/abi_json.rs generates; tests/abi_json.rs keeps it in step).

    gen_null_args.py <kafkaffi.abi.json> <out.c>

For every function the header declares and every pointer parameter it takes (data pointers,
callbacks and opaques alike), the generated program calls the function with NULL in that
parameter and a valid value in every other one, and checks the outcome:

  - returns kf_error_t *            -> an error with code KF_ERR__INVALID_ARG
  - returns a handle, has err_out   -> NULL, with *err_out set to KF_ERR__INVALID_ARG
  - any other return                -> its documented sentinel (NULL, 0, -1, false, ...)
  - void                            -> nothing but not crashing (the documented no-op)

unless the ABI description says NULL is a valid value of that parameter ("nullable": true,
from the header's `Nullable:` doc lines and conventions such as _destroy(NULL)), in which case
any outcome passes but a crash, a hang, or an error that refuses that very argument
(KF_ERR__INVALID_ARG "<param> is NULL").

Each function's cases run in a forked child (a crash or a 30 s hang is a failure naming the
function and the argument; the next cases still run), and the child builds the valid values
it needs itself (null_args_fixtures.c), on an in-process mock cluster.

The tables below say how to make a valid value of each parameter. A function whose parameter
the tables do not cover makes the generator fail, listing everything it could not handle, so a
new function cannot go untested: extend the tables (and null_args_fixtures.c) instead.
"""
import json
import re
import sys

# ---- Valid values -----------------------------------------------------------------------------
# By type (with or without a leading const). Values are C expressions.
HANDLES = {
    "kf_config_t *": "fx_config()",
    "kf_producer_t *": "fx_producer()",
    "kf_consumer_t *": "fx_consumer()",
    "kf_admin_t *": "fx_admin()",
    "kf_mock_cluster_t *": "fx_mock()",
    "kf_message_t *": "fx_message()",
    "kf_message_batch_t *": "fx_message_batch()",
    "kf_header_view_t *": "fx_header_views",
    "kf_headers_t *": "fx_headers()",
    "kf_topic_partition_list_t *": "fx_tpl()",
    "kf_metadata_t *": "fx_metadata()",
    "kf_consumer_group_metadata_t *": "fx_cgmd()",
    "kf_admin_options_t *": "fx_admin_options()",
    "kf_admin_result_t *": "fx_admin_result()",
    "kf_topic_description_t *": "fx_topic_description()",
    "kf_cluster_description_t *": "fx_cluster_description()",
    "kf_consumer_group_description_t *": "fx_group_description()",
    "kf_new_topic_t *": "fx_new_topic()",
    "kf_new_partitions_t *": "fx_new_partitions()",
    "kf_config_resource_t *": "fx_config_resource()",
    "kf_acl_binding_t *": "fx_acl_binding()",
    "kf_user_scram_credential_alteration_t *": "fx_scram_alteration()",
    "kf_error_t *": "fx_error()",
    "kf_buffer_t *": "fx_buffer()",
    "kf_schema_registry_t *": "fx_sr()",
    "kf_string_list_t *": "fx_string_list()",
    "kf_int32_list_t *": "fx_int32_list()",
    "kf_schema_t *": "fx_schema()",
    "kf_serializer_t *": "fx_serializer()",
    "kf_deserializer_t *": "fx_deserializer()",
    "kf_serializing_producer_t *": "fx_serializing_producer()",
    "kf_deserializing_consumer_t *": "fx_deserializing_consumer()",
    "kf_avro_producer_t *": "fx_avro_producer()",
    "kf_serialization_context_t *": "fx_serde_ctx()",
    "kf_serde_value_t *": "fx_serde_value()",
    "kf_rebalance_callbacks_t *": "fx_rebalance_callbacks()",
    "kf_consumer_group_topic_partitions_t *": "fx_group_partitions()",
    "kf_produce_message_t *": "fx_produce_messages()",
    "kf_packed_message_t *": "fx_packed_messages()",
    "void *": "&fx_opaque",
    # arrays of one element
    "const char *const *": "fx_str_array",
    "kf_new_topic_t *const *": "ARRAY1(const kf_new_topic_t *, fx_new_topic())",
    "kf_new_partitions_t *const *": "ARRAY1(const kf_new_partitions_t *, fx_new_partitions())",
    "kf_config_resource_t *const *": "ARRAY1(const kf_config_resource_t *, fx_config_resource())",
    "kf_acl_binding_t *const *": "ARRAY1(const kf_acl_binding_t *, fx_acl_binding())",
    "kf_user_scram_credential_alteration_t *const *":
        "ARRAY1(const kf_user_scram_credential_alteration_t *, fx_scram_alteration())",
    "int32_t *": "fx_int32_array",
    "int *": "fx_int_array",
}
# Handles that exist only inside a callback: the case body runs there.
SCOPED = {"kf_oauth_token_t *": "fx_with_oauth_token"}
# Callback types: a no-op callback of that type.
CALLBACKS = {
    "kf_admin_result_cb": "fx_admin_result_cb",
    "kf_delivery_cb": "fx_delivery_cb",
    "kf_error_cb": "fx_error_cb",
    "kf_free_fn": "fx_free_fn",
    "kf_opaque_release_cb": "fx_opaque_release_cb",
    "kf_throttle_cb": "fx_throttle_cb",
    "kf_stats_cb": "fx_stats_cb",
    "kf_oauth_cb": "fx_oauth_cb",
    "kf_commit_cb": "fx_commit_cb",
    "kf_log_cb": "fx_log_cb",
    "kf_release_fn": "fx_release",
    "kf_serde_cb": "fx_serde_cb",
}
# Strings, by parameter name.
STRINGS = {
    "topic": "FX_TOPIC", "name": '"abi-name"', "value": '"abi-value"', "key": '"client.id"',
    "username": '"abi-user"', "password": '"abi-secret"', "principal": '"User:abi"',
    "host": '"*"', "user": '"abi-user"', "token_value": '"abi.token.value"',
    "reason": '"abi reason"', "codec": '"utf_8"', "config_json": "fx_serde_config()",
    "group": '"KF_ERR"', "group_id": '"abi-group"', "schema_str": "FX_AVRO_SCHEMA", "reader_schema_str": "FX_AVRO_SCHEMA",
    "subject": "FX_SUBJECT", "level": '"BACKWARD"', "key_type": '"group"', "json": '"{}"',
    "default_key_schema": "FX_AVRO_SCHEMA", "default_value_schema": "FX_AVRO_SCHEMA",
    "reader_key_schema": "FX_AVRO_SCHEMA", "reader_value_schema": "FX_AVRO_SCHEMA",
    "key_schema": "FX_AVRO_SCHEMA", "value_schema": "FX_AVRO_SCHEMA",
}
# Byte buffers (followed by their length parameter), by name.
BYTES = {"key", "value", "data", "password", "salt", "metadata", "bytes"}
# Scalars, by parameter name (any integer, bool or floating type).
SCALARS = {
    "timeout_ms": "1000", "partition": "0", "count": "1", "topic_count": "1",
    "extension_count": "1", "num_partitions": "1", "replication_factor": "1",
    "partition_count": "1", "broker_count": "1", "new_total_count": "2",
    "new_partition_index": "0", "broker_id": "1", "api_key": "0", "error": "0",
    "rtt_ms": "0", "i": "0", "c": "0", "s": "0", "p": "0", "r": "0", "t": "0", "b": "0",
    "n": "0", "m": "0", "a": "0", "index": "0", "initial_capacity": "1", "capacity": "1",
    "offset": "0", "leader_epoch": "0", "timestamp_ms": "0", "lifetime_ms": "4102444800000",
    "in_queue": "1", "in_flight": "1", "blocking": "0", "asynchronous": "0", "cached": "1",
    "validate_only": "1", "include": "1", "require_stable": "1",
    "isolation_level": "KF_ISOLATION_LEVEL_READ_COMMITTED", "restype": "KF_RESOURCE_TOPIC",
    "resource_pattern_type": "KF_RESOURCE_PATTERN_LITERAL",
    "operation": "KF_ACL_OPERATION_READ", "permission_type": "KF_ACL_PERMISSION_TYPE_ALLOW",
    "op_type": "KF_ALTER_CONFIG_OP_TYPE_SET", "mechanism": "KF_SCRAM_MECHANISM_SHA_256",
    "iterations": "4096", "election_type": "KF_ELECTION_TYPE_PREFERRED", "id": "1",
    "version": "1", "schema_type": "KF_SCHEMA_TYPE_AVRO", "normalize": "0", "permanent": "0",
    "max_messages": "1", "code": "KF_ERR__INVALID_ARG", "value": "1",
    "headers_cap": "0", "view_size": "sizeof(kf_message_view_t)", "flags": "0",
}
# _out structs that start with `size_t size`: the local is zeroed and its size set.
SIZED_OUT = {"kf_message_view_t", "kf_error_info_t"}
# Per-function values that differ from the tables above: (function, parameter) -> expression.
OVERRIDES = {
    ("kf_consumer_new", "config"): "fx_consumer_config()",
    ("kf_deserializing_consumer_new", "config"): "fx_consumer_config()",
    ("kf_avro_consumer_new", "base"): "fx_consumer_config()",
    ("kf_avro_producer_new", "base"): "fx_config()",
    ("kf_avro_producer_new", "config_json"): "fx_avro_client_config()",
    ("kf_avro_consumer_new", "config_json"): "fx_avro_client_config()",
    ("kf_schema_registry_new", "config_json"): "fx_sr_config()",
    ("kf_admin_describe_acls", "filter"): "fx_acl_filter()",
    ("kf_admin_delete_acls", "filters"): "ARRAY1(const kf_acl_binding_t *, fx_acl_filter())",
    ("kf_admin_describe_acls_async", "filter"): "fx_acl_filter()",
    ("kf_admin_delete_acls_async", "filters"):
        "ARRAY1(const kf_acl_binding_t *, fx_acl_filter())",
    ("kf_producer_produce_zerocopy", "value"): "fx_zerocopy_value()",
    ("kf_consumer_consume", "messages"): "fx_message_array",
    ("kf_config_set_json", "json"): '"{\\"client.id\\": \\"abi\\"}"',
    ("kf_avro_producer_produce", "key"): '"\\"k\\""',
    ("kf_avro_producer_produce", "value"): '"\\"v\\""',
    ("kf_oauth_token_set", "extension_keys"): "fx_ext_keys",
    ("kf_oauth_token_set", "extension_values"): "fx_ext_values",
    ("kf_mock_cluster_coordinator_set", "key"): "FX_GROUP",
    ("kf_headers_get_last", "name"): '"h"',
    ("kf_protobuf_serializer_new", "schema_str"): "FX_PROTO_SCHEMA",
    ("kf_protobuf_serializer_new", "message_name"): '"abi.M"',
    ("kf_json_schema_serializer_new", "schema_str"): "FX_JSON_SCHEMA",
    ("kf_json_schema_deserializer_new", "schema_str"): "FX_JSON_SCHEMA",
    ("kf_admin_new", "config"): "fx_admin_config()",
    ("kf_config_set", "value"): '"abi"',
    ("kf_config_resource_set_config", "name"): '"retention.ms"',
    ("kf_config_resource_set_config", "value"): '"1000"',
    ("kf_config_resource_add_incremental_config", "name"): '"retention.ms"',
    ("kf_config_resource_add_incremental_config", "value"): '"1000"',
    ("kf_new_topic_set_config", "name"): '"retention.ms"',
    ("kf_new_topic_set_config", "value"): '"1000"',
    ("kf_schema_registry_get_schema", "id"): "1",
    ("kf_schema_registry_get_version", "version"): "1",
    ("kf_schema_registry_delete_version", "version"): "1",
    ("kf_schema_registry_test_compatibility", "version"): "1",
    ("kf_schema_add_reference", "version"): "1",
    ("kf_schema_new", "schema_type"): "KF_SCHEMA_TYPE_AVRO",
    ("kf_admin_options_set_match_consumer_group_states", "states"): "fx_group_states",
    ("kf_admin_options_set_match_consumer_group_types", "types"): "fx_group_types",
    ("kf_new_topic_set_replica_assignment", "broker_ids"): "fx_int32_array",
    ("kf_new_partitions_set_replica_assignment", "broker_ids"): "fx_int32_array",
    ("kf_new_partitions_set_replica_assignment", "new_partition_index"): "0",
    ("kf_mock_cluster_push_request_errors", "errors"): "fx_int32_array",
    ("kf_user_scram_credential_upsertion_new", "salt"): '(const uint8_t *)"salt"',
    ("kf_user_scram_credential_upsertion_new", "salt_len"): "4",
    ("kf_producer_produce_packed", "buf"): "(const uint8_t *)FX_TOPIC",
    ("kf_producer_produce_packed", "buf_len"): "(sizeof FX_TOPIC - 1)",
    ("kf_producer_delivery_reports", "max"): "10",
    ("kf_config_set_delivery_report_mode", "mode"): "KF_DELIVERY_REPORT_MODE_PULL",
    # No batch outside a pull-mode producer: NULL is a valid batch (no reports).
    ("kf_delivery_report_batch_reports", "batch"): "NULL",
    ("kf_partitioner_murmur2", "key"): '"abc"',
    ("kf_partitioner_consistent", "key"): '"abc"',
    ("kf_partitioner_fnv1a", "key"): '"abc"',
    ("kf_partitioner_murmur2", "key_len"): "3",
    ("kf_partitioner_consistent", "key_len"): "3",
    ("kf_partitioner_fnv1a", "key_len"): "3",
}

# Documented values returned for a NULL argument, other than the defaults of ret_expect().
SENTINELS = {
    "kf_error_code": "0",
    "kf_error_name": "STR:NO_ERROR",
    "kf_error_message": "STR:Success",
    "kf_admin_result_operation": "0",
    "kf_schema_registry_request_count": "0",
    "kf_schema_registry_error_http_status": "0",
    "kf_schema_registry_error_code": "0",
    "kf_error_copy": "NULL",
    "kf_consumer_rebalance_protocol": "KF_REBALANCE_PROTOCOL_NONE",
    "kf_message_error": "NULL",
    "kf_producer_fatal_error": "NULL",
    "kf_message_offset": "KF_OFFSET_INVALID",
    "kf_topic_partition_list_offset": "KF_OFFSET_INVALID",
    "kf_message_error_code": "0",
    "kf_admin_result_item_error_code": "KF_ERR__INVALID_ARG",
    "kf_metadata_topic_error_code": "KF_ERR__INVALID_ARG",
    "kf_metadata_partition_error_code": "KF_ERR__INVALID_ARG",
    "kf_topic_partition_list_error_code": "KF_ERR__INVALID_ARG",
}


def die(msg):
    sys.stderr.write(f"gen_null_args.py: {msg}\n")
    sys.exit(1)


def parse(abi):
    """(return type, name, [(type, name, nullable)]) of every function of the description."""
    if abi.get("format") != "kafkaffi-abi":
        die("not a kafkaffi ABI description (include/kafkaffi.abi.json)")
    funcs = []
    for f in abi["functions"]:
        params = [(norm(p["type"]["c"]), p["name"], bool(p["nullable"])) for p in f["params"]]
        funcs.append((norm(f["returns"]["type"]["c"]), f["name"], params))
    return funcs


def norm(t):
    """One spelling per type: `const char *const *`, `kf_error_t **`."""
    t = re.sub(r"\s*\*\s*", "*", " ".join(t.split()))
    return re.sub(r"(\w)\*", r"\1 *", t)


def is_pointer(t):
    return "*" in t or t in CALLBACKS


def strip_const(t):
    return t[6:] if t.startswith("const ") else t


def scalar_type(t):
    return t in ("int", "int16_t", "int32_t", "int64_t", "uint32_t", "uint64_t", "size_t",
                 "_Bool", "bool", "double", "uint8_t")


def pointee(t):
    """The type of the local an _out parameter points to."""
    assert t.endswith("*")
    return t[:-1].rstrip()


def valid_value(fn, params, idx, unknown):
    """A C expression for a valid value of params[idx], or None (listed in `unknown`)."""
    t, n = params[idx][:2]
    t = norm(t)
    if (fn, n) in OVERRIDES:
        return OVERRIDES[(fn, n)]
    if t in CALLBACKS:
        return CALLBACKS[t]
    if n.endswith("_out") and t.endswith("*"):
        return "OUT"
    if not is_pointer(t):
        if scalar_type(t) and n in SCALARS:
            return SCALARS[n]
        if scalar_type(t) and (n.endswith("_len") or n == "len"):
            return "LEN"
        unknown.append(f"{fn}: scalar parameter '{t} {n}'")
        return None
    base = strip_const(t)
    if base in ("char *", "const char *") or t == "const char *":
        if n in STRINGS:
            return STRINGS[n]
        unknown.append(f"{fn}: string parameter '{n}'")
        return None
    if base in ("uint8_t *",) and n in BYTES:
        return '(const uint8_t *)"abc"'
    if base in SCOPED:
        return "SCOPED"
    if base in HANDLES:
        return HANDLES[base]
    if t in HANDLES:
        return HANDLES[t]
    unknown.append(f"{fn}: parameter type '{t} {n}'")
    return None


def nullable(fn, ret, params, idx):
    """Why NULL is a valid value of params[idx], or None."""
    return "nullable in kafkaffi.abi.json" if params[idx][2] else None


def ret_expect(fn, ret, params):
    """How the generated code checks the return value for a NULL (non-nullable) argument."""
    r = norm(ret)
    names = [p[1] for p in params]
    if fn in SENTINELS:
        s = SENTINELS[fn]
        if s.startswith("STR:"):
            return ("STR", s[4:])
        if s == "NULL":
            return ("NULL", None)
        return ("EQ", s)
    if r == "void":
        return ("VOID", None)
    if r == "kf_error_t *":
        return ("INVALID_ARG", None)
    if "*" in r:
        if "err_out" in names:
            return ("NULL_ERR", None)
        return ("NULL", None)
    if r in ("_Bool", "bool"):
        return ("EQ", "0")
    if r in ("size_t", "uint64_t", "uint32_t"):
        return ("EQ", "0")
    if r in ("int", "int32_t", "int64_t"):
        return ("EQ", "-1")
    die(f"{fn}: no rule for return type '{ret}'")


def gen(funcs):
    unknown = []
    cases = []  # (fn, param, c_function_name, body)
    out_decls = []
    for fn_i, (ret, fn, params) in enumerate(funcs):
        ptr_idx = [i for i, p in enumerate(params) if is_pointer(norm(p[0]))]
        cache = {}

        def value_of(i):
            # Only asked for the values a case needs: the sole pointer of a function is never
            # given a valid value, so e.g. a throttle event (only ever handed to a callback)
            # needs no fixture.
            if i not in cache:
                cache[i] = valid_value(fn, params, i, unknown)
            return cache[i]

        for k in ptr_idx:
            t_k, n_k = params[k][:2]
            args = []
            locals_ = []
            scoped = None
            for i, (t, n, _) in enumerate(params):
                t = norm(t)
                if i == k:
                    args.append("NULL")
                    continue
                v = value_of(i)
                if v is None:
                    args.append("0")
                    continue
                if v == "OUT" and pointee(t) in SIZED_OUT:
                    locals_.append(f"{pointee(t)} out{i}; memset(&out{i}, 0, sizeof out{i}); "
                                   f"out{i}.size = sizeof out{i};")
                    args.append(f"&out{i}")
                elif v == "OUT":
                    locals_.append(f"{pointee(t)} out{i} = 0;")
                    args.append(f"&out{i}")
                elif v == "LEN":
                    # the length of the buffer before it
                    pn = params[i - 1][1]
                    pv = value_of(i - 1)  # its valid length, also when it is the NULL one
                    if pv and pv.startswith("(const uint8_t *)\""):
                        args.append(str(len(pv.split('"')[1])))
                    elif (fn, params[i - 1][1]) == ("kf_producer_produce_zerocopy", "value"):
                        args.append("1")
                    else:
                        unknown.append(f"{fn}: length '{n}' after '{pn}'")
                        args.append("0")
                elif v == "SCOPED":
                    scoped = (SCOPED[strip_const(t)], n)
                    args.append(n)
                else:
                    args.append(v)
            nul = nullable(fn, ret, params, k)
            cname = f"case_{fn_i}_{k}"
            call = f"{fn}({', '.join(args)})"
            r = norm(ret)
            body = list(locals_)
            if nul:
                names = [p[1] for p in params]
                if r == "void":
                    body.append(f"{call};")
                    body.append(f'pass_nullable("{fn}", "{n_k}", NULL);')
                elif r == "kf_error_t *" and fn not in SENTINELS:
                    body.append(f"kf_error_t *res = {call};")
                    body.append(f'pass_nullable("{fn}", "{n_k}", res);')
                elif "*" in r and "err_out" in names and n_k != "err_out":
                    body.append(f"(void){call};")
                    body.append(f'pass_nullable("{fn}", "{n_k}", out{names.index("err_out")});')
                else:
                    body.append(f"(void){call};")
                    body.append(f'pass_nullable("{fn}", "{n_k}", NULL);')
            else:
                kind, val = ret_expect(fn, ret, params)
                errvar = None
                if kind == "NULL_ERR":
                    idx = [p[1] for p in params].index("err_out")
                    errvar = f"out{idx}"
                if kind == "VOID":
                    body.append(f"{call};")
                    body.append(f'pass_void("{fn}", "{n_k}");')
                elif kind == "INVALID_ARG":
                    body.append(f"kf_error_t *res = {call};")
                    body.append(f'check_invalid_arg("{fn}", "{n_k}", res);')
                elif kind == "NULL_ERR":
                    body.append(f"const void *res = (const void *){call};")
                    body.append(f'check_null_err("{fn}", "{n_k}", res, {errvar});')
                elif kind == "NULL":
                    body.append(f"const void *res = (const void *){call};")
                    body.append(f'check_null("{fn}", "{n_k}", res);')
                elif kind == "STR":
                    body.append(f"const char *res = {call};")
                    body.append(f'check_str("{fn}", "{n_k}", res, "{val}");')
                elif kind == "EQ":
                    body.append(f"long long res = (long long){call};")
                    body.append(f'check_eq("{fn}", "{n_k}", res, {val});')
            cases.append((fn_i, fn, n_k, cname, body, scoped))
    if unknown:
        die("do not know how to call these (extend the tables in tests/abi/gen_null_args.py and "
            "tests/abi/null_args_fixtures.c):\n  " + "\n  ".join(sorted(set(unknown))))
    return cases


def emit(funcs, cases, out):
    w = []
    w.append("/* Generated by tests/abi/gen_null_args.py from include/kafkaffi.abi.json: do not edit. */")
    w.append("#include <string.h>")
    w.append('#include "null_args_harness.h"')
    w.append("")
    for fn_i, fn, n, cname, body, scoped in cases:
        if scoped:
            helper, pname = scoped
            w.append(f"static void {cname}_body(kf_oauth_token_t *{pname}) {{")
            w.extend("    " + b for b in body)
            w.append("}")
            w.append(f"static void {cname}(void) {{ {helper}({cname}_body); }}")
        else:
            w.append(f"static void {cname}(void) {{")
            w.extend("    " + b for b in body)
            w.append("}")
    w.append("")
    w.append("const null_case_t null_cases[] = {")
    for fn_i, fn, n, cname, body, scoped in cases:
        w.append(f'    {{"{fn}", "{n}", {cname}}},')
    w.append("};")
    w.append(f"const size_t null_case_count = {len(cases)};")
    w.append(f"const size_t null_function_count = {len(funcs)};")
    no_ptr = [fn for ret, fn, params in funcs
              if not any(is_pointer(norm(p[0])) for p in params)]
    w.append(f"const size_t null_functions_without_pointers = {len(no_ptr)};")
    with open(out, "w") as f:
        f.write("\n".join(w) + "\n")


class GenError(Exception):
    pass


def self_test(header):
    """The generator must refuse, by name, a function or parameter its tables do not cover."""
    global die

    def raise_(msg):
        raise GenError(msg)

    with open(header) as f:
        abi = json.load(f)

    def fn(name, params):
        return {"name": name, "returns": {"type": {"c": "kf_error_t *"}},
                "params": [{"name": n, "type": {"c": t}, "nullable": "*" in t and False}
                           for t, n in params]}
    abi["functions"] += [fn("kf_zz_new_thing", [("kf_zz_thing_t *", "thing"),
                                                ("const kf_config_t *", "config")]),
                         fn("kf_zz_other", [("kf_producer_t *", "producer"), ("int", "zz_mode")])]
    real_die, die = die, raise_
    try:
        gen(parse(abi))
    except GenError as e:
        msg = str(e)
        want = ["kf_zz_new_thing: parameter type 'kf_zz_thing_t * thing'",
                "kf_zz_other: scalar parameter 'int zz_mode'"]
        missing = [w for w in want if w not in msg]
        if missing:
            real_die(f"self-test: the refusal does not name {missing}:\n{msg}")
        print("gen_null_args.py self-test: unknown functions are refused:\n" + msg)
        return
    finally:
        die = real_die
    real_die("self-test: a function with an unknown parameter type was accepted")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--self-test":
        self_test(sys.argv[2])
        return
    if len(sys.argv) != 3:
        die("usage: gen_null_args.py <kafkaffi.abi.json> <out.c>")
    with open(sys.argv[1]) as f:
        funcs = parse(json.load(f))
    if len(funcs) < 100:
        die(f"only {len(funcs)} functions found in {sys.argv[1]}")
    cases = gen(funcs)
    emit(funcs, cases, sys.argv[2])
    print(f"gen_null_args.py: {len(funcs)} functions, {len(cases)} NULL-argument cases")


if __name__ == "__main__":
    main()
