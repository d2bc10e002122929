//! The admin client: every operation of Python's AdminClient over librdkafka's admin API, with a
//! result per item. Each call starts one librdkafka request (one per group for the group-offset
//! operations, which librdkafka limits to one group per request), then either waits for the
//! result events while serving the client's callbacks (blocking calls) or leaves them on the
//! admin client's result queue, where poll turns them into a result handed to the call's
//! callback.
use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::{c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use rdkafka_sys as rd;

pub mod inputs;
mod options;
mod request;
pub mod result;
/// cbindgen:ignore
mod sys;

pub use options::AdminOptions;
pub use request::{GroupPartitions, Op, Request};

use super::client::{Client, ClientKind, SendPtr};
use super::config::Config;
use super::metadata;
use super::producer::deadline;
use crate::error::{KResult, KafkaError};
use result::{convert, AdminResult, Expected, SubResult};

/// What an asynchronous call does with its result, on the thread inside poll. The result is
/// borrowed for the call. Dropped without being called when the client is destroyed first.
pub type ResultCallback = Box<dyn FnOnce(&AdminResult) + Send>;

/// An asynchronous call whose results are still arriving.
struct Pending {
    op: Op,
    cb: ResultCallback,
    expected: Vec<Vec<Expected>>,
    subs: Vec<Option<SubResult>>,
}

/// Requests of one call are numbered in the low bits of librdkafka's event opaque.
const SUB_BITS: u32 = 16;
const MAX_SUBS: usize = (1 << SUB_BITS) - 1;

pub struct Admin {
    pub client: Client,
    /// Where asynchronous results arrive; served by poll.
    results: *mut rd::rd_kafka_queue_t,
    /// A reference to the main queue, yielded when a result arrives so a blocked poll wakes.
    main: *mut rd::rd_kafka_queue_t,
    pending: Mutex<HashMap<u64, Pending>>,
    next_id: AtomicU64,
    socket_timeout_ms: i32,
}

unsafe impl Send for Admin {}
unsafe impl Sync for Admin {}

/// librdkafka calls this on one of its threads, with the result queue locked, when a result
/// arrives on the empty queue: it runs no application code, it only wakes a blocked poll.
unsafe extern "C" fn on_result(_rk: *mut rd::rd_kafka_t, opaque: *mut c_void) {
    let _ = catch_unwind(|| rd::rd_kafka_queue_yield(opaque as *mut rd::rd_kafka_queue_t));
}

fn too_many(op: Op) -> KafkaError {
    KafkaError::invalid_arg(format!("{}: too many groups", op.python_name()))
}

/// The extra time a blocking call waits past the request timeout before giving up on
/// librdkafka's own timeout result.
const WAIT_MARGIN: Duration = Duration::from_secs(10);

impl Admin {
    pub fn new(config: &Config) -> KResult<Admin> {
        // librdkafka runs admin requests on any client type; a producer-type handle with no
        // messages is what the Python client uses too.
        let client = Client::new(ClientKind::Producer, config)?;
        let socket_timeout_ms = config
            .get("socket.timeout.ms")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(60_000);
        unsafe {
            let results = rd::rd_kafka_queue_new(client.rk);
            let main = rd::rd_kafka_queue_get_main(client.rk);
            rd::rd_kafka_queue_cb_event_enable(results, Some(on_result), main as *mut c_void);
            Ok(Admin {
                client,
                results,
                main,
                pending: Mutex::new(HashMap::new()),
                next_id: AtomicU64::new(1),
                socket_timeout_ms,
            })
        }
    }

    /// Runs an operation and waits for its result, serving callbacks meanwhile.
    pub fn run(&self, req: &Request, opts: Option<&AdminOptions>) -> KResult<AdminResult> {
        let op = req.op();
        let expected = req.expected();
        if expected.len() > MAX_SUBS {
            return Err(too_many(op));
        }
        let default = AdminOptions::default();
        let opts = opts.unwrap_or(&default);
        let rk = self.client.rk;
        let o = opts.to_rd(rk, op)?;
        let prepared = req.prepare()?;
        let q = unsafe { rd::rd_kafka_queue_new(rk) };
        for i in 0..expected.len() {
            o.set_tag(i);
            unsafe { req.start(i, &prepared, rk, o.0, q) };
        }
        drop(o);
        let n = expected.len();
        let timeout = Duration::from_millis(
            opts.request_timeout_ms
                .unwrap_or(self.socket_timeout_ms)
                .max(0) as u64,
        );
        let until = Instant::now() + timeout + WAIT_MARGIN;
        let qp = SendPtr(q);
        let client = &self.client;
        let waited = client.serve_while(op.python_name(), move || {
            let mut events = Vec::with_capacity(n);
            let outcome = loop {
                if events.len() == n {
                    break Ok(());
                }
                if let Err(e) = client.check_woken() {
                    break Err(e);
                }
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break Err(KafkaError::from_code_msg(
                        rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT as i32,
                        "admin request: no result from librdkafka in time",
                    ));
                }
                let ev = unsafe {
                    rd::rd_kafka_queue_poll(
                        qp.get(),
                        left.min(Duration::from_millis(100)).as_millis() as c_int,
                    )
                };
                if !ev.is_null() {
                    events.push(SendPtr(ev));
                }
            };
            (events, outcome)
        });
        unsafe { rd::rd_kafka_queue_destroy(q) };
        let (events, outcome) = waited?;
        let mut subs: Vec<Option<SubResult>> = (0..n).map(|_| None).collect();
        for ev in events {
            unsafe {
                let i = rd::rd_kafka_event_opaque(ev.get()) as usize;
                if let Some(slot) = subs.get_mut(i) {
                    *slot = Some(convert(op, ev.get(), &expected[i]));
                }
                rd::rd_kafka_event_destroy(ev.get());
            }
        }
        outcome?;
        Ok(AdminResult::assemble(
            op,
            subs.into_iter()
                .map(|s| {
                    s.unwrap_or(SubResult {
                        error: None,
                        items: Vec::new(),
                    })
                })
                .zip(expected)
                .collect(),
        ))
    }

    /// Starts an operation; its result goes to `cb` from a later poll.
    pub fn run_async(
        &self,
        req: &Request,
        opts: Option<&AdminOptions>,
        cb: ResultCallback,
    ) -> KResult<()> {
        let op = req.op();
        let expected = req.expected();
        if expected.len() > MAX_SUBS {
            return Err(too_many(op));
        }
        let default = AdminOptions::default();
        let opts = opts.unwrap_or(&default);
        let rk = self.client.rk;
        let o = opts.to_rd(rk, op)?;
        let prepared = req.prepare()?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let n = expected.len();
        self.pending.lock().insert(
            id,
            Pending {
                op,
                cb,
                expected,
                subs: (0..n).map(|_| None).collect(),
            },
        );
        for i in 0..n {
            o.set_tag((id << SUB_BITS) as usize | i);
            unsafe { req.start(i, &prepared, rk, o.0, self.results) };
        }
        Ok(())
    }

    /// Serves asynchronous results and the client's callbacks, waiting up to `timeout_ms` for
    /// the first (-1: no limit). Returns how many were served.
    pub fn poll(&self, timeout_ms: i32) -> KResult<i32> {
        let _g = self.client.begin_serving("admin poll")?;
        self.client.check_woken()?;
        let until = deadline(timeout_ms);
        loop {
            let mut served = self.serve_results();
            served += unsafe { rd::rd_kafka_poll(self.client.rk, 0) };
            if served > 0 {
                return Ok(served);
            }
            let wait = match until {
                None => -1,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(0);
                    }
                    left.as_millis().max(1) as c_int
                }
            };
            // Returns when a callback was served, a result arrived (on_result yields the main
            // queue), wake was called, or the time is up.
            let n = unsafe { rd::rd_kafka_poll(self.client.rk, wait) };
            self.client.check_woken()?;
            if n > 0 {
                return Ok(n + self.serve_results());
            }
        }
    }

    /// Hands every complete asynchronous result on the result queue to its callback.
    fn serve_results(&self) -> i32 {
        let mut served = 0;
        loop {
            let ev = unsafe { rd::rd_kafka_queue_poll(self.results, 0) };
            if ev.is_null() {
                return served;
            }
            let tag = unsafe { rd::rd_kafka_event_opaque(ev) } as usize as u64;
            let (id, i) = (tag >> SUB_BITS, (tag & MAX_SUBS as u64) as usize);
            let done = {
                let mut pending = self.pending.lock();
                match pending.get_mut(&id) {
                    Some(p) if i < p.subs.len() => {
                        p.subs[i] = Some(unsafe { convert(p.op, ev, &p.expected[i]) });
                        if p.subs.iter().all(Option::is_some) {
                            pending.remove(&id)
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            };
            unsafe { rd::rd_kafka_event_destroy(ev) };
            if let Some(p) = done {
                let res = AdminResult::assemble(
                    p.op,
                    p.subs.into_iter().flatten().zip(p.expected).collect(),
                );
                let cb = p.cb;
                let _ = catch_unwind(AssertUnwindSafe(move || cb(&res)));
                served += 1;
            }
        }
    }

    /// Asynchronous calls whose result has not been handed to their callback yet.
    pub fn pending(&self) -> usize {
        self.pending.lock().len()
    }

    pub fn list_topics(
        &self,
        topic: Option<&CStr>,
        timeout_ms: i32,
    ) -> KResult<*const metadata::Metadata> {
        metadata::fetch(&self.client, topic, timeout_ms)
    }
}

impl Drop for Admin {
    fn drop(&mut self) {
        if self.client.forked() {
            return; // in a child after fork(): leaked, see Client's Drop
        }
        unsafe {
            rd::rd_kafka_queue_cb_event_enable(self.results, None, std::ptr::null_mut());
            rd::rd_kafka_queue_destroy(self.results);
            rd::rd_kafka_queue_destroy(self.main);
        }
        // Pending calls are dropped without their callbacks; then `client` is destroyed.
    }
}
