//! kf_consumer_group_metadata_t: a consumer's group metadata (from kf_consumer_group_metadata()),
//! for kf_producer_send_offsets_to_transaction().
use super::types::*;
use super::value;
use crate::kafka::consumer::GroupMetadata;

/// Frees consumer group metadata from kf_consumer_group_metadata(). NULL is a no-op.
/// Thread safety: once, with no other call on the consumer group metadata running.
/// Blocks: no.
#[no_mangle]
pub extern "C" fn kf_consumer_group_metadata_destroy(cgmd: *mut kf_consumer_group_metadata_t) {
    value((), || unsafe {
        GroupMetadata::destroy(cgmd as *mut GroupMetadata)
    })
}
