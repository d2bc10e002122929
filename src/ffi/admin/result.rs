//! kf_admin_result_t and what it holds: items (by index, 0-based) with their names, errors and
//! values, and the borrowed descriptions (config entries, topics, nodes, the cluster, groups,
//! members, ACL bindings).
//!
//! Every pointer an accessor returns is borrowed from the result and valid until
//! kf_admin_result_destroy(); nothing borrowed is freed by the caller. Out-of-range indexes and
//! NULL handles return NULL, 0, -1 or the documented value, never crash.
//! Thread safety: any thread; a result is immutable.
use std::ffi::CString;
use std::os::raw::{c_char, c_int};

use super::super::types::*;
use super::super::{arg_cstr, free_handle, opt, value};
use super::*;
use crate::error::ERR_INVALID_ARG;
use crate::kafka::admin::result::{
    AdminResult, ClusterDescription, ConfigEntry, GroupDescription, Item, Member, Node,
    PartitionInfo, TopicDescription, Value,
};

fn s(c: &CString) -> *const c_char {
    c.as_ptr()
}

fn so(c: &Option<CString>) -> *const c_char {
    c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

fn item<'a>(r: *const kf_admin_result_t, i: usize) -> Option<&'a Item> {
    opt(r).and_then(|r: &AdminResult| r.items.get(i))
}

fn ptr<T, H>(x: Option<&T>) -> *const H {
    x.map_or(std::ptr::null(), |x| x as *const T as *const H)
}

/// Frees a result: one from a blocking operation's `*result_out` or one handed to a
/// kf_admin_result_cb (the callback owns it). NULL is a no-op.
///
/// Thread safety: any thread; no other call on the result may run concurrently or follow.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_admin_result_destroy(result: *mut kf_admin_result_t) {
    value((), || unsafe { free_handle(result) })
}

/// The operation the result answers (KF_ADMIN_OP_*); 0 when `result` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_operation(result: *const kf_admin_result_t) -> c_int {
    value(0, || opt(result).map_or(0, |r: &AdminResult| r.op as c_int))
}

/// The error of the request as a whole (a timeout, no reachable broker, a request librdkafka
/// refused, an authorization failure for the whole operation), or NULL when none. The items it
/// concerned carry it too. Borrowed: valid until the result is destroyed (copy it with
/// kf_error_copy() to keep it).
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_error(result: *const kf_admin_result_t) -> *const kf_error_t {
    value(std::ptr::null(), || {
        ptr(opt(result).and_then(|r: &AdminResult| r.error.as_ref()))
    })
}

/// The number of items; 0 when `result` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_count(result: *const kf_admin_result_t) -> usize {
    value(0, || opt(result).map_or(0, |r: &AdminResult| r.items.len()))
}

/// The name of item `i`: the topic, resource, group, user or partition's topic it is about, the
/// cluster id, or an ACL binding's resource name (borrowed). NULL when out of range or when the
/// item has no name (a list_consumer_groups error, an ACL filter matching any name).
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_name(
    result: *const kf_admin_result_t,
    i: usize,
) -> *const c_char {
    value(std::ptr::null(), || {
        item(result, i).map_or(std::ptr::null(), |it| so(&it.name))
    })
}

/// The error of item `i`, or NULL when the item succeeded (or `i` is out of range). Borrowed:
/// valid until the result is destroyed.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_error(
    result: *const kf_admin_result_t,
    i: usize,
) -> *const kf_error_t {
    value(std::ptr::null(), || {
        ptr(item(result, i).and_then(|it| it.error.as_ref()))
    })
}

/// The error code of item `i`: 0 when it succeeded, KF_ERR__INVALID_ARG when out of range or
/// `result` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_error_code(
    result: *const kf_admin_result_t,
    i: usize,
) -> c_int {
    value(ERR_INVALID_ARG, || {
        item(result, i).map_or(ERR_INVALID_ARG, |it| {
            it.error.as_ref().map_or(0, |e| e.code)
        })
    })
}

fn partition_value(r: *const kf_admin_result_t, i: usize) -> Option<(i32, i64, i64, i32)> {
    match item(r, i)?.value {
        Value::Partition {
            partition,
            offset,
            timestamp,
            leader_epoch,
        } => Some((partition, offset, timestamp, leader_epoch)),
        _ => None,
    }
}

/// The partition of item `i` (list_offsets, delete_records, elect_leaders items); -1 for other
/// items or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_partition(
    result: *const kf_admin_result_t,
    i: usize,
) -> i32 {
    value(-1, || partition_value(result, i).map_or(-1, |p| p.0))
}

/// The offset of item `i`: the offset found (list_offsets; -1 when no record matches a
/// timestamp) or the new low watermark (delete_records). An item with an error carries what
/// librdkafka reported (usually KF_OFFSET_INVALID, or -1). -1 for other items or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_offset(result: *const kf_admin_result_t, i: usize) -> i64 {
    value(-1, || partition_value(result, i).map_or(-1, |p| p.1))
}

/// The timestamp (ms) of the record at the offset found (list_offsets items); -1 when unknown,
/// for other items or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_timestamp(
    result: *const kf_admin_result_t,
    i: usize,
) -> i64 {
    value(-1, || partition_value(result, i).map_or(-1, |p| p.2))
}

/// The leader epoch of the offset found (list_offsets items); -1 when unknown, for other items
/// or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_leader_epoch(
    result: *const kf_admin_result_t,
    i: usize,
) -> i32 {
    value(-1, || partition_value(result, i).map_or(-1, |p| p.3))
}

fn entries<'a>(r: *const kf_admin_result_t, i: usize) -> Option<(i32, &'a [ConfigEntry])> {
    match &item(r, i)?.value {
        Value::Config { restype, entries } => Some((*restype, entries.as_slice())),
        _ => None,
    }
}

/// The resource type (KF_RESOURCE_*) of item `i` (describe_configs, alter_configs,
/// incremental_alter_configs items); -1 for other items or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_resource_type(
    result: *const kf_admin_result_t,
    i: usize,
) -> c_int {
    value(-1, || entries(result, i).map_or(-1, |e| e.0))
}

/// The number of configuration entries of item `i` (describe_configs); 0 for other items or
/// out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_config_count(
    result: *const kf_admin_result_t,
    i: usize,
) -> usize {
    value(0, || entries(result, i).map_or(0, |e| e.1.len()))
}

/// Configuration entry `c` of item `i` (borrowed); NULL when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_config(
    result: *const kf_admin_result_t,
    i: usize,
    c: usize,
) -> *const kf_config_entry_t {
    value(std::ptr::null(), || {
        ptr(entries(result, i).and_then(|e| e.1.get(c)))
    })
}

/// The configuration entry named `name` of item `i` (borrowed); NULL when there is none, or
/// when `name` is NULL or not UTF-8.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_config_find(
    result: *const kf_admin_result_t,
    i: usize,
    name: *const c_char,
) -> *const kf_config_entry_t {
    value(std::ptr::null(), || unsafe {
        let Ok(n) = arg_cstr(name, "kf_admin_result_item_config_find", "name") else {
            return std::ptr::null();
        };
        ptr(entries(result, i).and_then(|e| e.1.iter().find(|x| x.name.as_c_str() == n)))
    })
}

fn entry<'a>(e: *const kf_config_entry_t) -> Option<&'a ConfigEntry> {
    opt(e)
}

/// The name of a configuration entry (borrowed); NULL when `entry` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_name(entry: *const kf_config_entry_t) -> *const c_char {
    value(std::ptr::null(), || {
        self::entry(entry).map_or(std::ptr::null(), |e| s(&e.name))
    })
}

/// The value of a configuration entry (borrowed); NULL when it has none, when it is sensitive
/// (the broker does not send it), or when `entry` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_value(entry: *const kf_config_entry_t) -> *const c_char {
    value(std::ptr::null(), || {
        self::entry(entry).map_or(std::ptr::null(), |e| so(&e.value))
    })
}

/// Where the value comes from (KF_CONFIG_SOURCE_*); -1 when `entry` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_source(entry: *const kf_config_entry_t) -> c_int {
    value(-1, || self::entry(entry).map_or(-1, |e| e.source))
}

/// True when the entry cannot be altered; false when `entry` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_is_read_only(entry: *const kf_config_entry_t) -> bool {
    value(false, || self::entry(entry).is_some_and(|e| e.is_read_only))
}

/// True when the value is the default; false when `entry` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_is_default(entry: *const kf_config_entry_t) -> bool {
    value(false, || self::entry(entry).is_some_and(|e| e.is_default))
}

/// True when the value is sensitive (then kf_config_entry_value() is NULL); false when `entry`
/// is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_is_sensitive(entry: *const kf_config_entry_t) -> bool {
    value(false, || self::entry(entry).is_some_and(|e| e.is_sensitive))
}

/// True when the entry is a synonym of another one; false when `entry` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_is_synonym(entry: *const kf_config_entry_t) -> bool {
    value(false, || self::entry(entry).is_some_and(|e| e.is_synonym))
}

/// The number of synonyms of the entry (the settings it derives from, in order of
/// precedence, each with its own source); 0 when `entry` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_synonym_count(entry: *const kf_config_entry_t) -> usize {
    value(0, || self::entry(entry).map_or(0, |e| e.synonyms.len()))
}

/// Synonym `s` of the entry (borrowed, an entry itself); NULL when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_config_entry_synonym(
    entry: *const kf_config_entry_t,
    s: usize,
) -> *const kf_config_entry_t {
    value(std::ptr::null(), || {
        ptr(self::entry(entry).and_then(|e| e.synonyms.get(s)))
    })
}

// ---- topics ----

/// The topic description of item `i` (describe_topics; borrowed); NULL for other items, items
/// with an error, or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_topic_description(
    result: *const kf_admin_result_t,
    i: usize,
) -> *const kf_topic_description_t {
    value(std::ptr::null(), || match item(result, i) {
        Some(Item {
            value: Value::Topic(t),
            error: None,
            ..
        }) => t as *const TopicDescription as *const kf_topic_description_t,
        _ => std::ptr::null(),
    })
}

fn topic<'a>(t: *const kf_topic_description_t) -> Option<&'a TopicDescription> {
    opt(t)
}

fn tpart<'a>(t: *const kf_topic_description_t, p: usize) -> Option<&'a PartitionInfo> {
    topic(t).and_then(|t| t.partitions.get(p))
}

/// The topic's name (borrowed); NULL when `topic` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_name(topic: *const kf_topic_description_t) -> *const c_char {
    value(std::ptr::null(), || {
        self::topic(topic).map_or(std::ptr::null(), |t| s(&t.name))
    })
}

/// The topic id in Kafka's base64 form (borrowed); NULL when unknown or `topic` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_topic_id(
    topic: *const kf_topic_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::topic(topic).map_or(std::ptr::null(), |t| so(&t.topic_id))
    })
}

/// True for an internal topic (__consumer_offsets, ...); false when `topic` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_is_internal(topic: *const kf_topic_description_t) -> bool {
    value(false, || self::topic(topic).is_some_and(|t| t.is_internal))
}

/// The number of partitions; 0 when `topic` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_partition_count(
    topic: *const kf_topic_description_t,
) -> usize {
    value(0, || self::topic(topic).map_or(0, |t| t.partitions.len()))
}

/// The id of partition `p` (the `p`-th described); -1 when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_partition_id(
    topic: *const kf_topic_description_t,
    p: usize,
) -> i32 {
    value(-1, || tpart(topic, p).map_or(-1, |x| x.id))
}

/// The leader of partition `p` (borrowed); NULL when it has none or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_partition_leader(
    topic: *const kf_topic_description_t,
    p: usize,
) -> *const kf_node_t {
    value(std::ptr::null(), || {
        ptr(tpart(topic, p).and_then(|x| x.leader.as_ref()))
    })
}

/// The number of replicas of partition `p`; 0 when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_partition_replica_count(
    topic: *const kf_topic_description_t,
    p: usize,
) -> usize {
    value(0, || tpart(topic, p).map_or(0, |x| x.replicas.len()))
}

/// Replica `r` of partition `p` (borrowed); NULL when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_partition_replica(
    topic: *const kf_topic_description_t,
    p: usize,
    r: usize,
) -> *const kf_node_t {
    value(std::ptr::null(), || {
        ptr(tpart(topic, p).and_then(|x| x.replicas.get(r)))
    })
}

/// The number of in-sync replicas of partition `p`; 0 when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_partition_isr_count(
    topic: *const kf_topic_description_t,
    p: usize,
) -> usize {
    value(0, || tpart(topic, p).map_or(0, |x| x.isr.len()))
}

/// In-sync replica `r` of partition `p` (borrowed); NULL when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_topic_description_partition_isr(
    topic: *const kf_topic_description_t,
    p: usize,
    r: usize,
) -> *const kf_node_t {
    value(std::ptr::null(), || {
        ptr(tpart(topic, p).and_then(|x| x.isr.get(r)))
    })
}

fn ops_out(ops: &Option<Vec<i32>>, count_out: *mut usize) -> *const c_int {
    let (p, n) = match ops {
        // A non-NULL pointer even for an empty list: NULL means "not requested".
        Some(v) => (
            if v.is_empty() {
                std::ptr::NonNull::dangling().as_ptr()
            } else {
                v.as_ptr() as *mut c_int
            },
            v.len(),
        ),
        None => (std::ptr::null_mut(), 0),
    };
    if !count_out.is_null() {
        unsafe { *count_out = n };
    }
    p
}

/// The operations the client may perform on the topic (KF_ACL_OPERATION_* values,
/// `*count_out` of them; `count_out` may be NULL). Borrowed. NULL (count 0) when they were not
/// requested (kf_admin_options_set_include_authorized_operations()) or `topic` is NULL; a
/// non-NULL pointer with count 0 when none is authorized.
/// Blocks: no. Thread safety: any thread (the result is immutable).
/// Nullable: `count_out`.
#[no_mangle]
pub extern "C" fn kf_topic_description_authorized_operations(
    topic: *const kf_topic_description_t,
    count_out: *mut usize,
) -> *const c_int {
    value(std::ptr::null(), || match self::topic(topic) {
        Some(t) => ops_out(&t.authorized_operations, count_out),
        None => ops_out(&None, count_out),
    })
}

// ---- nodes ----

fn node<'a>(n: *const kf_node_t) -> Option<&'a Node> {
    opt(n)
}

/// The broker id; -1 when `node` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_node_id(node: *const kf_node_t) -> i32 {
    value(-1, || self::node(node).map_or(-1, |n| n.id))
}

/// The broker host (borrowed); NULL when `node` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_node_host(node: *const kf_node_t) -> *const c_char {
    value(std::ptr::null(), || {
        self::node(node).map_or(std::ptr::null(), |n| s(&n.host))
    })
}

/// The broker port; -1 when `node` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_node_port(node: *const kf_node_t) -> c_int {
    value(-1, || self::node(node).map_or(-1, |n| n.port))
}

/// The broker rack (borrowed); NULL when it has none or `node` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_node_rack(node: *const kf_node_t) -> *const c_char {
    value(std::ptr::null(), || {
        self::node(node).map_or(std::ptr::null(), |n| so(&n.rack))
    })
}

// ---- cluster ----

/// The cluster description of a describe_cluster result (borrowed); NULL for other results, a
/// failed request, or a NULL `result`.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_cluster_description(
    result: *const kf_admin_result_t,
) -> *const kf_cluster_description_t {
    value(std::ptr::null(), || {
        let r: Option<&AdminResult> = opt(result);
        let c = r.and_then(|r| {
            r.items.iter().find_map(|it| match &it.value {
                Value::Cluster(c) => Some(c),
                _ => None,
            })
        });
        ptr::<ClusterDescription, kf_cluster_description_t>(c)
    })
}

fn cluster<'a>(c: *const kf_cluster_description_t) -> Option<&'a ClusterDescription> {
    opt(c)
}

/// The cluster id (borrowed); NULL when unknown or `cluster` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_cluster_description_cluster_id(
    cluster: *const kf_cluster_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::cluster(cluster).map_or(std::ptr::null(), |c| so(&c.cluster_id))
    })
}

/// The controller (borrowed); NULL when unknown or `cluster` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_cluster_description_controller(
    cluster: *const kf_cluster_description_t,
) -> *const kf_node_t {
    value(std::ptr::null(), || {
        ptr(self::cluster(cluster).and_then(|c| c.controller.as_ref()))
    })
}

/// The number of brokers; 0 when `cluster` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_cluster_description_node_count(
    cluster: *const kf_cluster_description_t,
) -> usize {
    value(0, || self::cluster(cluster).map_or(0, |c| c.nodes.len()))
}

/// Broker `n` (borrowed); NULL when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_cluster_description_node(
    cluster: *const kf_cluster_description_t,
    n: usize,
) -> *const kf_node_t {
    value(std::ptr::null(), || {
        ptr(self::cluster(cluster).and_then(|c| c.nodes.get(n)))
    })
}

/// The operations the client may perform on the cluster, as
/// kf_topic_description_authorized_operations() (NULL when not requested).
/// Blocks: no. Thread safety: any thread (the result is immutable).
/// Nullable: `count_out`.
#[no_mangle]
pub extern "C" fn kf_cluster_description_authorized_operations(
    cluster: *const kf_cluster_description_t,
    count_out: *mut usize,
) -> *const c_int {
    value(std::ptr::null(), || match self::cluster(cluster) {
        Some(c) => ops_out(&c.authorized_operations, count_out),
        None => ops_out(&None, count_out),
    })
}

// ---- consumer groups ----

/// The group listing of item `i` (list_consumer_groups; borrowed); NULL for error items, other
/// results or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_consumer_group_listing(
    result: *const kf_admin_result_t,
    i: usize,
) -> *const kf_consumer_group_listing_t {
    value(std::ptr::null(), || match item(result, i) {
        Some(Item {
            value: Value::GroupListing(g),
            ..
        }) => ptr(Some(g)),
        _ => std::ptr::null(),
    })
}

fn listing<'a>(
    g: *const kf_consumer_group_listing_t,
) -> Option<&'a crate::kafka::admin::result::GroupListing> {
    opt(g)
}

/// The group id (borrowed); NULL when `listing` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_listing_group_id(
    listing: *const kf_consumer_group_listing_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::listing(listing).map_or(std::ptr::null(), |g| s(&g.group_id))
    })
}

/// True for a simple consumer group (offsets only, no membership); false when NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_listing_is_simple_consumer_group(
    listing: *const kf_consumer_group_listing_t,
) -> bool {
    value(false, || {
        self::listing(listing).is_some_and(|g| g.is_simple)
    })
}

/// The group state (KF_CONSUMER_GROUP_STATE_*); -1 when `listing` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_listing_state(
    listing: *const kf_consumer_group_listing_t,
) -> c_int {
    value(-1, || self::listing(listing).map_or(-1, |g| g.state))
}

/// The group type (KF_CONSUMER_GROUP_TYPE_*); -1 when `listing` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_listing_type(
    listing: *const kf_consumer_group_listing_t,
) -> c_int {
    value(-1, || self::listing(listing).map_or(-1, |g| g.group_type))
}

/// The group description of item `i` (describe_consumer_groups; borrowed); NULL for items with
/// an error, other results or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_consumer_group_description(
    result: *const kf_admin_result_t,
    i: usize,
) -> *const kf_consumer_group_description_t {
    value(std::ptr::null(), || match item(result, i) {
        Some(Item {
            value: Value::Group(g),
            error: None,
            ..
        }) => ptr(Some(g)),
        _ => std::ptr::null(),
    })
}

fn group<'a>(g: *const kf_consumer_group_description_t) -> Option<&'a GroupDescription> {
    opt(g)
}

/// The group id (borrowed); NULL when `group` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_group_id(
    group: *const kf_consumer_group_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::group(group).map_or(std::ptr::null(), |g| s(&g.group_id))
    })
}

/// True for a simple consumer group; false when `group` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_is_simple_consumer_group(
    group: *const kf_consumer_group_description_t,
) -> bool {
    value(false, || self::group(group).is_some_and(|g| g.is_simple))
}

/// The partition assignor ("range", "cooperative-sticky", "uniform"...; borrowed); NULL when
/// none or `group` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_partition_assignor(
    group: *const kf_consumer_group_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::group(group).map_or(std::ptr::null(), |g| so(&g.partition_assignor))
    })
}

/// The group state (KF_CONSUMER_GROUP_STATE_*); -1 when `group` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_state(
    group: *const kf_consumer_group_description_t,
) -> c_int {
    value(-1, || self::group(group).map_or(-1, |g| g.state))
}

/// The group type (KF_CONSUMER_GROUP_TYPE_*); -1 when `group` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_type(
    group: *const kf_consumer_group_description_t,
) -> c_int {
    value(-1, || self::group(group).map_or(-1, |g| g.group_type))
}

/// The group coordinator (borrowed); NULL when unknown or `group` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_coordinator(
    group: *const kf_consumer_group_description_t,
) -> *const kf_node_t {
    value(std::ptr::null(), || {
        ptr(self::group(group).and_then(|g| g.coordinator.as_ref()))
    })
}

/// The number of members; 0 when `group` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_member_count(
    group: *const kf_consumer_group_description_t,
) -> usize {
    value(0, || self::group(group).map_or(0, |g| g.members.len()))
}

/// Member `m` (borrowed); NULL when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_member(
    group: *const kf_consumer_group_description_t,
    m: usize,
) -> *const kf_member_description_t {
    value(std::ptr::null(), || {
        ptr(self::group(group).and_then(|g| g.members.get(m)))
    })
}

/// The operations the client may perform on the group, as
/// kf_topic_description_authorized_operations() (NULL when not requested).
/// Blocks: no. Thread safety: any thread (the result is immutable).
/// Nullable: `count_out`.
#[no_mangle]
pub extern "C" fn kf_consumer_group_description_authorized_operations(
    group: *const kf_consumer_group_description_t,
    count_out: *mut usize,
) -> *const c_int {
    value(std::ptr::null(), || match self::group(group) {
        Some(g) => ops_out(&g.authorized_operations, count_out),
        None => ops_out(&None, count_out),
    })
}

fn member<'a>(m: *const kf_member_description_t) -> Option<&'a Member> {
    opt(m)
}

/// The member's client.id (borrowed); NULL when `member` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_member_description_client_id(
    member: *const kf_member_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::member(member).map_or(std::ptr::null(), |m| s(&m.client_id))
    })
}

/// The member's group.instance.id (borrowed); NULL when it is not a static member or `member`
/// is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_member_description_group_instance_id(
    member: *const kf_member_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::member(member).map_or(std::ptr::null(), |m| so(&m.group_instance_id))
    })
}

/// The member id the coordinator gave the member (borrowed); NULL when `member` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_member_description_consumer_id(
    member: *const kf_member_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::member(member).map_or(std::ptr::null(), |m| s(&m.consumer_id))
    })
}

/// The member's host (borrowed); NULL when `member` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_member_description_host(
    member: *const kf_member_description_t,
) -> *const c_char {
    value(std::ptr::null(), || {
        self::member(member).map_or(std::ptr::null(), |m| s(&m.host))
    })
}

/// The partitions assigned to the member (borrowed, read-only; possibly empty); NULL when
/// `member` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_member_description_assignment(
    member: *const kf_member_description_t,
) -> *const kf_topic_partition_list_t {
    value(std::ptr::null(), || {
        self::member(member).map_or(std::ptr::null(), |m| {
            m.assignment.ptr as *const kf_topic_partition_list_t
        })
    })
}

/// The member's target assignment under the consumer protocol (KIP-848; borrowed, read-only);
/// NULL for classic groups or when `member` is NULL.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_member_description_target_assignment(
    member: *const kf_member_description_t,
) -> *const kf_topic_partition_list_t {
    value(std::ptr::null(), || {
        self::member(member)
            .and_then(|m| m.target_assignment.as_ref())
            .map_or(std::ptr::null(), |l| {
                l.ptr as *const kf_topic_partition_list_t
            })
    })
}

/// The partitions of item `i` (list_consumer_group_offsets, alter_consumer_group_offsets,
/// delete_consumer_group_offsets), each with its offset, metadata, leader epoch and own error
/// (kf_topic_partition_list_error_code()). Borrowed, read-only. NULL for other items or out of
/// range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_partitions(
    result: *const kf_admin_result_t,
    i: usize,
) -> *const kf_topic_partition_list_t {
    value(std::ptr::null(), || match item(result, i) {
        Some(Item {
            value: Value::Offsets(l),
            ..
        }) => l.ptr as *const kf_topic_partition_list_t,
        _ => std::ptr::null(),
    })
}

// ---- ACLs ----

fn acls<'a>(
    r: *const kf_admin_result_t,
    i: usize,
) -> Option<&'a [crate::kafka::admin::inputs::AclSpec]> {
    match &item(r, i)?.value {
        Value::Acls(a) => Some(a.as_slice()),
        _ => None,
    }
}

/// The number of ACL bindings of item `i`: 1 for a create_acls item (the binding it created or
/// failed to create), the matching bindings of a describe_acls or delete_acls item; 0 for other
/// items or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_acl_count(
    result: *const kf_admin_result_t,
    i: usize,
) -> usize {
    value(0, || acls(result, i).map_or(0, |a| a.len()))
}

/// ACL binding `a` of item `i` (borrowed: read it with kf_acl_binding_restype() and the other
/// kf_acl_binding_ accessors; never destroy it); NULL when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_acl(
    result: *const kf_admin_result_t,
    i: usize,
    a: usize,
) -> *const kf_acl_binding_t {
    value(std::ptr::null(), || {
        ptr(acls(result, i).and_then(|v| v.get(a)))
    })
}

// ---- SCRAM ----

fn scram<'a>(r: *const kf_admin_result_t, i: usize) -> Option<&'a [(i32, i32)]> {
    match &item(r, i)?.value {
        Value::Scram(v) => Some(v.as_slice()),
        _ => None,
    }
}

/// The number of SCRAM credentials of item `i` (describe_user_scram_credentials); 0 for other
/// items or out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_scram_credential_count(
    result: *const kf_admin_result_t,
    i: usize,
) -> usize {
    value(0, || scram(result, i).map_or(0, |v| v.len()))
}

/// The mechanism (KF_SCRAM_MECHANISM_*) of SCRAM credential `c` of item `i`; -1 when out of
/// range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_scram_mechanism(
    result: *const kf_admin_result_t,
    i: usize,
    c: usize,
) -> c_int {
    value(-1, || {
        scram(result, i).and_then(|v| v.get(c)).map_or(-1, |x| x.0)
    })
}

/// The iteration count of SCRAM credential `c` of item `i`; -1 when out of range.
/// Blocks: no. Thread safety: any thread (the result is immutable).
#[no_mangle]
pub extern "C" fn kf_admin_result_item_scram_iterations(
    result: *const kf_admin_result_t,
    i: usize,
    c: usize,
) -> i32 {
    value(-1, || {
        scram(result, i).and_then(|v| v.get(c)).map_or(-1, |x| x.1)
    })
}
