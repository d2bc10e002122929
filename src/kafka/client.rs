//! What producers and consumers share: the librdkafka handle, the callback dispatcher, the
//! rule that callbacks run only on the application's thread inside a blocking call, the
//! wake-up that cancels such a call, and the pollable event file descriptor.
use std::cell::Cell;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};

use parking_lot::{Condvar, Mutex};
use rdkafka_sys as rd;

use super::callbacks::{Callback, Callbacks, RebalanceFn};
use super::config::{set_raw, Config};
use crate::error::{errstr_text, KResult, KafkaError, ERR_FATAL, ERR_FORKED, ERR_INTR};
use super::events::{OauthTokenRequest, ThrottleEvent};
use crate::ffi::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ClientKind {
    Producer,
    Consumer,
}

/// What one message carries to its delivery report: its own delivery callback and, for a
/// zero-copy value, the function that gives the value back to the application. Kept in a slab
/// owned by the client; librdkafka carries only the slot number in the message.
#[derive(Clone, Copy)]
pub struct DeliverySlot {
    pub func: Option<DeliveryFnRaw>,
    pub opaque: *mut c_void,
    pub release: Option<(ReleaseFn, *mut c_void)>,
}
pub type DeliveryFnRaw = unsafe extern "C" fn(*mut c_void, *const kf_message_t, *const kf_error_t);
/// Gives a zero-copy value back: (free_opaque, value).
pub type ReleaseFn = unsafe extern "C" fn(*mut c_void, *mut u8);

#[derive(Default)]
struct Slab {
    slots: Vec<Option<DeliverySlot>>,
    free: Vec<usize>,
}

/// Rebalance callbacks given to subscribe.
pub struct RebalanceCallbacks {
    pub on_assign: Option<RebalanceFn>,
    pub on_revoke: Option<RebalanceFn>,
    pub on_lost: Option<RebalanceFn>,
    pub opaque: std::sync::Arc<Callback<()>>,
}

/// State the librdkafka callbacks reach through their opaque pointer. Boxed, so its address is
/// stable for the whole life of the librdkafka handle.
pub struct ClientState {
    pub callbacks: Callbacks,
    per_message: Mutex<Slab>,
    pub rebalance: Mutex<Option<RebalanceCallbacks>>,
    /// The kf_consumer_t* handed to rebalance callbacks (set once the handle is boxed).
    pub consumer_handle: AtomicPtr<kf_consumer_t>,
    /// Set when a rebalance callback called an assign/unassign form itself.
    pub rebalance_handled: AtomicBool,
    /// Consumers: the main queue (error, stats, log, throttle, oauth events) has events to serve.
    main_pending: AtomicBool,
    /// Set by destroy: no application callback runs any more; delivery reports only release
    /// zero-copy values.
    destroying: AtomicBool,
    /// Consumers: the consumer queue, yielded when the main queue gets an event so that a
    /// blocked consumer poll returns and serves it.
    consumer_queue: AtomicPtr<rd::rd_kafka_queue_t>,
    /// Consumers: set once close begins. From then on the consumer queue is never yielded:
    /// rd_kafka_consumer_close() forwards it to its own queue and would take a yield for the
    /// end of its wait (returning _TIMED_OUT before the group is left). Locked around yields.
    closing: Mutex<bool>,
    /// The thread (pthread_self) inside a call that serves this client's callbacks (poll,
    /// consume, flush, close...), 0 when none: the cheap common case of begin_serving.
    server: AtomicUsize,
    /// More threads serving this client at the same time (e.g. two threads polling one
    /// producer): rare, so kept behind a lock; `other_count` says whether to look.
    other_servers: Mutex<Vec<usize>>,
    other_count: AtomicUsize,
}

// Opaque pointers inside are only used on application threads inside blocking calls.
unsafe impl Send for ClientState {}
unsafe impl Sync for ClientState {}

pub struct Client {
    pub rk: *mut rd::rd_kafka_t,
    pub state: Box<ClientState>,
    pub kind: ClientKind,
    /// librdkafka's main queue: delivery reports and the client-level callbacks.
    main_queue: *mut rd::rd_kafka_queue_t,
    /// The queue whose events kf_*_poll returns: the main queue of a producer, the consumer
    /// queue (messages, rebalances, commits) of a consumer.
    ///
    /// Unlike the Python client, a consumer's main queue is not forwarded into its consumer
    /// queue: kept apart, the main queue can be served while another blocking call (commit,
    /// committed, list_topics...) waits, without touching messages or rebalances, which stay for
    /// poll. A main-queue event wakes a blocked consumer poll (see on_main_event).
    queue: *mut rd::rd_kafka_queue_t,
    event_pipe: Mutex<Option<[c_int; 2]>>,
    woken: AtomicBool,
    /// The FORK_GENERATION this client was created in: another value means this process is a
    /// child forked after the client was created (see check_fork).
    generation: u64,
}

unsafe impl Send for Client {}
unsafe impl Sync for Client {}

/// What a thread is doing for the callbacks it serves. One thread-local for both fields: in a
/// shared library each access to a thread-local costs a call, and a delivery report reads both.
struct ThreadState {
    /// The delivery report this thread is handing to a delivery callback right now.
    report: Cell<*const rd::rd_kafka_message_t>,
    /// Set on serve_while's helper thread: callbacks popped there are relayed (see Relay).
    relay: Cell<*const Relay>,
}

thread_local! {
    static THREAD: ThreadState = const {
        ThreadState {
            report: Cell::new(std::ptr::null()),
            relay: Cell::new(std::ptr::null()),
        }
    };
}

/// This thread's ThreadState (valid for as long as the thread runs).
fn thread_state() -> *const ThreadState {
    THREAD.with(|t| t as *const ThreadState)
}

/// True when `m` is the delivery report being handed to a delivery callback on this thread:
/// the only kind of message with a produce latency. (librdkafka's rd_kafka_message_latency()
/// reads a producer-only field, which in a consumed message overlaps unrelated data.)
pub fn is_delivery_report(m: *const rd::rd_kafka_message_t) -> bool {
    !m.is_null() && THREAD.with(|t| t.report.get() == m)
}

/// Marks a message as the current delivery report until dropped (restoring the previous one).
struct DeliveryReportGuard(*const ThreadState, *const rd::rd_kafka_message_t);

impl DeliveryReportGuard {
    /// `t`: this thread's thread_state().
    unsafe fn enter(t: *const ThreadState, m: *const rd::rd_kafka_message_t) -> Self {
        DeliveryReportGuard(t, (*t).report.replace(m))
    }
}

impl Drop for DeliveryReportGuard {
    fn drop(&mut self) {
        unsafe { (*self.0).report.set(self.1) };
    }
}

/// Hands callback bodies from serve_while's helper thread to the application thread inside
/// serve_while. Some blocking librdkafka calls serve the main queue themselves (a transaction
/// commit or abort flushes, and flush polls): the callbacks they pop run on the application
/// thread, one at a time, while the helper waits, so borrowed arguments stay valid.
struct Relay {
    main: SendPtr<rd::rd_kafka_queue_t>,
    slot: Mutex<RelaySlot>,
    cv: Condvar,
}

#[derive(Default)]
struct RelaySlot {
    job: Option<RelayJob>,
    finished: bool,
}

/// A callback body borrowed from the helper thread, which waits until it has run.
struct RelayJob(*mut (dyn FnMut() + 'static));
unsafe impl Send for RelayJob {}

impl Relay {
    /// Helper thread: runs `job` on the serving thread and returns once it has run there.
    fn run_remote(&self, job: &mut dyn FnMut()) {
        let job: *mut (dyn FnMut() + '_) = job;
        // The lifetime is erased: this function does not return before the job has run.
        let job = unsafe {
            std::mem::transmute::<*mut (dyn FnMut() + '_), *mut (dyn FnMut() + 'static)>(job)
        };
        let mut slot = self.slot.lock();
        slot.job = Some(RelayJob(job));
        slot.finished = false;
        unsafe { rd::rd_kafka_queue_yield(self.main.get()) }; // end the server's poll now
        while !slot.finished {
            self.cv.wait(&mut slot);
        }
    }

    /// Serving thread: runs the job the helper is waiting on, if any.
    fn run_pending(&self) {
        let job = self.slot.lock().job.take();
        if let Some(RelayJob(job)) = job {
            unsafe { (*job)() };
            self.slot.lock().finished = true;
            self.cv.notify_all();
        }
    }
}

/// Dropped when serve_while's helper finishes (or panics): ends the serving loop.
struct WorkerDone<'a>(&'a AtomicBool, &'a Relay);

impl Drop for WorkerDone<'_> {
    fn drop(&mut self) {
        THREAD.with(|t| t.relay.set(std::ptr::null()));
        self.0.store(true, Ordering::Release);
        unsafe { rd::rd_kafka_queue_yield(self.1.main.get()) }; // wake the serving loop
    }
}

/// Marks the current thread as serving a client's callbacks until dropped.
pub struct ServeGuard<'a> {
    st: &'a ClientState,
    thread: usize,
    /// Recorded in `server` (else in `other_servers`).
    primary: bool,
}

impl Drop for ServeGuard<'_> {
    fn drop(&mut self) {
        if self.primary {
            self.st.server.store(0, Ordering::Release);
        } else {
            let mut others = self.st.other_servers.lock();
            if let Some(pos) = others.iter().rposition(|&t| t == self.thread) {
                others.swap_remove(pos);
                self.st.other_count.fetch_sub(1, Ordering::Release);
            }
        }
    }
}

/// Bumped in a child process by the pthread_atfork handler (a process that forks twice counts
/// twice): a client remembers the value it was created in, so using it after fork() in a child
/// costs one relaxed atomic load to detect.
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_fork_child() {
    // The child runs single-threaded here: relaxed is enough.
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// The current fork generation, with the atfork handler installed (once per process).
fn fork_generation_watched() -> u64 {
    static WATCH: std::sync::Once = std::sync::Once::new();
    WATCH.call_once(|| unsafe {
        libc::pthread_atfork(None, None, Some(on_fork_child));
    });
    FORK_GENERATION.load(Ordering::Relaxed)
}

#[cold]
#[inline(never)]
fn forked_error(call: &str) -> KafkaError {
    let mut e = KafkaError::from_code_msg(
        ERR_FORKED,
        format!(
            "{call}: this client was created before fork() and cannot be used in the child \
             process (librdkafka's threads do not survive fork()): create a new client here"
        ),
    );
    e.fatal = true;
    e
}

/// The calling thread's identity, as far as serving is concerned: pthread_self(), a load from
/// the thread pointer (unique among live threads, never 0 on Linux or macOS).
#[inline]
fn this_thread() -> usize {
    unsafe { libc::pthread_self() as usize }
}

impl Client {
    pub fn new(kind: ClientKind, config: &Config) -> KResult<Client> {
        let generation = fork_generation_watched();
        let state = Box::new(ClientState {
            callbacks: config.callbacks.clone(),
            per_message: Mutex::new(Slab::default()),
            rebalance: Mutex::new(None),
            consumer_handle: AtomicPtr::new(std::ptr::null_mut()),
            rebalance_handled: AtomicBool::new(false),
            main_pending: AtomicBool::new(true),
            destroying: AtomicBool::new(false),
            consumer_queue: AtomicPtr::new(std::ptr::null_mut()),
            closing: Mutex::new(false),
            server: AtomicUsize::new(0),
            other_servers: Mutex::new(Vec::new()),
            other_count: AtomicUsize::new(0),
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
        Ok(Client {
            rk,
            state,
            kind,
            main_queue,
            queue,
            event_pipe: Mutex::new(None),
            woken: AtomicBool::new(false),
            generation,
        })
    }

    /// True in a child process forked after this client was created.
    #[inline]
    pub fn forked(&self) -> bool {
        FORK_GENERATION.load(Ordering::Relaxed) != self.generation
    }

    /// Fails with KF_ERR__FORKED in a child process forked after this client was created: one
    /// relaxed atomic load on the hot path.
    #[inline]
    pub fn check_fork(&self, call: &str) -> KResult<()> {
        if self.forked() {
            return Err(forked_error(call));
        }
        Ok(())
    }

    /// Consumers: serves the main queue's callbacks when it has any (cheap when it has none).
    pub fn serve_main_if_pending(&self) {
        let pending = &self.state.main_pending;
        if pending.load(Ordering::Acquire) && pending.swap(false, Ordering::AcqRel) {
            unsafe { rd::rd_kafka_poll(self.rk, 0) };
        }
    }

    /// Runs a blocking librdkafka call on a helper thread while this thread serves the main
    /// queue's callbacks, so that, for instance, an OAUTHBEARER token refresh is answered while
    /// list_topics or a synchronous commit waits for the broker. Consumer-queue events
    /// (messages, rebalances) are left for poll.
    pub fn serve_while<T: Send>(&self, call: &str, f: impl FnOnce() -> T + Send) -> KResult<T> {
        if self.in_callback() {
            // Inside one of this client's callbacks (e.g. a synchronous commit in on_revoke, or
            // committed in on_assign, as the Python client allows): run the call on this thread;
            // the main queue is served again once the callback has returned.
            return Ok(f());
        }
        let _g = self.begin_serving(call)?;
        let relay = Relay {
            main: SendPtr(self.main_queue),
            slot: Mutex::new(RelaySlot::default()),
            cv: Condvar::new(),
        };
        let done = AtomicBool::new(false);
        let result = std::thread::scope(|s| {
            let worker = s.spawn(|| {
                // Ends the serving loop below even when f panics.
                let _done = WorkerDone(&done, &relay);
                THREAD.with(|t| t.relay.set(&relay));
                f()
            });
            while !done.load(Ordering::Acquire) {
                unsafe { rd::rd_kafka_poll(self.rk, 100) };
                relay.run_pending();
            }
            worker.join()
        });
        self.serve_main_if_pending();
        result.map_err(|_| KafkaError::panic(call))
    }

    /// Enters a call that serves this client's callbacks. Fails when the thread is already
    /// inside one of them (a callback calling poll, flush, close or destroy on its own client).
    ///
    /// Each client records the threads serving it (no thread-local: a callback of client A
    /// may poll client B, whose record is its own): one thread in an atomic, the rare others
    /// (several threads polling one producer at once) in a locked list. Only a thread itself
    /// adds or removes its own entry, so its view of itself is always exact.
    pub fn begin_serving(&self, call: &str) -> KResult<ServeGuard<'_>> {
        let thread = this_thread();
        if self.serving_on(thread) {
            return Err(KafkaError::state(format!(
                "{call}: called from inside one of this client's callbacks; return from the callback first"
            )));
        }
        let st = &*self.state;
        let primary = st
            .server
            .compare_exchange(0, thread, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok();
        if !primary {
            st.other_servers.lock().push(thread);
            st.other_count.fetch_add(1, Ordering::AcqRel);
        }
        Ok(ServeGuard {
            st,
            thread,
            primary,
        })
    }

    /// True when `thread` is inside a call serving this client's callbacks.
    #[inline]
    fn serving_on(&self, thread: usize) -> bool {
        let st = &*self.state;
        st.server.load(Ordering::Acquire) == thread
            || (st.other_count.load(Ordering::Acquire) > 0
                && st.other_servers.lock().contains(&thread))
    }

    /// True when the current thread is inside one of this client's callbacks.
    pub fn in_callback(&self) -> bool {
        self.serving_on(this_thread())
    }

    /// Makes a blocking poll, consume or flush return at once with _INTR. When no call is
    /// blocked, the next one returns _INTR at once (the wake-up is latched, so it cannot be lost
    /// to a race with the call starting).
    pub fn wake(&self) {
        self.woken.store(true, Ordering::SeqCst);
        let closing = self.state.closing.lock();
        if !*closing {
            unsafe { rd::rd_kafka_queue_yield(self.queue) };
        }
    }

    /// Consumers, before rd_kafka_consumer_close(): no yield may reach the consumer queue any
    /// more (see ClientState::closing); a wake-up is still latched for the next call.
    pub fn begin_close(&self) {
        *self.state.closing.lock() = true;
    }

    /// Consumes a pending wake-up as an _INTR error.
    pub fn check_woken(&self) -> KResult<()> {
        if self.woken.load(Ordering::Acquire) && self.woken.swap(false, Ordering::SeqCst) {
            Err(KafkaError::from_code_msg(
                ERR_INTR,
                "woken up by kf_*_wake()",
            ))
        } else {
            Ok(())
        }
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
        Ok(fds[0])
    }

    /// Registers a per-message delivery callback; returns the value to carry as msg_opaque.
    pub fn register_delivery(&self, slot: DeliverySlot) -> *mut c_void {
        let mut slab = self.state.per_message.lock();
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

    /// Takes back a registration whose message librdkafka refused at produce time.
    pub fn unregister_delivery(&self, token: *mut c_void) {
        self.state.take_delivery(token);
    }

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
    fn take_delivery(&self, token: *mut c_void) -> Option<DeliverySlot> {
        let idx = (token as usize).checked_sub(1)?;
        let mut slab = self.per_message.lock();
        let slot = slab.slots.get_mut(idx)?.take();
        if slot.is_some() {
            slab.free.push(idx);
        }
        slot
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if self.forked() {
            // In a child process after fork(): librdkafka's threads did not survive the fork and
            // its locks may be held forever by them, so nothing of librdkafka is touched; the
            // handle is leaked on purpose (the parent's client is unaffected).
            return;
        }
        unsafe {
            self.state.destroying.store(true, Ordering::Release);
            if self.kind == ClientKind::Producer {
                // librdkafka drops undelivered messages on destroy without a report, which would
                // never give zero-copy values back: purge them and serve their reports, with the
                // application's delivery callbacks suppressed.
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
    }
}

// ---- trampolines: librdkafka calls these on the thread serving the queue (inside poll) ----

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

/// Consumers: librdkafka calls this on one of its threads, with the main queue locked, when the
/// main queue gets an event while empty. It runs no application code: it flags the event and
/// wakes a consumer poll blocked on the consumer queue (another queue, so no lock is re-entered).
unsafe extern "C" fn on_main_event(_rk: *mut rd::rd_kafka_t, opaque: *mut c_void) {
    // Never relayed: it may run on serve_while's helper thread with the main queue locked.
    guarded_here(|| {
        let Some(st) = state(opaque) else { return };
        st.main_pending.store(true, Ordering::Release);
        let q = st.consumer_queue.load(Ordering::Acquire);
        let closing = st.closing.lock();
        if !q.is_null() && !*closing {
            rd::rd_kafka_queue_yield(q);
        }
    })
}

/// The client state behind librdkafka's opaque, or None while the client is being destroyed
/// (destroy runs no application callback).
unsafe fn state<'a>(opaque: *mut c_void) -> Option<&'a ClientState> {
    (opaque as *const ClientState)
        .as_ref()
        .filter(|st| !st.destroying.load(Ordering::Acquire))
}

/// An error borrowed by a callback, as the C type.
fn as_c(e: &KafkaError) -> *const kf_error_t {
    e as *const KafkaError as *const kf_error_t
}

/// Runs a callback body, never letting a panic unwind into librdkafka's C frames. On
/// serve_while's helper thread the body runs on the application thread instead (see Relay).
fn guarded(f: impl FnOnce()) {
    let relay = THREAD.with(|t| t.relay.get());
    if relay.is_null() {
        guarded_here(f);
        return;
    }
    let mut f = Some(f);
    let mut job = || {
        if let Some(f) = f.take() {
            guarded_here(f);
        }
    };
    unsafe { (*relay).run_remote(&mut job) };
}

/// Runs a callback body on this thread, never letting a panic unwind into C frames.
fn guarded_here(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}

unsafe extern "C" fn on_error(
    rk: *mut rd::rd_kafka_t,
    err: c_int,
    reason: *const c_char,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.error else {
            return;
        };
        let reason = if reason.is_null() {
            String::new()
        } else {
            CStr::from_ptr(reason).to_string_lossy().into_owned()
        };
        let e = if err == ERR_FATAL {
            // Report the original error that made the client fatal, flagged fatal, as the
            // Python client does.
            let mut buf = [0 as c_char; 512];
            let code = rd::rd_kafka_fatal_error(rk, buf.as_mut_ptr(), buf.len()) as i32;
            let mut e =
                KafkaError::from_code_msg(if code != 0 { code } else { err }, errstr_text(&buf));
            e.fatal = true;
            e
        } else {
            KafkaError::from_code_msg(err, reason)
        };
        (cb.func)(cb.opaque, as_c(&e));
    })
}

unsafe extern "C" fn on_throttle(
    _rk: *mut rd::rd_kafka_t,
    broker_name: *const c_char,
    broker_id: i32,
    throttle_time_ms: c_int,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.throttle else {
            return;
        };
        let ev = ThrottleEvent {
            broker_name,
            broker_id,
            throttle_time_ms,
        };
        (cb.func)(
            cb.opaque,
            &ev as *const ThrottleEvent as *const kf_throttle_event_t,
        );
    })
}

unsafe extern "C" fn on_stats(
    _rk: *mut rd::rd_kafka_t,
    json: *mut c_char,
    len: usize,
    opaque: *mut c_void,
) -> c_int {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.stats else {
            return;
        };
        (cb.func)(cb.opaque, json, len);
    });
    0 // librdkafka frees the JSON
}

unsafe extern "C" fn on_oauth_refresh(
    rk: *mut rd::rd_kafka_t,
    config: *const c_char,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.oauth else {
            return;
        };
        let mut req = OauthTokenRequest {
            rk,
            answered: false,
        };
        (cb.func)(
            cb.opaque,
            config,
            &mut req as *mut OauthTokenRequest as *mut kf_oauth_token_t,
        );
        if !req.answered {
            let _ =
                req.fail("oauth_cb returned without kf_oauth_token_set() or kf_oauth_token_fail()");
        }
    })
}

unsafe extern "C" fn on_log(
    rk: *const rd::rd_kafka_t,
    level: c_int,
    fac: *const c_char,
    buf: *const c_char,
) {
    guarded(|| {
        let Some(st) = state(rd::rd_kafka_opaque(rk)) else {
            return;
        };
        let Some(cb) = &st.callbacks.log else { return };
        (cb.func)(cb.opaque, level, fac, buf);
    })
}

unsafe extern "C" fn on_delivery(
    _rk: *mut rd::rd_kafka_t,
    msg: *const rd::rd_kafka_message_t,
    opaque: *mut c_void,
) {
    // The common case costs one thread-local access: not on serve_while's helper thread, so
    // the report is handled right here.
    let t = thread_state();
    if (*t).relay.get().is_null() {
        guarded_here(|| deliver(t, msg, opaque));
    } else {
        guarded(|| deliver(thread_state(), msg, opaque));
    }
}

/// The body of on_delivery, on the thread `t` (its thread_state()) that runs the callback.
unsafe fn deliver(t: *const ThreadState, msg: *const rd::rd_kafka_message_t, opaque: *mut c_void) {
    // Not state(): during destroy, reports still release zero-copy values.
    let Some(st) = (opaque as *const ClientState).as_ref() else {
        return;
    };
    let m = &*msg;
    // No per-message slot unless the message has one (its own callback or a zero-copy value).
    let slot = if m._private.is_null() {
        None
    } else {
        st.take_delivery(m._private)
    };
    if !st.destroying.load(Ordering::Acquire) {
        let call = match (slot.and_then(|s| s.func), &st.callbacks.delivery) {
            (Some(f), _) => Some((f, slot.map_or(std::ptr::null_mut(), |s| s.opaque))),
            (None, Some(cb)) => Some((cb.func, cb.opaque)),
            (None, None) => None,
        };
        if let Some((f, cb_opaque)) = call {
            let code = m.err as i32;
            let err = (code != 0).then(|| KafkaError::from_code(code));
            let err_ptr = err.as_ref().map_or(std::ptr::null(), as_c);
            let _report = DeliveryReportGuard::enter(t, msg);
            f(cb_opaque, msg as *const kf_message_t, err_ptr);
        }
    }
    // After the report: the callback may still read the value.
    if let Some((release, free_opaque)) = slot.and_then(|s| s.release) {
        release(free_opaque, m.payload as *mut u8);
    }
}

unsafe extern "C" fn on_commit(
    _rk: *mut rd::rd_kafka_t,
    err: rd::rd_kafka_resp_err_t,
    offsets: *mut rd::rd_kafka_topic_partition_list_t,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        let Some(cb) = &st.callbacks.commit else {
            return;
        };
        let code = err as i32;
        let e = if code != 0 {
            Some(KafkaError::from_code(code))
        } else {
            None
        };
        (cb.func)(
            cb.opaque,
            e.as_ref().map_or(std::ptr::null(), as_c),
            offsets as *const kf_topic_partition_list_t,
        );
    })
}

unsafe extern "C" fn on_rebalance(
    rk: *mut rd::rd_kafka_t,
    err: rd::rd_kafka_resp_err_t,
    parts: *mut rd::rd_kafka_topic_partition_list_t,
    opaque: *mut c_void,
) {
    guarded(|| {
        let Some(st) = state(opaque) else { return };
        super::consumer::handle_rebalance(rk, st, err, parts);
    })
}
