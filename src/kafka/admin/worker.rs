//! The admin client's worker thread, which takes asynchronous calls' results off the result
//! queue as they arrive: it converts each librdkafka event, starts the retries a group operation
//! needs when their pause is over, and, once a call has every answer, queues the call's result
//! and wakes poll (and the event fd). The callbacks themselves run in poll, on the
//! application's thread. Started by the first asynchronous call; stopped before the client is
//! destroyed, which then tells the callbacks of the calls still running that they are abandoned.
use std::collections::{HashMap, VecDeque};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rdkafka_sys as rd;

use super::options::AdminOptions;
use super::result::{convert, AdminResult};
use super::retry::{retry_options, Retry, Sub};
use super::{Op, ResultCallback};
use crate::error::{KResult, KafkaError};
use crate::kafka::client::SendPtr;

/// Requests of one call are numbered in the low bits of librdkafka's event opaque.
const SUB_BITS: u32 = 16;
pub(super) const MAX_SUBS: usize = (1 << SUB_BITS) - 1;

/// The event opaque of request `i` of call `id`.
pub(super) fn tag(id: u64, i: usize) -> usize {
    (id << SUB_BITS) as usize | i
}

fn untag(tag: usize) -> (u64, usize) {
    ((tag as u64) >> SUB_BITS, tag & MAX_SUBS)
}

/// An asynchronous call whose answers are still arriving.
pub(super) struct Pending {
    pub op: Op,
    pub cb: ResultCallback,
    /// The options, for the retries' requests.
    pub opts: AdminOptions,
    /// When the call's request timeout is spent: no retry starts after it.
    pub deadline: Instant,
    pub subs: Vec<Sub>,
}

/// A call's result, waiting for poll to hand it to the callback.
pub(super) struct Ready {
    pub cb: ResultCallback,
    pub result: AdminResult,
}

/// What the worker and the client share.
#[derive(Default)]
pub(super) struct Calls {
    pub pending: Mutex<HashMap<u64, Pending>>,
    ready: Mutex<VecDeque<Ready>>,
    stop: AtomicBool,
}

impl Calls {
    pub fn take_ready(&self) -> Option<Ready> {
        self.ready.lock().pop_front()
    }

    /// Takes the callbacks of every call not handed over yet, running or ready (the worker has
    /// stopped).
    pub fn abandon(&self) -> Vec<ResultCallback> {
        let mut cbs: Vec<ResultCallback> = self.ready.lock().drain(..).map(|r| r.cb).collect();
        let mut pending: Vec<(u64, Pending)> = self.pending.lock().drain().collect();
        pending.sort_by_key(|(id, _)| *id); // in the order the calls were made
        cbs.extend(pending.into_iter().map(|(_, p)| p.cb));
        cbs
    }
}

pub(super) struct Worker {
    calls: Arc<Calls>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// The longest the worker sleeps on the queue without a retry to start.
const IDLE: Duration = Duration::from_secs(1);

impl Worker {
    pub fn new() -> Worker {
        Worker {
            calls: Arc::default(),
            thread: Mutex::new(None),
        }
    }

    pub fn calls(&self) -> &Calls {
        &self.calls
    }

    /// Starts the thread unless it runs. `rk`, `results` and `main` outlive it (see stop()).
    pub fn ensure(
        &self,
        rk: *mut rd::rd_kafka_t,
        results: *mut rd::rd_kafka_queue_t,
        main: *mut rd::rd_kafka_queue_t,
    ) -> KResult<()> {
        let mut thread = self.thread.lock();
        if thread.is_some() {
            return Ok(());
        }
        let calls = self.calls.clone();
        let (rk, results, main) = (SendPtr(rk), SendPtr(results), SendPtr(main));
        let t = std::thread::Builder::new()
            .name("kafkaffi-admin".into())
            .spawn(move || serve(&calls, rk, results, main))
            .map_err(|e| KafkaError::state(format!("admin worker thread: {e}")))?;
        *thread = Some(t);
        Ok(())
    }

    /// Stops the thread (at once: it is waiting on `results`, which is yielded).
    pub fn stop(&self, results: *mut rd::rd_kafka_queue_t) {
        self.calls.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.lock().take() {
            unsafe { rd::rd_kafka_queue_yield(results) };
            let _ = t.join();
        }
    }
}

fn serve(
    calls: &Calls,
    rk: SendPtr<rd::rd_kafka_t>,
    results: SendPtr<rd::rd_kafka_queue_t>,
    main: SendPtr<rd::rd_kafka_queue_t>,
) {
    let mut due: Vec<(usize, Retry)> = Vec::new();
    while !calls.stop.load(Ordering::Acquire) {
        let now = Instant::now();
        let mut k = 0;
        while k < due.len() {
            if due[k].1.at > now {
                k += 1;
                continue;
            }
            let (tag, retry) = due.swap_remove(k);
            start_retry(calls, tag, retry, &rk, &results, &main);
        }
        let wait = due
            .iter()
            .map(|d| d.1.at.saturating_duration_since(now))
            .min()
            .unwrap_or(IDLE)
            .min(IDLE);
        let ev = unsafe { rd::rd_kafka_queue_poll(results.get(), wait.as_millis() as c_int) };
        if ev.is_null() {
            continue;
        }
        let tag = unsafe { rd::rd_kafka_event_opaque(ev) } as usize;
        let (id, i) = untag(tag);
        let mut pending = calls.pending.lock();
        if let Some(p) = pending.get_mut(&id) {
            if let Some(sub) = p.subs.get_mut(i) {
                let got = unsafe { convert(p.op, ev, &sub.expected) };
                if let Some(retry) = sub.take(got, p.deadline) {
                    due.push((tag, retry));
                }
            }
        }
        unsafe { rd::rd_kafka_event_destroy(ev) };
        complete(calls, &mut pending, id, &main);
    }
}

fn start_retry(
    calls: &Calls,
    tag: usize,
    retry: Retry,
    rk: &SendPtr<rd::rd_kafka_t>,
    results: &SendPtr<rd::rd_kafka_queue_t>,
    main: &SendPtr<rd::rd_kafka_queue_t>,
) {
    let (id, i) = untag(tag);
    let mut pending = calls.pending.lock();
    let Some(p) = pending.get_mut(&id) else {
        return;
    };
    match retry_options(rk.get(), &p.opts, p.op, Instant::now(), p.deadline) {
        Ok(o) => {
            o.set_tag(tag);
            unsafe { retry.call.start(rk.get(), o.0, results.get()) };
        }
        Err(_) => {
            p.subs[i].give_up();
            complete(calls, &mut pending, id, main);
        }
    }
}

/// Queues call `id`'s result once it has every answer, and wakes poll.
fn complete(
    calls: &Calls,
    pending: &mut HashMap<u64, Pending>,
    id: u64,
    main: &SendPtr<rd::rd_kafka_queue_t>,
) {
    if !pending
        .get(&id)
        .is_some_and(|p| p.subs.iter().all(Sub::done))
    {
        return;
    }
    let Some(p) = pending.remove(&id) else {
        return;
    };
    let result = AdminResult::assemble(p.op, p.subs.into_iter().map(Sub::finish).collect());
    calls.ready.lock().push_back(Ready { cb: p.cb, result });
    unsafe { rd::rd_kafka_queue_yield(main.get()) };
}
