//! An owned librdkafka topic-partition list.
use std::ffi::CStr;

use rdkafka_sys as rd;

use super::message::Message;
use crate::error::{KResult, KafkaError};

pub struct TopicPartitionList {
    pub ptr: *mut rd::rd_kafka_topic_partition_list_t,
}

// An owned heap object with no thread affinity; kafkaffi hands it to at most one thread at a time.
unsafe impl Send for TopicPartitionList {}
unsafe impl Sync for TopicPartitionList {}

impl TopicPartitionList {
    pub fn new(capacity: usize) -> Self {
        TopicPartitionList {
            ptr: unsafe {
                rd::rd_kafka_topic_partition_list_new(capacity.min(i32::MAX as usize) as i32)
            },
        }
    }

    /// Takes ownership of a list librdkafka allocated.
    pub fn from_raw(ptr: *mut rd::rd_kafka_topic_partition_list_t) -> Self {
        TopicPartitionList { ptr }
    }

    pub fn copy_of(list: &rd::rd_kafka_topic_partition_list_t) -> Self {
        TopicPartitionList {
            ptr: unsafe { rd::rd_kafka_topic_partition_list_copy(list) },
        }
    }

    /// A copy of a list the caller keeps.
    pub fn copied(list: &PartitionList) -> Self {
        Self::copy_of(list.raw())
    }

    /// Gives up ownership: the caller destroys it with rd_kafka_topic_partition_list_destroy.
    pub fn into_raw(self) -> *mut rd::rd_kafka_topic_partition_list_t {
        let p = self.ptr;
        std::mem::forget(self);
        p
    }
}

impl std::ops::Deref for TopicPartitionList {
    type Target = PartitionList;
    fn deref(&self) -> &PartitionList {
        unsafe { PartitionList::from_ptr(self.ptr) }.expect("an owned list is never NULL")
    }
}

impl std::ops::DerefMut for TopicPartitionList {
    fn deref_mut(&mut self) -> &mut PartitionList {
        unsafe { (self.ptr as *mut PartitionList).as_mut() }.expect("an owned list is never NULL")
    }
}

impl TopicPartitionList {
    /// A one-element list holding the offset after `m` (with its leader epoch): what committing
    /// or storing a message means.
    pub fn after_message(m: &Message) -> KResult<TopicPartitionList> {
        let topic = m.topic_ptr();
        if topic.is_null() {
            return Err(KafkaError::invalid_arg(
                "message has no topic (an error event?)",
            ));
        }
        let mut l = TopicPartitionList::new(1);
        let i = l.add(unsafe { CStr::from_ptr(topic) }, m.partition());
        let e = l.get_mut(i).expect("just added");
        e.set_offset(m.offset() + 1);
        e.set_leader_epoch(m.leader_epoch());
        Ok(l)
    }
}

impl Drop for TopicPartitionList {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            unsafe { rd::rd_kafka_topic_partition_list_destroy(self.ptr) }
        }
    }
}

/// A topic-partition list seen in place: what callbacks receive (borrowed for the callback),
/// what the owned [`TopicPartitionList`] holds, and what the C ABI hands out.
#[repr(transparent)]
pub struct PartitionList(rd::rd_kafka_topic_partition_list_t);

// A plain heap object with no thread affinity; mutation needs &mut.
unsafe impl Send for PartitionList {}
unsafe impl Sync for PartitionList {}

impl PartitionList {
    /// # Safety
    /// `p` is NULL or a live list that outlives `'a`.
    #[inline]
    pub unsafe fn from_ptr<'a>(p: *const rd::rd_kafka_topic_partition_list_t) -> Option<&'a Self> {
        (p as *const PartitionList).as_ref()
    }

    #[inline]
    pub fn as_ptr(&self) -> *const rd::rd_kafka_topic_partition_list_t {
        &self.0
    }

    /// librdkafka's list, for the calls that take it.
    #[inline]
    pub fn raw(&self) -> &rd::rd_kafka_topic_partition_list_t {
        &self.0
    }

    /// A new, empty list the caller owns (freed with [`PartitionList::destroy`]). `capacity` is
    /// a hint, clamped so that no value can exhaust memory.
    pub fn new_raw(capacity: usize) -> *mut PartitionList {
        unsafe { rd::rd_kafka_topic_partition_list_new(capacity.min(1024) as i32) as *mut _ }
    }

    /// # Safety
    /// `l` is NULL or a list the caller owns, not used afterwards.
    pub unsafe fn destroy(l: *mut PartitionList) {
        if !l.is_null() {
            rd::rd_kafka_topic_partition_list_destroy(l as *mut _)
        }
    }

    /// A deep copy the caller owns.
    pub fn copy_raw(&self) -> *mut PartitionList {
        unsafe { rd::rd_kafka_topic_partition_list_copy(&self.0) as *mut _ }
    }

    /// Appends (topic, partition) with an invalid offset; returns its index.
    pub fn add(&mut self, topic: &CStr, partition: i32) -> usize {
        unsafe { rd::rd_kafka_topic_partition_list_add(&mut self.0, topic.as_ptr(), partition) };
        self.len() - 1
    }

    pub fn len(&self) -> usize {
        self.0.cnt.max(0) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn elems(&self) -> &[Partition] {
        if self.0.elems.is_null() {
            return &[];
        }
        unsafe { std::slice::from_raw_parts(self.0.elems as *const Partition, self.len()) }
    }

    pub fn get(&self, index: usize) -> Option<&Partition> {
        self.elems().get(index)
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut Partition> {
        if index >= self.len() {
            return None;
        }
        unsafe { (self.0.elems.add(index) as *mut Partition).as_mut() }
    }

    /// Clears the _IN_PROGRESS marks librdkafka leaves on a seek it was not asked to wait for.
    pub fn clear_in_progress(&mut self) {
        let in_progress = rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__IN_PROGRESS;
        for i in 0..self.len() {
            let e = &mut self.get_mut(i).expect("in range").0;
            if e.err == in_progress {
                e.err = rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR;
            }
        }
    }

    /// The first element's error, naming its topic and partition.
    pub fn first_error(&self) -> KResult<()> {
        match self.elems().iter().find(|e| e.error_code() != 0) {
            None => Ok(()),
            Some(e) => {
                let code = e.error_code();
                let desc = crate::error::code_description(code).to_string_lossy();
                Err(KafkaError::from_code_msg(
                    code,
                    format!("{}[{}]: {desc}", e.topic().to_string_lossy(), e.partition()),
                ))
            }
        }
    }

    /// The index of (topic, partition), if present.
    pub fn find(&self, topic: &CStr, partition: i32) -> Option<usize> {
        self.elems()
            .iter()
            .position(|e| e.partition() == partition && e.topic() == topic)
    }
}

/// One element of a [`PartitionList`]: topic, partition, offset, metadata, leader epoch, error.
#[repr(transparent)]
pub struct Partition(rd::rd_kafka_topic_partition_t);

impl Partition {
    /// The topic (NUL-terminated, living as long as the list).
    pub fn topic(&self) -> &CStr {
        unsafe { CStr::from_ptr(self.0.topic) }
    }

    #[inline]
    pub fn partition(&self) -> i32 {
        self.0.partition
    }

    #[inline]
    pub fn offset(&self) -> i64 {
        self.0.offset
    }

    pub fn set_offset(&mut self, offset: i64) {
        self.0.offset = offset;
    }

    /// The commit metadata as (pointer, length): NULL when none.
    pub fn metadata_raw(&self) -> (*const u8, usize) {
        (self.0.metadata as *const u8, self.0.metadata_size)
    }

    /// Sets (copies) the commit metadata; None or empty clears it.
    pub fn set_metadata(&mut self, data: Option<&[u8]>) -> KResult<()> {
        unsafe {
            if !self.0.metadata.is_null() {
                libc::free(self.0.metadata);
            }
            self.0.metadata = std::ptr::null_mut();
            self.0.metadata_size = 0;
            // librdkafka frees element metadata with free(): allocate it with malloc.
            if let Some(d) = data.filter(|d| !d.is_empty()) {
                let p = libc::malloc(d.len());
                if p.is_null() {
                    return Err(KafkaError::state("commit metadata: out of memory"));
                }
                std::ptr::copy_nonoverlapping(d.as_ptr(), p as *mut u8, d.len());
                self.0.metadata = p;
                self.0.metadata_size = d.len();
            }
        }
        Ok(())
    }

    pub fn leader_epoch(&self) -> i32 {
        unsafe { rd::rd_kafka_topic_partition_get_leader_epoch(&self.0) }
    }

    pub fn set_leader_epoch(&mut self, epoch: i32) {
        unsafe { rd::rd_kafka_topic_partition_set_leader_epoch(&mut self.0, epoch) }
    }

    #[inline]
    pub fn error_code(&self) -> i32 {
        self.0.err as i32
    }
}
