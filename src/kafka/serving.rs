//! The serving rule: application callbacks run only on an application thread inside a blocking
//! call of their client (poll, consume, flush, close, a synchronous commit...), never on a
//! librdkafka thread. This module keeps track of which thread serves which client, relays
//! callbacks popped on serve_while's helper thread to the serving thread, guards every callback
//! body against panics, and implements the wake-up that cancels a blocking call.
use std::cell::Cell;
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::Arc;

use parking_lot::{Condvar, Mutex};
use rdkafka_sys as rd;

use super::client::{Client, ClientState, SendPtr};
use crate::error::{KResult, KafkaError, ERR_INTR};

/// What a thread is doing for the callbacks it serves. One thread-local for both fields: in a
/// shared library each access to a thread-local costs a call, and a delivery report reads both.
pub(super) struct ThreadState {
    /// The delivery report this thread is handing to a delivery callback right now.
    pub(super) report: Cell<*const rd::rd_kafka_message_t>,
    /// Set on serve_while's helper thread: callbacks popped there are relayed (see Relay).
    pub(super) relay: Cell<*const RelayTarget>,
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
pub(super) fn thread_state() -> *const ThreadState {
    THREAD.with(|t| t as *const ThreadState)
}

/// True when `m` is the delivery report being handed to a delivery callback on this thread:
/// the only kind of message with a produce latency. (librdkafka's rd_kafka_message_latency()
/// reads a producer-only field, which in a consumed message overlaps unrelated data.)
pub fn is_delivery_report(m: *const rd::rd_kafka_message_t) -> bool {
    !m.is_null() && THREAD.with(|t| t.report.get() == m)
}

/// Marks a message as the current delivery report until dropped (restoring the previous one).
pub(super) struct DeliveryReportGuard(*const ThreadState, *const rd::rd_kafka_message_t);

impl DeliveryReportGuard {
    /// `t`: this thread's thread_state().
    pub(super) unsafe fn enter(t: *const ThreadState, m: *const rd::rd_kafka_message_t) -> Self {
        DeliveryReportGuard(t, (*t).report.replace(m))
    }
}

impl Drop for DeliveryReportGuard {
    fn drop(&mut self) {
        unsafe { (*self.0).report.set(self.1) };
    }
}

/// Hands callback bodies from a helper thread to an application thread. Some blocking
/// librdkafka calls serve the main queue themselves (a transaction commit or abort flushes, and
/// flush polls): the callbacks they pop run on the application thread, one at a time, while the
/// helper waits, so borrowed arguments stay valid. In serve_while the application thread is the
/// caller; in serve-in-poll mode it is whichever thread polls next (ClientState::poll_relay).
pub(crate) struct Relay {
    /// The queue yielded so that the thread that runs the job stops waiting.
    main: AtomicPtr<rd::rd_kafka_queue_t>,
    /// Held by a helper for the whole of its hand-over: one job at a time.
    turn: Mutex<()>,
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
    pub(crate) fn new() -> Relay {
        Relay {
            main: AtomicPtr::new(std::ptr::null_mut()),
            turn: Mutex::new(()),
            slot: Mutex::new(RelaySlot::default()),
            cv: Condvar::new(),
        }
    }

    pub(crate) fn set_queue(&self, q: *mut rd::rd_kafka_queue_t) {
        self.main.store(q, Ordering::Release);
    }

    /// Helper thread: runs `job` on the serving thread and returns once it has run there.
    /// `event_wfd`: an event pipe to make readable (serve-in-poll), or -1.
    fn run_remote(&self, job: &mut dyn FnMut(), event_wfd: c_int) {
        let job: *mut (dyn FnMut() + '_) = job;
        // The lifetime is erased: this function does not return before the job has run.
        let job = unsafe {
            std::mem::transmute::<*mut (dyn FnMut() + '_), *mut (dyn FnMut() + 'static)>(job)
        };
        let _turn = self.turn.lock();
        let mut slot = self.slot.lock();
        slot.job = Some(RelayJob(job));
        slot.finished = false;
        let q = self.main.load(Ordering::Acquire);
        if !q.is_null() {
            unsafe { rd::rd_kafka_queue_yield(q) }; // end the server's poll now
        }
        if event_wfd >= 0 {
            let byte = 1u8;
            unsafe { libc::write(event_wfd, &byte as *const u8 as *const libc::c_void, 1) };
        }
        while !slot.finished {
            self.cv.wait(&mut slot);
        }
    }

    /// Serving thread: runs the job a helper is waiting on, if any. Returns whether one ran.
    pub(crate) fn run_pending(&self) -> bool {
        let job = self.slot.lock().job.take();
        if let Some(RelayJob(job)) = job {
            unsafe { (*job)() };
            self.slot.lock().finished = true;
            self.cv.notify_all();
            return true;
        }
        false
    }
}

/// Where a helper thread's callback bodies go: a Relay, and the event pipe to poke.
pub(super) struct RelayTarget {
    relay: *const Relay,
    event_wfd: c_int,
}

/// Dropped when serve_while's helper finishes (or panics): ends the serving loop.
struct WorkerDone<'a>(&'a AtomicBool, *mut rd::rd_kafka_queue_t);

impl Drop for WorkerDone<'_> {
    fn drop(&mut self) {
        THREAD.with(|t| t.relay.set(std::ptr::null()));
        self.0.store(true, Ordering::Release);
        if !self.1.is_null() {
            unsafe { rd::rd_kafka_queue_yield(self.1) }; // wake the serving loop
        }
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

/// The calling thread's identity, as far as serving is concerned: pthread_self(), a load from
/// the thread pointer (unique among live threads, never 0 on Linux or macOS).
#[inline]
fn this_thread() -> usize {
    unsafe { libc::pthread_self() as usize }
}

/// Runs a callback body, never letting a panic unwind into librdkafka's C frames. On
/// serve_while's helper thread the body runs on the application thread instead (see Relay).
pub(super) fn guarded(f: impl FnOnce()) {
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
    unsafe { (*(*relay).relay).run_remote(&mut job, (*relay).event_wfd) };
}

/// Runs a callback body on this thread, never letting a panic unwind into C frames.
pub(super) fn guarded_here(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}

impl Client {
    /// Consumers: serves the main queue's callbacks when it has any (cheap when it has none).
    pub fn serve_main_if_pending(&self) {
        let pending = &self.state.main_pending;
        if pending.load(Ordering::Acquire) && pending.swap(false, Ordering::AcqRel) {
            unsafe { rd::rd_kafka_poll(self.rk, 0) };
        }
        self.run_poll_relay();
    }

    /// Serve-in-poll: runs the callback body a blocking call's helper thread popped, if one
    /// waits. Returns how many ran (0 or 1); nothing outside serve-in-poll mode.
    #[inline]
    pub fn run_poll_relay(&self) -> i32 {
        if self.state.serve_in_poll {
            self.state.poll_relay.run_pending() as i32
        } else {
            0
        }
    }

    /// True in serve-in-poll mode (kafkaffi.callbacks.in.poll).
    #[inline]
    pub fn serve_in_poll(&self) -> bool {
        self.state.serve_in_poll
    }

    /// Runs a blocking librdkafka call on a helper thread while this thread serves the main
    /// queue's callbacks, so that, for instance, an OAUTHBEARER token refresh is answered while
    /// a transaction call waits for the broker. Consumer-queue events (messages, rebalances)
    /// are left for poll. In serve-in-poll mode this thread serves nothing: what the call pops
    /// from the main queue runs in the next poll, on the polling thread, while the call waits.
    pub fn serve_while<T: Send>(&self, call: &str, f: impl FnOnce() -> T + Send) -> KResult<T> {
        if self.in_callback() {
            // Inside one of this client's callbacks (e.g. a synchronous commit in on_revoke, or
            // committed in on_assign, as the Python client allows): run the call on this thread;
            // the main queue is served again once the callback has returned.
            return Ok(f());
        }
        let in_poll = self.state.serve_in_poll;
        let _g = if in_poll {
            None
        } else {
            Some(self.begin_serving(call)?)
        };
        let relay = Relay::new();
        relay.set_queue(self.main_queue);
        let target = if in_poll {
            RelayTarget {
                relay: &self.state.poll_relay,
                event_wfd: self.state.event_wfd.load(Ordering::Acquire),
            }
        } else {
            RelayTarget {
                relay: &relay,
                event_wfd: -1,
            }
        };
        let target = SendPtr(&target as *const RelayTarget as *mut RelayTarget);
        let done = AtomicBool::new(false);
        let yield_q = if in_poll {
            std::ptr::null_mut()
        } else {
            self.main_queue
        };
        let yq = SendPtr(yield_q);
        let result = std::thread::scope(|s| {
            let worker = s.spawn(|| {
                // Ends the serving loop below even when f panics.
                let _done = WorkerDone(&done, yq.get());
                THREAD.with(|t| t.relay.set(target.get()));
                f()
            });
            if !in_poll {
                while !done.load(Ordering::Acquire) {
                    unsafe { rd::rd_kafka_poll(self.rk, 100) };
                    relay.run_pending();
                }
            }
            worker.join()
        });
        if !in_poll {
            self.serve_main_if_pending();
        }
        result.map_err(|_| KafkaError::panic(call))
    }

    /// Runs a blocking librdkafka query on a helper thread that may be abandoned: a wake-up
    /// ends the wait with _INTR at once, and so does `wait_ms` passing (-1: no limit of its
    /// own; the query's own timeout still ends it). The helper then runs on inside librdkafka
    /// until the query's own timeout, and hands its result to `discard` (so nothing leaks);
    /// destroying the client waits for it. `f` owns everything it uses. Meanwhile this thread
    /// serves the main queue's callbacks (not in serve-in-poll mode).
    pub fn run_detached<T: Send + 'static>(
        &self,
        call: &str,
        wait_ms: i32,
        f: impl FnOnce() -> T + Send + 'static,
        discard: fn(T),
    ) -> KResult<T> {
        if self.in_callback() {
            return Ok(f());
        }
        let in_poll = self.state.serve_in_poll;
        let _g = if in_poll {
            None
        } else {
            Some(self.begin_serving(call)?)
        };
        self.check_woken()?;
        let shared = Arc::new(Detached::<T> {
            slot: Mutex::new((None, false)),
            done: AtomicBool::new(false),
            q: SendPtr(unsafe { rd::rd_kafka_queue_new(self.rk) }),
            main: SendPtr(if in_poll {
                std::ptr::null_mut()
            } else {
                self.main_queue
            }),
        });
        let wait_q = if in_poll {
            shared.q.get()
        } else {
            self.main_queue
        };
        let _target = self.waker.target(wait_q);
        *self.state.detached.lock() += 1;
        let st = SendPtr(&*self.state as *const ClientState as *mut ClientState);
        let helper = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("kafkaffi-call".into())
            .spawn(move || {
                let r = catch_unwind(AssertUnwindSafe(f));
                {
                    let mut slot = helper.slot.lock();
                    match r {
                        Ok(r) if slot.1 => {
                            drop(slot);
                            discard(r);
                        }
                        Ok(r) => slot.0 = Some(r),
                        Err(_) => {}
                    }
                }
                helper.done.store(true, Ordering::Release);
                unsafe {
                    rd::rd_kafka_queue_yield(helper.q.get());
                    if !helper.main.get().is_null() {
                        rd::rd_kafka_queue_yield(helper.main.get());
                    }
                }
                drop(helper); // before the count: the client may be destroyed right after
                let st = unsafe { &*st.get() };
                *st.detached.lock() -= 1;
                st.detached_cv.notify_all();
            });
        if let Err(e) = spawned {
            *self.state.detached.lock() -= 1;
            return Err(KafkaError::state(format!("{call}: helper thread: {e}")));
        }
        let deadline = super::producer::deadline(wait_ms);
        let outcome = loop {
            if shared.done.load(Ordering::Acquire) {
                break match shared.slot.lock().0.take() {
                    Some(r) => Ok(r),
                    None => Err(KafkaError::panic(call)),
                };
            }
            let mut slice = 100;
            if let Some(d) = deadline {
                let left = d.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    break Err(KafkaError::from_code_msg(
                        crate::error::ERR_TIMED_OUT,
                        format!("{call}: timed out"),
                    ));
                }
                slice = slice.min(left.as_millis().max(1) as c_int);
            }
            if let Err(e) = self.check_woken() {
                break Err(e);
            }
            unsafe {
                if in_poll {
                    let ev = rd::rd_kafka_queue_poll(shared.q.get(), slice);
                    if !ev.is_null() {
                        rd::rd_kafka_event_destroy(ev);
                    }
                } else {
                    rd::rd_kafka_poll(self.rk, slice);
                }
            }
        };
        if outcome.is_err() {
            // Abandoned: a result arriving later goes to `discard`.
            let mut slot = shared.slot.lock();
            slot.1 = true;
            if let Some(r) = slot.0.take() {
                drop(slot);
                discard(r);
            }
        }
        if !in_poll {
            self.serve_main_if_pending();
        }
        outcome
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
    ///
    /// Async-signal-safe: an atomic store and a write() to a self-pipe (see wake.rs), so a
    /// signal handler may call it. Ends any blocking call of the client: poll, consume, flush,
    /// commit, close, the queries, transactions and admin calls.
    #[inline]
    pub fn wake(&self) {
        self.waker.wake();
    }

    /// Adds a queue a blocking call waits on to the queues a wake-up yields, until the guard
    /// is dropped (drop it before destroying the queue).
    pub fn wake_target(&self, q: *mut rd::rd_kafka_queue_t) -> super::wake::WakeTarget<'_> {
        self.waker.target(q)
    }

    /// Consumes a pending wake-up as an _INTR error.
    pub fn check_woken(&self) -> KResult<()> {
        let woken = &self.waker.shared.woken;
        if woken.load(Ordering::Acquire) && woken.swap(false, Ordering::SeqCst) {
            Err(KafkaError::from_code_msg(ERR_INTR, "woken up by wake()"))
        } else {
            Ok(())
        }
    }
}

/// What a detached helper (Client::run_detached) and its caller share.
struct Detached<T> {
    /// The result, and whether the caller abandoned the call.
    slot: Mutex<(Option<T>, bool)>,
    done: AtomicBool,
    /// The queue the caller waits on in serve-in-poll mode, yielded when the helper is done.
    q: SendPtr<rd::rd_kafka_queue_t>,
    /// The main queue the caller polls otherwise (null in serve-in-poll mode).
    main: SendPtr<rd::rd_kafka_queue_t>,
}

impl<T> Drop for Detached<T> {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_queue_destroy(self.q.get()) };
    }
}
