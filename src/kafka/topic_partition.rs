//! An owned librdkafka topic-partition list.
use std::ffi::CStr;

use rdkafka_sys as rd;

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

    pub fn add(&self, topic: &CStr, partition: i32) -> *mut rd::rd_kafka_topic_partition_t {
        unsafe { rd::rd_kafka_topic_partition_list_add(self.ptr, topic.as_ptr(), partition) }
    }

    /// Gives up ownership: the caller destroys it with rd_kafka_topic_partition_list_destroy.
    pub fn into_raw(self) -> *mut rd::rd_kafka_topic_partition_list_t {
        let p = self.ptr;
        std::mem::forget(self);
        p
    }
}

impl Drop for TopicPartitionList {
    fn drop(&mut self) {
        if !self.ptr.is_null() {
            unsafe { rd::rd_kafka_topic_partition_list_destroy(self.ptr) }
        }
    }
}
