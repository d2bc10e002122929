//! The producer: produce (single and batch), poll, flush, purge, metadata, credentials.
use std::ffi::{CStr, CString};
use std::mem::MaybeUninit;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::addr_of_mut;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use rd::rd_kafka_vtype_t as V;
use rdkafka_sys as rd;

use super::callbacks::DeliverySlot;
use super::client::{Client, ClientKind};
use super::config::Config;
use super::delivery::{DeliveryReportBatch, OutHeaders, PullingGuard};
use super::metadata;
use super::tag::Tag;
use crate::error::{check, KResult, KafkaError};

/// `repr(C)` with the tag first: see `tag`.
#[repr(C)]
pub struct Producer {
    tag: Tag,
    /// Declared first, so dropped first: its topic handles go before the client's rd_kafka_t.
    topics: TopicCache,
    pub client: Client,
    /// Set by close(): every later call but len, fatal_error and destroy fails with _STATE.
    closed: std::sync::atomic::AtomicBool,
}

/// One topic this producer has produced to: its name and librdkafka topic handle.
struct TopicEntry {
    name: CString,
    rkt: *mut rd::rd_kafka_topic_t,
}

/// The topics produced to, so that a produce call neither checks the name's UTF-8 again nor
/// has librdkafka look the topic up (rd_kafka_topic_new0 under a lock) for every message. The
/// last topic used is one atomic load away; the others are found under a lock. Entries live
/// as long as the producer (at most MAX_CACHED_TOPICS of them; more topics take the uncached
/// path).
struct TopicCache {
    last: AtomicPtr<TopicEntry>,
    /// Boxed: `last` points into entries, which must not move when the Vec grows.
    #[allow(clippy::vec_box)]
    all: Mutex<Vec<Box<TopicEntry>>>,
}

const MAX_CACHED_TOPICS: usize = 1024;

// The topic handles are librdkafka's, which are thread-safe.
unsafe impl Send for TopicCache {}
unsafe impl Sync for TopicCache {}

impl TopicCache {
    fn new() -> TopicCache {
        TopicCache {
            last: AtomicPtr::new(std::ptr::null_mut()),
            all: Mutex::new(Vec::new()),
        }
    }

    /// The cached copy of the C string at `p` when it is the last topic used (compared byte by
    /// byte up to its NUL, so it is known to be valid UTF-8 without reading it twice). The copy
    /// lives as long as the producer, and rkt() recognises it by its address.
    ///
    /// # Safety
    /// `p` is a NUL-terminated string.
    unsafe fn last_matching<'a>(&self, p: *const c_char) -> Option<&'a CStr> {
        let e = self.last.load(Ordering::Acquire).as_ref()?;
        let name = e.name.as_bytes_with_nul();
        for (i, &b) in name.iter().enumerate() {
            if *p.add(i) as u8 != b {
                return None;
            }
        }
        Some(&*(e.name.as_c_str() as *const CStr))
    }

    /// The topic handle for `topic`, created on first use; None when librdkafka refuses one
    /// (the caller then names the topic, and librdkafka reports the error).
    fn rkt(&self, rk: *mut rd::rd_kafka_t, topic: &CStr) -> Option<*mut rd::rd_kafka_topic_t> {
        self.entry(rk, topic).map(|e| e.rkt)
    }

    /// The entry of `topic` (see rkt()); it lives as long as the cache.
    fn entry<'a>(&self, rk: *mut rd::rd_kafka_t, topic: &CStr) -> Option<&'a TopicEntry> {
        if let Some(e) = unsafe { self.last.load(Ordering::Acquire).as_ref() } {
            if e.name.as_ptr() == topic.as_ptr() || e.name.as_c_str() == topic {
                return Some(e);
            }
        }
        let mut all = self.all.lock();
        let e: &TopicEntry = match all.iter().position(|e| e.name.as_c_str() == topic) {
            Some(i) => &all[i],
            None => {
                if all.len() >= MAX_CACHED_TOPICS {
                    return None;
                }
                let rkt =
                    unsafe { rd::rd_kafka_topic_new(rk, topic.as_ptr(), std::ptr::null_mut()) };
                if rkt.is_null() {
                    return None;
                }
                all.push(Box::new(TopicEntry {
                    name: topic.to_owned(),
                    rkt,
                }));
                all.last().unwrap()
            }
        };
        self.last
            .store(e as *const TopicEntry as *mut TopicEntry, Ordering::Release);
        // Boxed and never removed before the cache is dropped.
        Some(unsafe { &*(e as *const TopicEntry) })
    }
}

impl Drop for TopicCache {
    fn drop(&mut self) {
        for e in self.all.get_mut().drain(..) {
            unsafe { rd::rd_kafka_topic_destroy(e.rkt) };
        }
    }
}

/// One message to produce. Borrowed data is copied by librdkafka before produce returns.
pub struct OutMessage<'a> {
    pub topic: &'a std::ffi::CStr,
    pub partition: i32,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: OutHeaders<'a>,
    pub timestamp_ms: i64,
    /// The message's own delivery callback and/or zero-copy release function.
    pub delivery: Option<DeliverySlot>,
}

/// How often a blocking flush looks for a wake-up while it waits.
const WAKE_SLICE: Duration = Duration::from_millis(20);
/// How often a serve-in-poll flush looks at the messages in flight.
const FLUSH_POLL: Duration = Duration::from_millis(2);

impl Producer {
    pub fn new(config: &Config) -> KResult<Producer> {
        Ok(Producer {
            tag: Tag::PRODUCER,
            topics: TopicCache::new(),
            client: Client::new(ClientKind::Producer, config)?,
            closed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Fails with _FORKED in a child process forked after the producer was created: checked
    /// before every call (one relaxed atomic load).
    #[inline]
    pub fn usable(&self, call: &str) -> KResult<()> {
        self.client.check_fork(call)?;
        if self.closed.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(KafkaError::state(format!("{call}: the producer is closed")));
        }
        Ok(())
    }

    /// Java's close(timeout): aborts an open transaction (as Python's close), delivers what it
    /// can within `timeout_ms` (-1: no limit), serving callbacks; then purges what is left (queued and in flight), serves the purged messages'
    /// delivery reports (_PURGE_QUEUE / _PURGE_INFLIGHT) and marks the producer closed.
    /// Returns how many messages were left at the timeout and purged (0: all delivered).
    pub fn close(&self, timeout_ms: i32) -> KResult<usize> {
        self.usable("close")?;
        let end = deadline(timeout_ms);
        // As Python's Producer.close(): an open transaction is aborted first. Its errors (not
        // transactional, no transaction open, the abort timed out) do not stop the close.
        let _ = self.abort_transaction(timeout_ms);
        let rest = end.map_or(-1, |d| {
            d.saturating_duration_since(Instant::now())
                .as_millis()
                .min(i32::MAX as u128) as i32
        });
        let left = self.flush(rest)?;
        if left > 0 {
            self.purge(true, true, true)?;
            // The purged messages' reports are queued at once: serve them (bounded, so that
            // a report librdkafka holds back cannot keep close waiting).
            let _ = self.flush(1000)?;
        }
        self.closed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(left)
    }

    /// The fatal error that ended this producer (idempotent or transactional), if any; in a
    /// forked child, the _FORKED error.
    pub fn fatal_error(&self) -> Option<KafkaError> {
        match self.client.check_fork("fatal_error") {
            Err(e) => Some(e),
            Ok(()) => self.client.fatal_error(),
        }
    }

    /// The topic name at `p` when it is the last topic produced to (then it needs no check
    /// again: it was checked when it was first used); None otherwise.
    ///
    /// # Safety
    /// `p` is a NUL-terminated string.
    #[inline]
    pub unsafe fn last_topic<'a>(&self, p: *const c_char) -> Option<&'a CStr> {
        self.topics.last_matching(p)
    }

    /// The cached copy of topic `name` (bytes without NUL), created on first use: None when
    /// the name is not valid UTF-8 or holds a NUL byte, or when the cache is full.
    pub fn cached_topic<'a>(&self, name: &[u8]) -> Option<&'a CStr> {
        if let Some(e) = unsafe { self.topics.last.load(Ordering::Acquire).as_ref() } {
            if e.name.as_bytes() == name {
                return Some(unsafe { &*(e.name.as_c_str() as *const CStr) });
            }
        }
        if std::str::from_utf8(name).is_err() || name.contains(&0) {
            return None;
        }
        let owned = CString::new(name).ok()?;
        let e = self.topics.entry(self.client.rk, &owned)?;
        Some(unsafe { &*(e.name.as_c_str() as *const CStr) })
    }

    /// Pull mode: serves the main queue until a delivery report is waiting or `timeout_ms`
    /// passes (-1: no limit), then takes up to `max` reports (None when none came).
    pub fn delivery_reports(
        &self,
        max: usize,
        timeout_ms: i32,
    ) -> KResult<Option<DeliveryReportBatch>> {
        if !self.client.pulls_reports() {
            return Err(KafkaError::state(
                "delivery_reports: this producer's delivery reports are not pulled (see the \
                 delivery report mode of its config)",
            ));
        }
        let _g = self.client.begin_serving("delivery_reports")?;
        let st = &*self.client.state;
        let _p = PullingGuard::enter(st as *const _ as usize);
        self.client.check_woken()?;
        // What is queued now, without waiting.
        if st.reports_waiting() < max {
            unsafe { rd::rd_kafka_poll(self.client.rk, 0) };
        }
        if st.reports_waiting() == 0 && timeout_ms != 0 {
            let deadline = deadline(timeout_ms);
            loop {
                self.client.check_woken()?;
                let slice = match deadline {
                    None => WAKE_SLICE,
                    Some(d) => d.saturating_duration_since(Instant::now()).min(WAKE_SLICE),
                };
                unsafe { rd::rd_kafka_poll(self.client.rk, slice.as_millis() as c_int) };
                if st.reports_waiting() > 0 || deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
            }
            self.client.check_woken()?;
        }
        Ok(st.take_reports(max))
    }

    pub fn produce(&self, m: &OutMessage) -> KResult<()> {
        // Headers are copied: the caller keeps owning (and may reuse) what it passed.
        let headers = m.headers.build()?;
        let opaque = m.delivery.map_or(std::ptr::null_mut(), |slot| {
            self.client.register_delivery(slot)
        });
        // Filled in place, only the fields librdkafka reads (the union is 64 bytes wide).
        let mut vus: [MaybeUninit<rd::rd_kafka_vu_t>; 8] = [MaybeUninit::uninit(); 8];
        let mut n = 0;
        macro_rules! push {
            ($vtype:expr, $field:ident, $val:expr) => {{
                let vu = vus[n].as_mut_ptr();
                unsafe {
                    addr_of_mut!((*vu).vtype).write($vtype);
                    addr_of_mut!((*vu).u.$field).write($val);
                }
                n += 1;
            }};
        }
        match self.topics.rkt(self.client.rk, m.topic) {
            Some(rkt) => push!(V::RD_KAFKA_VTYPE_RKT, rkt, rkt),
            None => push!(V::RD_KAFKA_VTYPE_TOPIC, cstr, m.topic.as_ptr()),
        }
        push!(V::RD_KAFKA_VTYPE_PARTITION, i32_, m.partition);
        // A value with a release function is not copied: librdkafka reads it in place until the
        // delivery report, after which the release function gives it back.
        let zero_copy = m.delivery.is_some_and(|d| d.release.is_some());
        let flags = if zero_copy {
            0
        } else {
            rd::RD_KAFKA_MSG_F_COPY as c_int
        };
        push!(V::RD_KAFKA_VTYPE_MSGFLAGS, i, flags);
        if let Some(v) = m.value {
            push!(V::RD_KAFKA_VTYPE_VALUE, mem, mem(v));
        }
        if let Some(k) = m.key {
            push!(V::RD_KAFKA_VTYPE_KEY, mem, mem(k));
        }
        if m.timestamp_ms != 0 {
            push!(V::RD_KAFKA_VTYPE_TIMESTAMP, i64_, m.timestamp_ms);
        }
        if !headers.is_null() {
            push!(V::RD_KAFKA_VTYPE_HEADERS, headers, headers);
        }
        if !opaque.is_null() {
            push!(V::RD_KAFKA_VTYPE_OPAQUE, ptr, opaque);
        }
        let err = unsafe {
            rd::rd_kafka_produceva(self.client.rk, vus.as_ptr() as *const rd::rd_kafka_vu_t, n)
        };
        match unsafe { KafkaError::from_rd_error(err) } {
            None => Ok(()),
            Some(e) => {
                // On failure nothing was taken over: free our copies and the registration.
                if !headers.is_null() {
                    unsafe { rd::rd_kafka_headers_destroy(headers) };
                }
                if !opaque.is_null() {
                    self.client.unregister_delivery(opaque);
                }
                Err(e)
            }
        }
    }

    /// Serves delivery reports and other callbacks for up to `timeout_ms` (-1: until one is
    /// served). Returns how many events were served.
    pub fn poll(&self, timeout_ms: i32) -> KResult<i32> {
        let _g = self.client.begin_serving("poll")?;
        self.client.check_woken()?;
        let relayed = self.client.run_poll_relay();
        let wait = if relayed > 0 { 0 } else { timeout_ms };
        let n = unsafe { rd::rd_kafka_poll(self.client.rk, wait) };
        self.client.check_woken()?;
        Ok(n + relayed + self.client.run_poll_relay())
    }

    /// Waits until every message is delivered or `timeout_ms` passes (-1: no limit), serving
    /// callbacks meanwhile. Returns how many messages remain.
    ///
    /// In serve-in-poll mode it serves nothing: it waits until every message is delivered and
    /// its report served by the polling thread (linger.ms still applies).
    pub fn flush(&self, timeout_ms: i32) -> KResult<usize> {
        if self.client.serve_in_poll() {
            return self.flush_unserved(timeout_ms);
        }
        let _g = self.client.begin_serving("flush")?;
        let deadline = deadline(timeout_ms);
        loop {
            self.client.check_woken()?;
            let slice = match deadline {
                None => WAKE_SLICE,
                Some(d) => d.saturating_duration_since(Instant::now()).min(WAKE_SLICE),
            };
            let res = unsafe { rd::rd_kafka_flush(self.client.rk, slice.as_millis() as c_int) };
            if res as i32 == 0 {
                return Ok(self.len());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(self.len());
            }
        }
    }

    /// Serve-in-poll flush: waits until the polling thread has served every report.
    fn flush_unserved(&self, timeout_ms: i32) -> KResult<usize> {
        if self.client.in_callback() {
            return Err(KafkaError::state(
                "flush: called from inside one of this producer's callbacks; return from the \
                 callback first",
            ));
        }
        let deadline = deadline(timeout_ms);
        loop {
            self.client.check_woken()?;
            let left = self.len();
            if left == 0 || deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(left);
            }
            std::thread::sleep(FLUSH_POLL);
        }
    }

    /// Starts a flush and returns at once. flush_done() says when every message is delivered
    /// and its report served; the reports make the event fd readable as they arrive, and so
    /// does this call when nothing is outstanding. linger.ms still applies: librdkafka has no
    /// non-blocking way to send lingering batches early.
    pub fn flush_begin(&self) -> KResult<()> {
        if self.client.in_callback() {
            return Err(KafkaError::state(
                "flush_begin: called from inside one of this producer's callbacks; return from \
                 the callback first",
            ));
        }
        if self.is_empty() {
            let wfd = self
                .client
                .state
                .event_wfd
                .load(std::sync::atomic::Ordering::Acquire);
            if wfd >= 0 {
                let byte = 1u8;
                unsafe { libc::write(wfd, &byte as *const u8 as *const c_void, 1) };
            }
        }
        Ok(())
    }

    /// True when every message is delivered and its delivery report served (len() == 0).
    pub fn flush_done(&self) -> bool {
        self.is_empty()
    }

    /// Messages and requests waiting to be sent or acknowledged, plus callbacks not yet served.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Messages not yet delivered plus reports and callbacks not yet served; 0 in a forked
    /// child (librdkafka's state there is not to be touched).
    pub fn len(&self) -> usize {
        if self.client.forked() {
            return 0;
        }
        unsafe { rd::rd_kafka_outq_len(self.client.rk).max(0) as usize }
    }

    pub fn purge(&self, in_queue: bool, in_flight: bool, blocking: bool) -> KResult<()> {
        let mut flags = 0;
        if in_queue {
            flags |= rd::RD_KAFKA_PURGE_F_QUEUE;
        }
        if in_flight {
            flags |= rd::RD_KAFKA_PURGE_F_INFLIGHT;
        }
        if !blocking {
            flags |= rd::RD_KAFKA_PURGE_F_NON_BLOCKING;
        }
        check(unsafe { rd::rd_kafka_purge(self.client.rk, flags as c_int) })
    }

    pub fn list_topics(
        &self,
        topic: Option<&std::ffi::CStr>,
        timeout_ms: i32,
    ) -> KResult<*const metadata::Metadata> {
        metadata::fetch(&self.client, topic, timeout_ms)
    }

    pub fn set_sasl_credentials(
        &self,
        username: &std::ffi::CStr,
        password: &std::ffi::CStr,
    ) -> KResult<()> {
        let err = unsafe {
            rd::rd_kafka_sasl_set_credentials(self.client.rk, username.as_ptr(), password.as_ptr())
        };
        match unsafe { KafkaError::from_rd_error(err) } {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}

/// A run of messages to one topic and partition, handed to librdkafka in one
/// rd_kafka_produce_batch() call (one topic handle, one call per run). Reused from run to run, so
/// a batch allocates only when a run is longer than any before it.
#[derive(Default)]
pub struct ProduceRun {
    msgs: Vec<rd::rd_kafka_message_t>,
}

// The pointers inside are the caller's buffers for the duration of one send().
unsafe impl Send for ProduceRun {}

impl ProduceRun {
    pub fn clear(&mut self) {
        self.msgs.clear();
    }

    /// Adds a message (key and value are copied by send()); `delivery` registers its own
    /// handler, taken back if the message is not enqueued.
    pub fn push(
        &mut self,
        p: &Producer,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        delivery: Option<DeliverySlot>,
    ) {
        let token = delivery.map_or(std::ptr::null_mut(), |d| p.client.register_delivery(d));
        let (kp, kl) = key.map_or((std::ptr::null(), 0), |k| (k.as_ptr(), k.len()));
        let (vp, vl) = value.map_or((std::ptr::null(), 0), |v| (v.as_ptr(), v.len()));
        self.msgs.push(rd::rd_kafka_message_t {
            err: rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR,
            rkt: std::ptr::null_mut(),
            partition: 0,
            payload: vp as *mut c_void,
            len: vl,
            key: kp as *mut c_void,
            key_len: kl,
            offset: 0,
            _private: token,
        });
    }

    /// Enqueues the run to `topic` / `partition`; each message's error code is then in
    /// error_codes() (after a _QUEUE_FULL, the rest get it too, as librdkafka stops there).
    /// Returns how many were enqueued, or None when no topic handle can be had (then nothing was
    /// tried, and every registration is taken back).
    pub fn send(&mut self, p: &Producer, topic: &CStr, partition: i32) -> Option<usize> {
        let Some(rkt) = p.topics.rkt(p.client.rk, topic) else {
            self.unregister_where(p, |_| true);
            return None;
        };
        let cnt = c_int::try_from(self.msgs.len()).ok()?;
        let good = unsafe {
            rd::rd_kafka_produce_batch(
                rkt,
                partition,
                rd::RD_KAFKA_MSG_F_COPY as c_int,
                self.msgs.as_mut_ptr(),
                cnt,
            )
        };
        if good < cnt {
            // As produce(): after a fatal error, the error's own code rather than _FATAL.
            let fatal = unsafe { rd::rd_kafka_fatal_error(p.client.rk, std::ptr::null_mut(), 0) };
            if fatal as i32 != 0 {
                for m in self.msgs.iter_mut() {
                    if m.err == rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__FATAL {
                        m.err = fatal;
                    }
                }
            }
            self.unregister_where(p, |m| m.err as i32 != 0);
        }
        Some(good.max(0) as usize)
    }

    /// Each message's result after send(): 0 when enqueued.
    pub fn error_codes(&self) -> impl Iterator<Item = i32> + '_ {
        self.msgs.iter().map(|m| m.err as i32)
    }

    fn unregister_where(&self, p: &Producer, pred: impl Fn(&rd::rd_kafka_message_t) -> bool) {
        for m in &self.msgs {
            if !m._private.is_null() && pred(m) {
                p.client.unregister_delivery(m._private);
            }
        }
    }
}

fn mem(b: &[u8]) -> rd::rd_kafka_vu_s__bindgen_ty_1__bindgen_ty_1 {
    rd::rd_kafka_vu_s__bindgen_ty_1__bindgen_ty_1 {
        ptr: b.as_ptr() as *mut c_void,
        size: b.len(),
    }
}

/// The instant a call with `timeout_ms` gives up; None for "no limit" (negative timeouts).
pub fn deadline(timeout_ms: i32) -> Option<Instant> {
    if timeout_ms < 0 {
        None
    } else {
        Some(Instant::now() + Duration::from_millis(timeout_ms as u64))
    }
}
