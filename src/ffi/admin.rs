//! kf_admin_t: Python's AdminClient.
//!
//! Every operation has the Python client's name and comes in two forms:
//! - `kf_admin_<op>(admin, inputs..., options, &result)` starts the operation and waits for its
//!   result, serving the admin client's callbacks (error, stats, log, throttle, oauth) on the
//!   calling thread while it waits;
//! - `kf_admin_<op>_async(admin, inputs..., options, callback, opaque)` starts it and returns; the
//!   result is handed over (owned) to `callback` by a later kf_admin_poll() on the thread inside
//!   it.
//!
//! Either way the result (kf_admin_result_t) lists every item (topic, resource, group, user,
//! ACL binding or filter, partition) with its own value or its own error: one item's failure
//! never hides the others. Inputs are copied when the operation starts; the caller keeps owning
//! them and may destroy them right after the call.
//!
//! Thread safety: an admin client may be used from many threads at once, except that
//! kf_admin_destroy() must not race with any other call on it.
//!
//! The files: client.rs (the client's lifecycle), options.rs (kf_admin_options_t), run.rs (what
//! every operation does at the boundary), one file per operation family (topics.rs, configs.rs,
//! cluster.rs, groups.rs, acls.rs, scram.rs, partitions.rs), constants.rs, inputs.rs (the
//! operations' inputs) and result.rs (kf_admin_result_t and what it holds).
//!
//! Each operation's blocking form documents its whole contract; its `_async` form differs only
//! in how the result is delivered. Common to every blocking form:
//!   `options` may be NULL (defaults). `*result_out`: on success, caller owns; free with
//!   kf_admin_result_destroy(). Success means the operation ran: each item carries its own
//!   error, and kf_admin_result_error() the request-level one.
//!   Blocks: until the result arrives: at most the request timeout (kf_admin_options_set_
//!   request_timeout, default socket.timeout.ms) plus a few seconds; serves the client's callbacks
//!   meanwhile; kf_admin_wake() ends the wait with KF_ERR__INTR.
//! Common to every `_async` form: `callback` (required) gets the result, handed over, from a
//! later kf_admin_poll(); it is not called when the call itself returns an error, nor after
//! kf_admin_destroy() (which gives the opaque to the client's opaque release instead).
use super::Handle;
use crate::kafka::admin::inputs::{
    AclSpec, ConfigResource, NewPartitions, NewTopic, ScramAlteration,
};
use crate::kafka::admin::result::AdminResult;
use crate::kafka::admin::{Admin, AdminOptions};

// Declared in the header's order: cbindgen emits the functions in the order it reads them.
mod client;

mod options;

mod run;

mod topics;

mod configs;

mod cluster;

mod groups;

mod acls;

mod scram;

mod partitions;

mod constants;

pub mod inputs;

pub mod result;

pub use acls::*;
pub use client::*;
pub use cluster::*;
pub use configs::*;
pub use constants::*;
pub use groups::*;
pub use options::*;
pub use partitions::*;
pub use run::kf_admin_result_cb;
pub use scram::*;
pub use topics::*;

/// An admin client (Python's AdminClient).
pub struct kf_admin_t {
    _opaque: [u8; 0],
}

super::types::client_handle!(kf_admin_t => Admin, crate::kafka::tag::Tag::ADMIN);

/// Options of an admin operation (Python's keyword arguments request_timeout,
/// operation_timeout, validate_only, ...). NULL wherever an operation takes options means the
/// defaults.
pub struct kf_admin_options_t {
    _opaque: [u8; 0],
}

/// The result of an admin operation: an error for the request as a whole (if any) and the
/// items, each with its own value or its own error. Every pointer its accessors return (names,
/// errors, descriptions, entries, nodes, ACL bindings, partition lists) is borrowed from it and
/// valid until kf_admin_result_destroy(); never free one. A result is immutable: its accessors
/// may be called from any thread, and return NULL, 0 or -1 (as documented on each) for a NULL
/// handle or an index out of range.
pub struct kf_admin_result_t {
    _opaque: [u8; 0],
}

/// A topic to create (Python's NewTopic).
pub struct kf_new_topic_t {
    _opaque: [u8; 0],
}

/// Partitions to add to a topic (Python's NewPartitions).
pub struct kf_new_partitions_t {
    _opaque: [u8; 0],
}

/// A resource whose configuration is described or altered (Python's ConfigResource).
pub struct kf_config_resource_t {
    _opaque: [u8; 0],
}

/// An ACL binding or an ACL binding filter (Python's AclBinding / AclBindingFilter); also the
/// bindings listed in describe_acls and delete_acls results.
pub struct kf_acl_binding_t {
    _opaque: [u8; 0],
}

/// A SCRAM credential upsertion or deletion (Python's UserScramCredentialUpsertion /
/// UserScramCredentialDeletion).
pub struct kf_user_scram_credential_alteration_t {
    _opaque: [u8; 0],
}

/// A configuration entry of a describe_configs result (Python's ConfigEntry); borrowed from
/// the result.
pub struct kf_config_entry_t {
    _opaque: [u8; 0],
}

/// A topic description (Python's TopicDescription); borrowed from the result.
pub struct kf_topic_description_t {
    _opaque: [u8; 0],
}

/// A broker (Python's Node); borrowed from the result.
pub struct kf_node_t {
    _opaque: [u8; 0],
}

/// The cluster description of describe_cluster (Python's DescribeClusterResult); borrowed
/// from the result.
pub struct kf_cluster_description_t {
    _opaque: [u8; 0],
}

/// A consumer group of list_consumer_groups (Python's ConsumerGroupListing); borrowed from
/// the result.
pub struct kf_consumer_group_listing_t {
    _opaque: [u8; 0],
}

/// A consumer group description (Python's ConsumerGroupDescription); borrowed from the
/// result.
pub struct kf_consumer_group_description_t {
    _opaque: [u8; 0],
}

/// A member of a consumer group description (Python's MemberDescription); borrowed from the
/// result.
pub struct kf_member_description_t {
    _opaque: [u8; 0],
}

macro_rules! admin_handles {
    ($($name:ident => $target:ty;)*) => {$(
        unsafe impl Handle for $name {
            type Target = $target;
        }
    )*};
}

admin_handles! {
    kf_admin_options_t => AdminOptions;
    kf_admin_result_t => AdminResult;
    kf_new_topic_t => NewTopic;
    kf_new_partitions_t => NewPartitions;
    kf_config_resource_t => ConfigResource;
    kf_acl_binding_t => AclSpec;
    kf_user_scram_credential_alteration_t => ScramAlteration;
    kf_config_entry_t => crate::kafka::admin::result::ConfigEntry;
    kf_topic_description_t => crate::kafka::admin::result::TopicDescription;
    kf_node_t => crate::kafka::admin::result::Node;
    kf_cluster_description_t => crate::kafka::admin::result::ClusterDescription;
    kf_consumer_group_listing_t => crate::kafka::admin::result::GroupListing;
    kf_consumer_group_description_t => crate::kafka::admin::result::GroupDescription;
    kf_member_description_t => crate::kafka::admin::result::Member;
}
