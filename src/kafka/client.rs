//! What every client shares: the librdkafka handle and its queues, the state librdkafka's
//! callbacks reach (the application's callbacks, the per-message delivery slots, the rebalance
//! callbacks), the pollable event file descriptor, and destruction. How callbacks are served is
//! in `serving`, the functions librdkafka calls in `trampolines`, fork detection in `fork`.
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, AtomicUsize, Ordering};

use parking_lot::{Condvar, Mutex};
use rdkafka_sys as rd;

use super::callbacks::{Callbacks, DeliverySlot, RebalanceCallbacks};
use super::config::{set_raw, Config};
use super::consumer::Consumer;
use super::delivery::{notify, DeliveryReportBatch, PullQueue};
use super::serving::Relay;
use super::trampolines::*;
use super::wake::Waker;
use crate::error::{errstr_text, KResult, KafkaError};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ClientKind {
    Producer,
    Consumer,
}

#[derive(Default)]
struct Slab {
    slots: Vec<Option<DeliverySlot>>,
    free: Vec<usize>,
    /// Pull mode: the reports not yet taken (under the same lock as the slots, so that a
    /// report costs one lock).
    pull: PullQueue,
}

/// State the librdkafka callbacks reach through their opaque pointer. Boxed, so its address is
/// stable for the whole life of the librdkafka handle.
pub struct ClientState {
    pub callbacks: Callbacks,
    per_message: Mutex<Slab>,
    pub rebalance: Mutex<Option<RebalanceCallbacks>>,
    /// The consumer handed to rebalance callbacks (set once the consumer is boxed).
    pub consumer: AtomicPtr<Consumer>,
    /// Set when a rebalance callback called an assign/unassign form itself.
    pub rebalance_handled: AtomicBool,
    /// Consumers: the main queue (error, stats, log, throttle, oauth events) has events to serve.
    pub(super) main_pending: AtomicBool,
    /// Set by destroy: no application callback runs any more; delivery reports only release
    /// zero-copy values and hand their handlers' opaques to the opaque release.
    pub(super) destroying: AtomicBool,
    /// Consumers: the consumer queue, yielded when the main queue gets an event so that a
    /// blocked consumer poll returns and serves it.
    pub(super) consumer_queue: AtomicPtr<rd::rd_kafka_queue_t>,
    /// The thread (pthread_self) inside a call that serves this client's callbacks (poll,
    /// consume, flush, close...), 0 when none: the cheap common case of begin_serving.
    pub(super) server: AtomicUsize,
    /// More threads serving this client at the same time (e.g. two threads polling one
    /// producer): rare, so kept behind a lock; `other_count` says whether to look.
    pub(super) other_servers: Mutex<Vec<usize>>,
    pub(super) other_count: AtomicUsize,
    /// Producers: delivery reports are pulled (Producer::delivery_reports), no delivery
    /// callback runs.
    pub(super) pull: bool,
    /// The kafkaffi.serve.in.poll setting: blocking calls run no application callback; what
    /// they would have run waits for the next poll (see Client::serve_while).
    pub(super) serve_in_poll: bool,
    /// The write end of the event pipe (-1 until event_fd() made one); pull mode writes to it
    /// when reports are queued outside a pull.
    pub(super) event_wfd: AtomicI32,
    /// Serve-in-poll: callback bodies popped by a blocking call's helper thread, waiting for
    /// the next poll to run them.
    pub(super) poll_relay: Relay,
    /// Blocking calls abandoned on a wake-up or timeout whose helper thread still runs inside
    /// librdkafka: destroy waits for them before destroying the handle.
    pub(super) detached: Mutex<usize>,
    pub(super) detached_cv: Condvar,
}

// Opaque pointers inside are only used on application threads inside blocking calls.
unsafe impl Send for ClientState {}
unsafe impl Sync for ClientState {}

pub struct Client {
    pub rk: *mut rd::rd_kafka_t,
    pub state: Box<ClientState>,
    pub kind: ClientKind,
    /// librdkafka's main queue: delivery reports and the client-level callbacks.
    pub(super) main_queue: *mut rd::rd_kafka_queue_t,
    /// The queue whose events poll returns: the main queue of a producer, the consumer
    /// queue (messages, rebalances, commits) of a consumer.
    ///
    /// Unlike the Python client, a consumer's main queue is not forwarded into its consumer
    /// queue: kept apart, the main queue can be served while another blocking call (commit,
    /// committed, list_topics...) waits, without touching messages or rebalances, which stay for
    /// poll. A main-queue event wakes a blocked consumer poll (see on_main_event).
    pub(super) queue: *mut rd::rd_kafka_queue_t,
    event_pipe: Mutex<Option<[c_int; 2]>>,
    /// The async-signal-safe wake-up (see wake.rs).
    pub(super) waker: Waker,
    /// The FORK_GENERATION this client was created in: another value means this process is a
    /// child forked after the client was created (see check_fork).
    pub(super) generation: u64,
}

unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    pub fn new(kind: ClientKind, config: &Config) -> KResult<Client> {
        let generation = super::fork::generation_watched();
        let state = Box::new(ClientState {
            callbacks: config.callbacks.clone(),
            per_message: Mutex::new(Slab::default()),
            rebalance: Mutex::new(None),
            consumer: AtomicPtr::new(std::ptr::null_mut()),
            rebalance_handled: AtomicBool::new(false),
            main_pending: AtomicBool::new(true),
            destroying: AtomicBool::new(false),
            consumer_queue: AtomicPtr::new(std::ptr::null_mut()),
            server: AtomicUsize::new(0),
            other_servers: Mutex::new(Vec::new()),
            other_count: AtomicUsize::new(0),
            pull: kind == ClientKind::Producer && config.delivery_pull,
            serve_in_poll: config.serve_in_poll,
            event_wfd: AtomicI32::new(-1),
            poll_relay: Relay::new(),
            detached: Mutex::new(0),
            detached_cv: Condvar::new(),
        });
        let conf = config.dup_raw();
        unsafe {
            let cbs = &state.callbacks;
            rd::rd_kafka_conf_set_opaque(conf, &*state as *const ClientState as *mut c_void);
            if cbs.error.is_some() {
                rd::rd_kafka_conf_set_error_cb(conf, Some(on_error));
            }
            if cbs.throttle.is_some() {
                rd::rd_kafka_conf_set_throttle_cb(conf, Some(on_throttle));
            }
            if cbs.stats.is_some() {
                rd::rd_kafka_conf_set_stats_cb(conf, Some(on_stats));
            }
            if cbs.oauth.is_some() {
                rd::rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, Some(on_oauth_refresh));
            }
            if cbs.log.is_some() {
                // Log lines are queued and served by poll, never called on librdkafka threads.
                if let Err(e) = set_raw(conf, c"log.queue", c"true") {
                    rd::rd_kafka_conf_destroy(conf);
                    return Err(e);
                }
                rd::rd_kafka_conf_set_log_cb(conf, Some(on_log));
            }
            match kind {
                ClientKind::Producer => rd::rd_kafka_conf_set_dr_msg_cb(conf, Some(on_delivery)),
                ClientKind::Consumer => {
                    // Offsets are stored by kafkaffi, for the messages it hands over only (see
                    // Consumer::consume and librdkafka #4844); the application's own setting
                    // is kept by Consumer.
                    if let Err(e) = set_raw(conf, c"enable.auto.offset.store", c"false") {
                        rd::rd_kafka_conf_destroy(conf);
                        return Err(e);
                    }
                    rd::rd_kafka_conf_set_rebalance_cb(conf, Some(on_rebalance));
                    if cbs.commit.is_some() {
                        rd::rd_kafka_conf_set_offset_commit_cb(conf, Some(on_commit));
                    }
                }
            }
        }
        let rk_type = match kind {
            ClientKind::Producer => rd::rd_kafka_type_t::RD_KAFKA_PRODUCER,
            ClientKind::Consumer => rd::rd_kafka_type_t::RD_KAFKA_CONSUMER,
        };
        let mut errstr = [0 as c_char; 512];
        let rk = unsafe { rd::rd_kafka_new(rk_type, conf, errstr.as_mut_ptr(), errstr.len()) };
        if rk.is_null() {
            unsafe { rd::rd_kafka_conf_destroy(conf) };
            return Err(KafkaError::invalid_arg(errstr_text(&errstr)));
        }
        unsafe {
            if state.callbacks.log.is_some() {
                rd::rd_kafka_set_log_queue(rk, std::ptr::null_mut());
            }
            if state.callbacks.oauth.is_some() {
                // librdkafka asks for the first token as it starts: answer it now, on this
                // thread, so the first connection does not wait for the application's poll.
                rd::rd_kafka_poll(rk, 0);
            }
        }
        let main_queue = unsafe { rd::rd_kafka_queue_get_main(rk) };
        let queue = match kind {
            ClientKind::Producer => main_queue,
            ClientKind::Consumer => unsafe {
                let q = rd::rd_kafka_queue_get_consumer(rk);
                state.consumer_queue.store(q, Ordering::Release);
                rd::rd_kafka_queue_cb_event_enable(
                    main_queue,
                    Some(on_main_event),
                    &*state as *const ClientState as *mut c_void,
                );
                q
            },
        };
        state.poll_relay.set_queue(queue);
        let waker = match Waker::new(queue) {
            Ok(w) => w,
            Err(e) => unsafe {
                if queue != main_queue {
                    rd::rd_kafka_queue_cb_event_enable(main_queue, None, std::ptr::null_mut());
                    rd::rd_kafka_queue_destroy(queue);
                }
                rd::rd_kafka_queue_destroy(main_queue);
                rd::rd_kafka_destroy_flags(rk, rd::RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE as c_int);
                return Err(e);
            },
        };
        Ok(Client {
            rk,
            state,
            kind,
            main_queue,
            queue,
            event_pipe: Mutex::new(None),
            waker,
            generation,
        })
    }

    pub fn queue(&self) -> *mut rd::rd_kafka_queue_t {
        self.queue
    }

    /// The read end of a pipe that becomes readable when poll has work to serve. Created on
    /// first use; the same descriptor is returned afterwards.
    pub fn event_fd(&self) -> KResult<c_int> {
        let mut pipe = self.event_pipe.lock();
        if let Some(fds) = *pipe {
            return Ok(fds[0]);
        }
        let mut fds = [0 as c_int; 2];
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(KafkaError::state(format!(
                "event_fd: pipe2 failed: {}",
                std::io::Error::last_os_error()
            )));
        }
        unsafe {
            rd::rd_kafka_queue_io_event_enable(
                self.queue,
                fds[1],
                c"1".as_ptr() as *const c_void,
                1,
            )
        };
        *pipe = Some(fds);
        self.state.event_wfd.store(fds[1], Ordering::Release);
        if self.state.pull && self.state.per_message.lock().pull.len() > 0 {
            // Reports already waiting: readable at once.
            notify(0, fds[1]);
        }
        Ok(fds[0])
    }

    /// Registers a per-message delivery callback; returns the value to carry as msg_opaque.
    pub fn register_delivery(&self, slot: DeliverySlot) -> *mut c_void {
        let mut slab = self.state.per_message.lock();
        slab.register(slot)
    }

    /// True when this producer's delivery reports are pulled (no delivery callback runs).
    #[inline]
    pub fn pulls_reports(&self) -> bool {
        self.state.pull
    }

    /// Takes back a registration whose message librdkafka refused at produce time.
    pub fn unregister_delivery(&self, token: *mut c_void) {
        self.state.take_delivery(token);
    }
}

impl Slab {
    fn register(&mut self, slot: DeliverySlot) -> *mut c_void {
        let slab = self;
        let idx = match slab.free.pop() {
            Some(i) => {
                slab.slots[i] = Some(slot);
                i
            }
            None => {
                slab.slots.push(Some(slot));
                slab.slots.len() - 1
            }
        };
        (idx + 1) as *mut c_void
    }
}

impl Client {
    /// The fatal error of the client, if one was raised.
    pub fn fatal_error(&self) -> Option<KafkaError> {
        let mut buf = [0 as c_char; 512];
        let code = unsafe { rd::rd_kafka_fatal_error(self.rk, buf.as_mut_ptr(), buf.len()) } as i32;
        if code == 0 {
            return None;
        }
        let mut e = KafkaError::from_code_msg(code, errstr_text(&buf));
        e.fatal = true;
        Some(e)
    }
}

impl ClientState {
    /// Pull mode: records the delivery report `m` (with the opaque of its slot, if any) and
    /// returns its slot's zero-copy release, to run once the report is recorded.
    ///
    /// # Safety
    /// `m` is a live delivery report.
    pub(super) unsafe fn collect_report(
        &self,
        m: *const rd::rd_kafka_message_t,
    ) -> Option<super::callbacks::ValueRelease> {
        let token = (*m)._private;
        let mut slab = self.per_message.lock();
        let slot = if token.is_null() {
            None
        } else {
            let idx = (token as usize).wrapping_sub(1);
            let s = slab.slots.get_mut(idx).and_then(Option::take);
            if s.is_some() {
                slab.free.push(idx);
            }
            s
        };
        let first = slab.pull.push(m, slot.map_or(0, |s| s.opaque));
        drop(slab);
        if first {
            notify(
                self as *const ClientState as usize,
                self.event_wfd.load(Ordering::Acquire),
            );
        }
        slot.and_then(|s| s.release)
    }

    /// Pull mode: the number of reports waiting.
    pub(super) fn reports_waiting(&self) -> usize {
        self.per_message.lock().pull.len()
    }

    /// Pull mode: takes up to `max` reports.
    pub(super) fn take_reports(&self, max: usize) -> Option<DeliveryReportBatch> {
        self.per_message.lock().pull.take(max)
    }

    pub(super) fn take_delivery(&self, token: *mut c_void) -> Option<DeliverySlot> {
        let idx = (token as usize).checked_sub(1)?;
        let mut slab = self.per_message.lock();
        let slot = slab.slots.get_mut(idx)?.take();
        if slot.is_some() {
            slab.free.push(idx);
        }
        slot
    }

    /// A delivery slot whose report will never reach its handler (the client is being
    /// destroyed): the handler's opaque goes to the opaque release, if one is set. A zero-copy
    /// value is the caller's to release.
    pub(super) fn abandon(&self, slot: &DeliverySlot) {
        let opaque = match slot.handler {
            Some(h) => h.opaque(),
            None => slot.opaque as *mut c_void, // pull mode: the opaque its report carries
        };
        if let Some(release) = &self.callbacks.opaque_release {
            if !opaque.is_null() {
                release(opaque);
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.forked() {
            // In a child process after fork(): librdkafka's threads did not survive the fork and
            // its locks may be held forever by them, so nothing of librdkafka is touched; the
            // handle is leaked on purpose (the parent's client is unaffected). The wake-up
            // watcher thread does not exist here either: it is not joined.
            self.waker.forget_thread();
            return;
        }
        // Abandoned blocking calls still inside librdkafka end within their own timeout.
        {
            let mut n = self.state.detached.lock();
            while *n > 0 {
                self.state.detached_cv.wait(&mut n);
            }
        }
        self.waker.stop();
        unsafe {
            self.state.destroying.store(true, Ordering::Release);
            if self.kind == ClientKind::Producer {
                // librdkafka drops undelivered messages on destroy without a report, which would
                // never give zero-copy values back: purge them and serve their reports, with the
                // application's delivery callbacks suppressed (their opaques are released, on
                // this thread: see deliver()).
                let all = rd::RD_KAFKA_PURGE_F_QUEUE | rd::RD_KAFKA_PURGE_F_INFLIGHT;
                rd::rd_kafka_purge(self.rk, all as c_int);
                for _ in 0..1000 {
                    if rd::rd_kafka_poll(self.rk, 0) == 0 {
                        break;
                    }
                }
            }
            if self.queue != self.main_queue {
                rd::rd_kafka_queue_cb_event_enable(self.main_queue, None, std::ptr::null_mut());
                rd::rd_kafka_queue_destroy(self.queue);
            }
            rd::rd_kafka_queue_destroy(self.main_queue);
            let flags = if self.kind == ClientKind::Consumer {
                // Destroy never runs callbacks or waits for the group: close() does that.
                rd::RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE as c_int
            } else {
                0
            };
            rd::rd_kafka_destroy_flags(self.rk, flags);
            if let Some(fds) = self.event_pipe.lock().take() {
                libc::close(fds[0]);
                libc::close(fds[1]);
            }
        }
        // Any message whose report librdkafka dropped without serving it (none after the purge
        // above, but nothing in librdkafka promises it): its handler's opaque is released now,
        // once, like those of the reports served above.
        // Pull mode: the reports never pulled (including those of destroy's purge) will never
        // reach the application either: their opaques are released the same way.
        let (left, unpulled): (Vec<DeliverySlot>, Vec<usize>) = {
            let mut slab = self.state.per_message.lock();
            slab.free.clear();
            let left = slab.slots.drain(..).flatten().collect();
            (left, slab.pull.drain_opaques())
        };
        for slot in &left {
            let _ = catch_unwind(AssertUnwindSafe(|| self.state.abandon(slot)));
        }
        if let Some(release) = &self.state.callbacks.opaque_release {
            for opaque in unpulled.into_iter().filter(|&o| o != 0) {
                let _ = catch_unwind(AssertUnwindSafe(|| release(opaque as *mut c_void)));
            }
        }
    }
}

/// A raw pointer moved to the helper thread of serve_while (librdkafka queues are thread-safe).
pub(crate) struct SendPtr<T>(pub *mut T);
unsafe impl<T> Send for SendPtr<T> {}
unsafe impl<T> Sync for SendPtr<T> {}

impl<T> SendPtr<T> {
    /// The pointer. A method, not the field, so closures capture the whole Send wrapper.
    pub fn get(&self) -> *mut T {
        self.0
    }
}
