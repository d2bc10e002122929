//! The serving rule: application callbacks run only on an application thread inside a blocking
//! call of their client (poll, consume, flush, close, a synchronous commit...), never on a
//! librdkafka thread. This module keeps track of which thread serves which client, relays
//! callbacks popped on serve_while's helper thread to the serving thread, guards every callback
//! body against panics, and implements the wake-up that cancels a blocking call.
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

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
    pub(super) relay: Cell<*const Relay>,
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

/// Hands callback bodies from serve_while's helper thread to the application thread inside
/// serve_while. Some blocking librdkafka calls serve the main queue themselves (a transaction
/// commit or abort flushes, and flush polls): the callbacks they pop run on the application
/// thread, one at a time, while the helper waits, so borrowed arguments stay valid.
pub(super) struct Relay {
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
    unsafe { (*relay).run_remote(&mut job) };
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
            Err(KafkaError::from_code_msg(ERR_INTR, "woken up by wake()"))
        } else {
            Ok(())
        }
    }
}
