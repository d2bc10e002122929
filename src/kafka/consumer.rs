//! The consumer: group membership and rebalances, assignment, poll and batch consume, commits,
//! offsets, positions, pause/resume, watermarks, close.
use std::ffi::CStr;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::time::Instant;

use rd::rd_kafka_resp_err_t as E;
use rdkafka_sys as rd;

use super::callbacks::RebalanceCallbacks;
use super::client::{Client, ClientKind, ClientState, SendPtr};
use super::config::Config;
use super::message::Message;
use super::metadata::{self, Metadata};
use super::producer::deadline;
use super::tag::Tag;
use super::topic_partition::{PartitionList, TopicPartitionList};
use crate::error::{check, KResult, KafkaError};

/// `repr(C)` with the tag first: see `tag`.
#[repr(C)]
pub struct Consumer {
    tag: Tag,
    pub client: Client,
    pub(super) closed: AtomicBool,
    /// Set when close starts: the rebalance callbacks close serves may still call assign,
    /// unassign, commit and the like; `closed` is set once librdkafka has left the group.
    pub(super) closing: AtomicBool,
    /// The queue rd_kafka_consumer_close_queue() forwards the consumer queue to while the
    /// consumer leaves its group (see consumer_close.rs); destroyed with the consumer.
    pub(super) close_q: AtomicPtr<rd::rd_kafka_queue_t>,
    /// The application's enable.auto.offset.store (default true). librdkafka's own is always
    /// false (see Client::new): kafkaffi stores the offsets of the messages it hands over.
    auto_store: bool,
}

impl Consumer {
    pub fn new(config: &Config) -> KResult<Box<Consumer>> {
        // Required, as in the Python client: without a group librdkafka has no consumer queue,
        // and subscribe, assign and commit could only fail with _UNKNOWN_GROUP.
        if !config.get("group.id").is_ok_and(|g| !g.is_empty()) {
            return Err(KafkaError::invalid_arg("group.id must be set"));
        }
        let c = Box::new(Consumer {
            tag: Tag::CONSUMER,
            client: Client::new(ClientKind::Consumer, config)?,
            closed: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            close_q: AtomicPtr::new(std::ptr::null_mut()),
            auto_store: config
                .get("enable.auto.offset.store")
                .map_or(true, |v| v == "true"),
        });
        // Rebalance callbacks receive this consumer so they can call assign on it.
        c.client
            .state
            .consumer
            .store(&*c as *const Consumer as *mut Consumer, Ordering::Release);
        Ok(c)
    }

    pub(super) fn rk(&self) -> *mut rd::rd_kafka_t {
        self.client.rk
    }

    /// Checked before every call but close, wake and destroy: fails with _FORKED in a child
    /// process forked after the consumer was created, and with _STATE once it is closed.
    #[inline]
    pub fn usable(&self, call: &str) -> KResult<()> {
        self.client.check_fork(call)?;
        if self.closed.load(Ordering::Acquire) {
            Err(KafkaError::state(format!("{call}: the consumer is closed")))
        } else {
            Ok(())
        }
    }

    pub fn subscribe(
        &self,
        topics: &[&CStr],
        callbacks: Option<RebalanceCallbacks>,
    ) -> KResult<()> {
        let mut list = TopicPartitionList::new(topics.len());
        for t in topics {
            list.add(t, -1 /* RD_KAFKA_PARTITION_UA */);
        }
        *self.client.state.rebalance.lock() = callbacks;
        check(unsafe { rd::rd_kafka_subscribe(self.rk(), list.ptr) })
    }

    pub fn unsubscribe(&self) -> KResult<()> {
        check(unsafe { rd::rd_kafka_unsubscribe(self.rk()) })
    }

    fn note_assign_call(&self) {
        self.client
            .state
            .rebalance_handled
            .store(true, Ordering::Release);
    }

    /// Replaces the assignment; None removes it.
    pub fn assign(&self, parts: Option<&PartitionList>) -> KResult<()> {
        self.note_assign_call();
        check(unsafe {
            rd::rd_kafka_assign(
                self.rk(),
                parts.map_or(std::ptr::null(), PartitionList::as_ptr),
            )
        })
    }

    pub fn incremental_assign(&self, parts: &PartitionList) -> KResult<()> {
        self.note_assign_call();
        rd_error(unsafe { rd::rd_kafka_incremental_assign(self.rk(), parts.as_ptr()) })
    }

    pub fn incremental_unassign(&self, parts: &PartitionList) -> KResult<()> {
        self.note_assign_call();
        rd_error(unsafe { rd::rd_kafka_incremental_unassign(self.rk(), parts.as_ptr()) })
    }

    pub fn assignment(&self) -> KResult<TopicPartitionList> {
        let mut out = std::ptr::null_mut();
        check(unsafe { rd::rd_kafka_assignment(self.rk(), &mut out) })?;
        Ok(TopicPartitionList::from_raw(out))
    }

    /// One message (or error event, such as _PARTITION_EOF) or None on timeout.
    /// The caller owns the message (Message::destroy).
    pub fn poll(&self, timeout_ms: i32) -> KResult<Option<*mut Message>> {
        let _g = self.client.begin_serving("poll")?;
        if self.closing.load(Ordering::Acquire) {
            self.poll_closing(timeout_ms)?;
            return Ok(None);
        }
        let m = self.next_message(timeout_ms)?;
        if let Some(m) = m {
            self.store_returned(std::slice::from_ref(&m));
        }
        Ok(m.map(|m| m as *mut Message))
    }

    /// Up to `out.len()` messages, waiting until `timeout_ms` has passed for the rest.
    ///
    /// Built on rd_kafka_consume_batch_queue, which moves many messages out of the queue under
    /// one lock. librdkafka 2.12.1's batch call can store (and so auto-commit) offsets of
    /// messages it never returned (librdkafka #4844): librdkafka's enable.auto.offset.store is
    /// therefore always false, and the offsets of the messages returned here are stored by
    /// store_returned() (when the application's enable.auto.offset.store is true).
    /// The caller owns each message written to `out` (Message::destroy).
    pub fn consume(&self, out: &mut [*mut Message], timeout_ms: i32) -> KResult<usize> {
        let len = out.len();
        let base = out.as_mut_ptr() as *mut *mut rd::rd_kafka_message_t;
        // SAFETY: every slot handed out lies inside `out`.
        self.consume_with(len, timeout_ms, true, |n| unsafe { (base.add(n), len - n) })
    }

    /// Up to `max` messages appended to `out` (grown as they arrive, so a large `max` costs no
    /// memory up front), as [`Consumer::consume`]. `store` false defers the offset store: the
    /// caller then stores each message's offset when it hands it over
    /// ([`Consumer::store_handed_over`]), so auto-commit never passes what was handed over.
    /// The caller owns each message appended (Message::destroy).
    pub fn consume_into(
        &self,
        out: &mut Vec<*mut Message>,
        max: usize,
        timeout_ms: i32,
        store: bool,
    ) -> KResult<usize> {
        let start = out.len();
        let mut filled = 0;
        let res = self.consume_with(max, timeout_ms, store, |n| {
            // Slots [start, start + n) are filled: count them before growing.
            filled = n;
            unsafe { out.set_len(start + n) };
            if out.len() == out.capacity() {
                // Doubling from 64 up to what is still wanted.
                out.reserve((max - n).min(n.max(64)));
            }
            let spare = (out.capacity() - out.len()).min(max - n);
            let p = unsafe { out.as_mut_ptr().add(out.len()) } as *mut *mut rd::rd_kafka_message_t;
            (p, spare)
        });
        match res {
            Ok(n) => {
                unsafe { out.set_len(start + n) };
                Ok(n)
            }
            Err(e) => {
                unsafe { out.set_len(start + filled) };
                Err(e)
            }
        }
    }

    /// The batch loop: `slots(n)`, with `n` messages read so far, gives where the next ones go
    /// and how many fit there (at least one while n < max).
    fn consume_with(
        &self,
        max: usize,
        timeout_ms: i32,
        store: bool,
        mut slots: impl FnMut(usize) -> (*mut *mut rd::rd_kafka_message_t, usize),
    ) -> KResult<usize> {
        let _g = self.client.begin_serving("consume")?;
        if self.closing.load(Ordering::Acquire) {
            self.poll_closing(timeout_ms)?;
            return Ok(0);
        }
        if max == 0 {
            return Ok(0);
        }
        // None until the first call has returned short: no clock read while messages are queued.
        let mut deadline: Option<Option<Instant>> = None;
        let mut n = 0;
        while n < max {
            self.client.serve_main_if_pending();
            if let Err(e) = self.client.check_woken() {
                // Woken after some messages arrived: hand them over rather than lose them.
                if n > 0 {
                    return Ok(n);
                }
                return Err(e);
            }
            let wait = match deadline {
                None => 0,
                Some(None) => -1,
                Some(Some(d)) => remaining_ms(d),
            };
            let (rest, room) = slots(n);
            let got =
                unsafe { rd::rd_kafka_consume_batch_queue(self.client.queue(), wait, rest, room) };
            if got > 0 {
                let got = got as usize;
                if store {
                    self.store_returned(unsafe { std::slice::from_raw_parts(rest, got) });
                }
                n += got;
                if got == room && n < max {
                    continue; // the slots were full, not the queue empty: more may be waiting
                }
            }
            if n == max {
                break;
            }
            // Short: the wait ended, a wake-up, or a main-queue event (served on the next turn).
            match deadline {
                None if timeout_ms == 0 => break,
                None => deadline = Some(crate::kafka::producer::deadline(timeout_ms)),
                Some(_) if wait == 0 => break,
                Some(_) => {}
            }
        }
        self.client.serve_main_if_pending();
        // A wake-up during the last wait: _INTR when nothing was read, else consumed with it.
        if let Err(e) = self.client.check_woken() {
            if n == 0 {
                return Err(e);
            }
        }
        Ok(n)
    }

    /// Stores the offset after `msg` as poll and consume do for the messages they hand over:
    /// only when the application's enable.auto.offset.store is true and the message carries no
    /// error; a partition no longer assigned is skipped. For messages read with the store
    /// deferred ([`Consumer::consume_into`] with `store` false).
    pub fn store_handed_over(&self, msg: &Message) {
        self.store_returned(&[msg.as_ptr() as *mut rd::rd_kafka_message_t]);
    }

    /// Stores the offsets of messages handed to the application, when its
    /// enable.auto.offset.store is true (librdkafka's own is false: see `auto_store`). For a
    /// run of messages of one partition only the last is stored (they are in offset order).
    fn store_returned(&self, msgs: &[*mut rd::rd_kafka_message_t]) {
        if !self.auto_store {
            return;
        }
        for (i, &m) in msgs.iter().enumerate() {
            let cur = unsafe { &*m };
            if cur.err as i32 != 0 {
                continue;
            }
            if let Some(&next) = msgs.get(i + 1) {
                let next = unsafe { &*next };
                if next.err as i32 == 0 && next.rkt == cur.rkt && next.partition == cur.partition {
                    continue; // the next one stores a later offset of the same partition
                }
            }
            // Fails only for a partition no longer assigned, whose offset must not be stored.
            let e = unsafe { rd::rd_kafka_offset_store_message(m) };
            if !e.is_null() {
                unsafe { rd::rd_kafka_error_destroy(e) };
            }
        }
    }

    /// The next message or event from the consumer queue, serving main-queue callbacks while
    /// waiting. None when `timeout_ms` passes (-1: never); _INTR when woken.
    fn next_message(&self, timeout_ms: i32) -> KResult<Option<*mut rd::rd_kafka_message_t>> {
        self.client.serve_main_if_pending();
        self.client.check_woken()?;
        // First without a clock read: a message is usually waiting.
        let m = unsafe { rd::rd_kafka_consumer_poll(self.rk(), 0) };
        if !m.is_null() {
            return Ok(Some(m));
        }
        let deadline = deadline(timeout_ms);
        let mut wait = timeout_ms;
        while wait != 0 {
            self.client.serve_main_if_pending();
            self.client.check_woken()?;
            let m = unsafe { rd::rd_kafka_consumer_poll(self.rk(), wait) };
            if !m.is_null() {
                return Ok(Some(m));
            }
            // NULL: the wait ended, a wake-up, or a main-queue event (served on the next turn).
            self.client.check_woken()?;
            wait = match deadline {
                None => -1,
                Some(d) => remaining_ms(d),
            };
        }
        self.client.serve_main_if_pending();
        Ok(None)
    }

    /// Commits. `offsets` None commits the current positions. Synchronous commits return the
    /// committed list with per-partition errors; they wait up to `timeout_ms` (-1: no limit)
    /// and end with _INTR on a wake-up. A commit that timed out or was woken goes on in the
    /// background; its result is discarded when it arrives.
    pub fn commit(
        &self,
        offsets: Option<&PartitionList>,
        asynchronous: bool,
        timeout_ms: i32,
    ) -> KResult<Option<TopicPartitionList>> {
        let offs = offsets.map_or(std::ptr::null(), PartitionList::as_ptr);
        if asynchronous {
            check(unsafe { rd::rd_kafka_commit(self.rk(), offs, 1) })?;
            return Ok(None);
        }
        // Serves main-queue callbacks while waiting, unless inside a callback or in
        // serve-in-poll mode.
        let serve = !self.client.in_callback() && !self.client.serve_in_poll();
        let _g = if serve {
            Some(self.client.begin_serving("commit")?)
        } else {
            None
        };
        self.client.check_woken()?;
        unsafe { self.commit_sync(offs, timeout_ms, serve) }
    }

    /// A synchronous commit whose result event comes back on a temporary queue, so the
    /// per-partition outcome is returned to the caller and on_commit is kept for asynchronous
    /// and automatic commits (as in the Python client).
    unsafe fn commit_sync(
        &self,
        offsets: *const rd::rd_kafka_topic_partition_list_t,
        timeout_ms: i32,
        serve: bool,
    ) -> KResult<Option<TopicPartitionList>> {
        let rk = self.rk();
        let q = rd::rd_kafka_queue_new(rk);
        // With no callback of its own, librdkafka would also report this commit to the
        // configured on_commit; with one, the result only comes back on `q` (as an event: it is
        // not called).
        let err =
            rd::rd_kafka_commit_queue(rk, offsets, q, Some(sync_commit_cb), std::ptr::null_mut());
        if err as i32 != 0 {
            rd::rd_kafka_queue_destroy(q);
            return Err(KafkaError::from_code(err as i32));
        }
        let target = self.client.wake_target(q);
        let end = deadline(timeout_ms);
        let ev = loop {
            if serve {
                self.client.serve_main_if_pending();
            }
            if let Err(e) = self.client.check_woken() {
                break Err(e);
            }
            let mut wait = match end {
                None => -1,
                Some(d) => {
                    let left = remaining_ms(d);
                    if left == 0 {
                        break Err(KafkaError::from_code_msg(
                            crate::error::ERR_TIMED_OUT,
                            "commit: timed out (the commit goes on in the background)",
                        ));
                    }
                    left
                }
            };
            if serve {
                // Main-queue callbacks (an OAUTHBEARER refresh) are served between slices.
                wait = if wait < 0 { 50 } else { wait.min(50) };
            }
            let ev = rd::rd_kafka_queue_poll(q, wait);
            if !ev.is_null() {
                break Ok(ev);
            }
        };
        drop(target);
        // Abandoned (woken or timed out): the result, when it arrives, is dropped with the
        // queue.
        rd::rd_kafka_queue_destroy(q);
        if serve {
            self.client.serve_main_if_pending();
        }
        let ev = ev?;
        let code = rd::rd_kafka_event_error(ev) as i32;
        let parts = rd::rd_kafka_event_topic_partition_list(ev);
        let result = parts.as_ref().map(TopicPartitionList::copy_of);
        let msg = CStr::from_ptr(rd::rd_kafka_event_error_string(ev))
            .to_string_lossy()
            .into_owned();
        rd::rd_kafka_event_destroy(ev);
        if code != 0 {
            return Err(KafkaError::from_code_msg(code, msg));
        }
        Ok(result)
    }

    /// Runs a query that fills `parts` on a helper thread that a wake-up can abandon (see
    /// Client::run_detached): the helper works on its own copy, copied back on success.
    fn list_query(
        &self,
        call: &'static str,
        parts: &mut TopicPartitionList,
        timeout_ms: i32,
        q: unsafe extern "C" fn(
            *mut rd::rd_kafka_t,
            *mut rd::rd_kafka_topic_partition_list_t,
            c_int,
        ) -> rd::rd_kafka_resp_err_t,
    ) -> KResult<()> {
        let rk = SendPtr(self.rk());
        let copy = SendPtr(unsafe { rd::rd_kafka_topic_partition_list_copy(parts.ptr) });
        let res = self.client.run_detached(
            call,
            wait_limit(timeout_ms),
            move || {
                let err = unsafe { q(rk.get(), copy.get(), timeout_ms) };
                (err as i32, copy)
            },
            |(_, l)| unsafe { rd::rd_kafka_topic_partition_list_destroy(l.get()) },
        )?;
        let (code, l) = res;
        let out = TopicPartitionList::from_raw(l.get());
        check_code(code)?;
        *parts = out;
        Ok(())
    }

    pub fn committed(&self, parts: &mut TopicPartitionList, timeout_ms: i32) -> KResult<()> {
        self.list_query("committed", parts, timeout_ms, rd::rd_kafka_committed)
    }

    pub fn position(&self, parts: &TopicPartitionList) -> KResult<()> {
        check(unsafe { rd::rd_kafka_position(self.rk(), parts.ptr) })
    }

    pub fn seek(&self, parts: &TopicPartitionList, timeout_ms: i32) -> KResult<()> {
        let (rk, l) = (SendPtr(self.rk()), SendPtr(parts.ptr));
        self.client.serve_while("seek", move || {
            rd_error(unsafe { rd::rd_kafka_seek_partitions(rk.get(), l.get(), timeout_ms) })
        })?
    }

    pub fn pause(&self, parts: &TopicPartitionList) -> KResult<()> {
        check(unsafe { rd::rd_kafka_pause_partitions(self.rk(), parts.ptr) })
    }

    pub fn resume(&self, parts: &TopicPartitionList) -> KResult<()> {
        check(unsafe { rd::rd_kafka_resume_partitions(self.rk(), parts.ptr) })
    }

    /// (low, high) watermarks: as last seen by the fetcher (`cached`), or asked of the broker
    /// (on a helper thread a wake-up can abandon).
    pub fn watermark_offsets(
        &self,
        topic: &CStr,
        partition: i32,
        timeout_ms: i32,
        cached: bool,
    ) -> KResult<(i64, i64)> {
        let (mut lo, mut hi) = (0i64, 0i64);
        if cached {
            let err = unsafe {
                rd::rd_kafka_get_watermark_offsets(
                    self.rk(),
                    topic.as_ptr(),
                    partition,
                    &mut lo,
                    &mut hi,
                )
            };
            return check(err).map(|_| (lo, hi));
        }
        let rk = SendPtr(self.rk());
        let topic = topic.to_owned();
        let (code, lo, hi) = self.client.run_detached(
            "get_watermark_offsets",
            wait_limit(timeout_ms),
            move || {
                let (mut lo, mut hi) = (0i64, 0i64);
                let err = unsafe {
                    rd::rd_kafka_query_watermark_offsets(
                        rk.get(),
                        topic.as_ptr(),
                        partition,
                        &mut lo,
                        &mut hi,
                        timeout_ms,
                    )
                };
                (err as i32, lo, hi)
            },
            |_| {},
        )?;
        check_code(code).map(|_| (lo, hi))
    }

    pub fn offsets_for_times(
        &self,
        parts: &mut TopicPartitionList,
        timeout_ms: i32,
    ) -> KResult<()> {
        self.list_query(
            "offsets_for_times",
            parts,
            timeout_ms,
            rd::rd_kafka_offsets_for_times,
        )
    }

    pub fn store_offsets(&self, parts: &TopicPartitionList) -> KResult<()> {
        if self.auto_store {
            // What librdkafka answers when its own enable.auto.offset.store is true.
            return Err(KafkaError::from_code(
                E::RD_KAFKA_RESP_ERR__INVALID_ARG as i32,
            ));
        }
        check(unsafe { rd::rd_kafka_offsets_store(self.rk(), parts.ptr) })
    }

    pub fn store_message_offset(&self, msg: &Message) -> KResult<()> {
        rd_error(unsafe { rd::rd_kafka_offset_store_message(msg.as_ptr() as *mut _) })
    }

    /// The member id given by the group coordinator, or None before joining.
    pub fn memberid(&self) -> Option<String> {
        unsafe {
            let p = rd::rd_kafka_memberid(self.rk());
            if p.is_null() {
                return None;
            }
            let s = CStr::from_ptr(p).to_string_lossy().into_owned();
            rd::rd_kafka_mem_free(self.rk(), p as *mut _);
            // librdkafka gives "" until the coordinator assigns an id (Python returns None).
            (!s.is_empty()).then_some(s)
        }
    }

    /// The caller owns the result (GroupMetadata::destroy).
    pub fn group_metadata(&self) -> KResult<*mut GroupMetadata> {
        let md = unsafe { rd::rd_kafka_consumer_group_metadata(self.rk()) } as *mut GroupMetadata;
        if md.is_null() {
            Err(KafkaError::state(
                "consumer_group_metadata: the consumer has no group.id",
            ))
        } else {
            Ok(md)
        }
    }

    pub fn list_topics(&self, topic: Option<&CStr>, timeout_ms: i32) -> KResult<*const Metadata> {
        metadata::fetch(&self.client, topic, timeout_ms)
    }

    /// Makes any blocking call of this consumer on another thread return with _INTR (latched
    /// for the next one when none is blocked). Async-signal-safe.
    pub fn wake(&self) -> KResult<()> {
        self.client.check_fork("wake")?;
        self.client.wake();
        Ok(())
    }
}

/// A consumer's group metadata (for send_offsets_to_transaction): librdkafka's own, seen in place.
#[repr(transparent)]
pub struct GroupMetadata(rd::rd_kafka_consumer_group_metadata_t);

impl GroupMetadata {
    #[inline]
    pub fn as_ptr(&self) -> *const rd::rd_kafka_consumer_group_metadata_t {
        &self.0
    }

    /// Metadata for `group_id` alone (no generation or member id), as Python's
    /// ConsumerGroupMetadata built from a group id. The caller owns it (destroy).
    pub fn new(group_id: &CStr) -> KResult<*mut GroupMetadata> {
        let m = unsafe { rd::rd_kafka_consumer_group_metadata_new(group_id.as_ptr()) };
        if m.is_null() {
            return Err(KafkaError::invalid_arg(
                "group metadata: librdkafka refused the group id",
            ));
        }
        Ok(m as *mut GroupMetadata)
    }

    /// The metadata in librdkafka's serialized form (what Python pickles).
    pub fn write(&self) -> KResult<Vec<u8>> {
        let mut buf: *mut std::os::raw::c_void = std::ptr::null_mut();
        let mut len = 0usize;
        unsafe {
            let err = rd::rd_kafka_consumer_group_metadata_write(self.as_ptr(), &mut buf, &mut len);
            if let Some(e) = KafkaError::from_rd_error(err) {
                return Err(e);
            }
            let v = std::slice::from_raw_parts(buf as *const u8, len).to_vec();
            rd::rd_kafka_mem_free(std::ptr::null_mut(), buf);
            Ok(v)
        }
    }

    /// Metadata read back from write()'s bytes. The caller owns it (destroy).
    pub fn read(bytes: &[u8]) -> KResult<*mut GroupMetadata> {
        let mut m: *mut rd::rd_kafka_consumer_group_metadata_t = std::ptr::null_mut();
        unsafe {
            let err = rd::rd_kafka_consumer_group_metadata_read(
                &mut m,
                bytes.as_ptr() as *const std::os::raw::c_void,
                bytes.len(),
            );
            if let Some(e) = KafkaError::from_rd_error(err) {
                return Err(e);
            }
        }
        Ok(m as *mut GroupMetadata)
    }

    /// # Safety
    /// `m` is NULL or metadata the caller owns, not used afterwards.
    pub unsafe fn destroy(m: *mut GroupMetadata) {
        if !m.is_null() {
            rd::rd_kafka_consumer_group_metadata_destroy(m as *mut _)
        }
    }
}

/// The callback of a synchronous commit: present only so that librdkafka does not report the
/// commit to on_commit. Never called: the result is read from the queue as an event.
unsafe extern "C" fn sync_commit_cb(
    _rk: *mut rd::rd_kafka_t,
    _err: rd::rd_kafka_resp_err_t,
    _offsets: *mut rd::rd_kafka_topic_partition_list_t,
    _opaque: *mut std::os::raw::c_void,
) {
}

/// How long the caller of a librdkafka query with `timeout_ms` waits for it: a little longer
/// than librdkafka's own timeout, which normally ends it first (-1: no limit).
pub(super) fn wait_limit(timeout_ms: i32) -> i32 {
    if timeout_ms < 0 {
        -1
    } else {
        timeout_ms.saturating_add(2000)
    }
}

fn check_code(code: i32) -> KResult<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(KafkaError::from_code(code))
    }
}

/// Milliseconds left until `d` (0 once passed), rounded up so a wait never ends before it.
pub(super) fn remaining_ms(d: Instant) -> c_int {
    let left = d.saturating_duration_since(Instant::now());
    let ms = left.as_micros().div_ceil(1000);
    ms.min(c_int::MAX as u128) as c_int
}

fn rd_error(err: *mut rd::rd_kafka_error_t) -> KResult<()> {
    match unsafe { KafkaError::from_rd_error(err) } {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// The rebalance callback librdkafka calls (inside poll or close). Calls the application's
/// on_assign / on_revoke / on_lost; then, unless it assigned itself, applies the default
/// (incremental for the cooperative protocol, full otherwise), as the Python client does.
pub(crate) unsafe fn handle_rebalance(
    rk: *mut rd::rd_kafka_t,
    st: &ClientState,
    err: E,
    parts: *mut rd::rd_kafka_topic_partition_list_t,
) {
    let proto = rd::rd_kafka_rebalance_protocol(rk);
    let cooperative = !proto.is_null() && CStr::from_ptr(proto).to_bytes() == b"COOPERATIVE";
    let assigning = err == E::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    let consumer = st.consumer.load(Ordering::Acquire).as_ref();

    st.rebalance_handled.store(false, Ordering::Release);
    // Copy the callback out so the lock is not held while the application runs (it may call
    // subscribe or assign from the callback).
    let call = {
        let cbs = st.rebalance.lock();
        cbs.as_ref().and_then(|cbs| {
            let lost = !assigning && rd::rd_kafka_assignment_lost(rk) != 0;
            let f = if assigning {
                &cbs.on_assign
            } else if lost && cbs.on_lost.is_some() {
                &cbs.on_lost
            } else {
                &cbs.on_revoke
            };
            f.clone()
        })
    };
    if let (Some(f), Some(consumer), Some(list)) = (call, consumer, PartitionList::from_ptr(parts))
    {
        f(consumer, list);
    }
    if st.rebalance_handled.load(Ordering::Acquire) {
        return;
    }
    let res: Result<(), ()> = if cooperative {
        let e = if assigning {
            rd::rd_kafka_incremental_assign(rk, parts)
        } else {
            rd::rd_kafka_incremental_unassign(rk, parts)
        };
        if e.is_null() {
            Ok(())
        } else {
            rd::rd_kafka_error_destroy(e);
            Err(())
        }
    } else {
        let e = rd::rd_kafka_assign(
            rk,
            if assigning {
                parts
            } else {
                std::ptr::null_mut()
            },
        );
        if e as i32 == 0 {
            Ok(())
        } else {
            Err(())
        }
    };
    let _ = res; // failures surface through the error callback and the next poll
}
