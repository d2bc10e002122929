//! The admin client: every operation of Python's AdminClient over librdkafka's admin API, with a
//! result per item. Each call starts one librdkafka request (one per group for the group-offset
//! operations, which librdkafka limits to one group per request), then either waits for the
//! result events while serving the client's callbacks (blocking calls) or leaves them to the
//! admin client's worker thread, which assembles the call's result for poll to hand to the
//! call's callback (asynchronous calls). Group-coordinator operations retry the coordinator's
//! transient errors within the call's request timeout (see retry.rs), blocking and asynchronous
//! calls alike.
use std::ffi::CStr;
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rdkafka_sys as rd;

pub mod inputs;
mod options;
mod request;
pub mod result;
mod retry;
/// cbindgen:ignore
mod sys;
mod worker;

pub use options::AdminOptions;
pub use request::{GroupPartitions, Op, Request};

use super::client::{Client, ClientKind, SendPtr};
use super::config::Config;
use super::metadata;
use super::producer::deadline as poll_deadline;
use crate::error::{KResult, KafkaError};
use options::RdOptions;
use request::Prepared;
use result::{convert, AdminResult};
use retry::{retry_options, Backoff, Retry, Sub};
use worker::{tag, Pending, Worker, MAX_SUBS};

/// What an asynchronous call does with its result: called once, with the result (handed over)
/// on the thread inside poll, or with None on the thread that destroys the client when the
/// client is destroyed before the result was handed over. Dropped without being called only
/// when the call that would have started the operation fails.
pub type ResultCallback = Box<dyn FnOnce(Option<AdminResult>) + Send>;

/// `repr(C)` with the tag first: see `tag`.
#[repr(C)]
pub struct Admin {
    tag: super::tag::Tag,
    pub client: Client,
    /// Where asynchronous calls' answers arrive; served by the worker.
    results: *mut rd::rd_kafka_queue_t,
    /// A reference to the main queue, yielded when a result is ready so a blocked poll wakes.
    main: *mut rd::rd_kafka_queue_t,
    worker: Worker,
    next_id: AtomicU64,
    socket_timeout_ms: i32,
    backoff: Backoff,
}

unsafe impl Send for Admin {}
unsafe impl Sync for Admin {}

/// The extra time a blocking call waits past the request timeout before giving up on
/// librdkafka's own timeout result.
const WAIT_MARGIN: Duration = Duration::from_secs(10);

fn config_ms(config: &Config, key: &str, default: i32) -> i32 {
    config
        .get(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Starts request `i` of `req`.
///
/// # Safety
/// `rk` is a live client, `o` options made for it and `q` a queue of it.
unsafe fn start(
    req: &Request,
    prepared: &Prepared,
    i: usize,
    sub: &Sub,
    rk: *mut rd::rd_kafka_t,
    o: &RdOptions,
    q: *mut rd::rd_kafka_queue_t,
) {
    match sub.call() {
        Some(call) => call.start(rk, o.0, q),
        None => req.start(i, prepared, rk, o.0, q),
    }
}

impl Admin {
    pub fn new(config: &Config) -> KResult<Admin> {
        // librdkafka runs admin requests on any client type; a producer-type handle with no
        // messages is what the Python client uses too.
        let client = Client::new(ClientKind::Producer, config)?;
        let socket_timeout_ms = config_ms(config, "socket.timeout.ms", 60_000);
        let first = config_ms(config, "retry.backoff.ms", 100).max(1) as u64;
        let max = config_ms(config, "retry.backoff.max.ms", 1000).max(1) as u64;
        let backoff = Backoff {
            first: Duration::from_millis(first),
            max: Duration::from_millis(max.max(first)),
        };
        unsafe {
            let results = rd::rd_kafka_queue_new(client.rk);
            let main = rd::rd_kafka_queue_get_main(client.rk);
            Ok(Admin {
                tag: super::tag::Tag::ADMIN,
                client,
                results,
                main,
                worker: Worker::new(),
                next_id: AtomicU64::new(1),
                socket_timeout_ms,
                backoff,
            })
        }
    }

    /// The call's time: its request timeout, librdkafka's default being socket.timeout.ms.
    fn request_timeout(&self, opts: &AdminOptions) -> Duration {
        let ms = opts.request_timeout_ms.unwrap_or(self.socket_timeout_ms);
        Duration::from_millis(ms.max(0) as u64)
    }

    /// Checks a call and builds what its requests need, refusing it before anything starts.
    fn prepare(
        &self,
        req: &Request,
        opts: &AdminOptions,
    ) -> KResult<(RdOptions, Prepared, Vec<Sub>)> {
        let expected = req.expected();
        if expected.len() > MAX_SUBS {
            return Err(KafkaError::invalid_arg(format!(
                "{}: too many groups",
                req.op().python_name()
            )));
        }
        let o = opts.to_rd(self.client.rk, req.op())?;
        let prepared = req.prepare()?;
        let subs = expected
            .into_iter()
            .enumerate()
            .map(|(i, e)| Sub::new(e, req.group_call(i), self.backoff))
            .collect();
        Ok((o, prepared, subs))
    }

    /// Runs an operation and waits for its result, serving callbacks meanwhile.
    pub fn run(&self, req: &Request, opts: Option<&AdminOptions>) -> KResult<AdminResult> {
        let op = req.op();
        let opts = opts.cloned().unwrap_or_default();
        let (o, prepared, mut subs) = self.prepare(req, &opts)?;
        let rk = self.client.rk;
        let q = unsafe { rd::rd_kafka_queue_new(rk) };
        for (i, sub) in subs.iter().enumerate() {
            o.set_tag(i);
            unsafe { start(req, &prepared, i, sub, rk, &o, q) };
        }
        drop(o);
        let deadline = Instant::now() + self.request_timeout(&opts);
        let until = deadline + WAIT_MARGIN;
        let (qp, rkp) = (SendPtr(q), SendPtr(rk));
        let client = &self.client;
        let target = client.wake_target(q);
        let waited = client.serve_while(op.python_name(), move || {
            let mut due: Vec<(usize, Retry)> = Vec::new();
            let outcome = loop {
                if due.is_empty() && subs.iter().all(Sub::done) {
                    break Ok(());
                }
                if let Err(e) = client.check_woken() {
                    break Err(e);
                }
                let now = Instant::now();
                if now >= until {
                    break Err(KafkaError::from_code_msg(
                        rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__TIMED_OUT as i32,
                        "admin request: no result from librdkafka in time",
                    ));
                }
                // Start the retries whose pause is over, on the call's queue.
                let mut k = 0;
                while k < due.len() {
                    if due[k].1.at > now {
                        k += 1;
                        continue;
                    }
                    let (i, retry) = due.swap_remove(k);
                    match retry_options(rkp.get(), &opts, op, now, deadline) {
                        Ok(o) => {
                            o.set_tag(i);
                            unsafe { retry.call.start(rkp.get(), o.0, qp.get()) };
                        }
                        Err(_) => subs[i].give_up(),
                    }
                }
                let next = due.iter().map(|d| d.1.at).min().unwrap_or(until).min(until);
                let wait = next
                    .saturating_duration_since(now)
                    .min(Duration::from_millis(100));
                let ev = unsafe { rd::rd_kafka_queue_poll(qp.get(), wait.as_millis() as c_int) };
                if ev.is_null() {
                    continue;
                }
                let i = unsafe { rd::rd_kafka_event_opaque(ev) } as usize;
                if let Some(sub) = subs.get_mut(i) {
                    let got = unsafe { convert(op, ev, &sub.expected) };
                    if let Some(retry) = sub.take(got, deadline) {
                        due.push((i, retry));
                    }
                }
                unsafe { rd::rd_kafka_event_destroy(ev) };
            };
            (subs, outcome)
        });
        drop(target);
        unsafe { rd::rd_kafka_queue_destroy(q) };
        let (subs, outcome) = waited?;
        outcome?;
        Ok(AdminResult::assemble(
            op,
            subs.into_iter().map(Sub::finish).collect(),
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
        let opts = opts.cloned().unwrap_or_default();
        let (o, prepared, subs) = self.prepare(req, &opts)?;
        let rk = self.client.rk;
        self.worker.ensure(rk, self.results, self.main)?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let deadline = Instant::now() + self.request_timeout(&opts);
        // Registered before the requests start, so that no answer can arrive unknown; the
        // lock holds the worker off until every request has started.
        let mut pending = self.worker.calls().pending.lock();
        let p = pending.entry(id).or_insert(Pending {
            op,
            cb,
            opts,
            deadline,
            subs,
        });
        for (i, sub) in p.subs.iter().enumerate() {
            o.set_tag(tag(id, i));
            unsafe { start(req, &prepared, i, sub, rk, &o, self.results) };
        }
        Ok(())
    }

    /// Serves asynchronous results and the client's callbacks, waiting up to `timeout_ms` for
    /// the first (-1: no limit). Returns how many were served.
    pub fn poll(&self, timeout_ms: i32) -> KResult<i32> {
        let _g = self.client.begin_serving("admin poll")?;
        self.client.check_woken()?;
        let until = poll_deadline(timeout_ms);
        loop {
            let mut served = self.serve_ready() + self.client.run_poll_relay();
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
            // Returns when a callback was served, a result is ready (the worker yields the main
            // queue), wake was called, or the time is up.
            let n = unsafe { rd::rd_kafka_poll(self.client.rk, wait) };
            self.client.check_woken()?;
            let n = n + self.serve_ready() + self.client.run_poll_relay();
            if n > 0 {
                return Ok(n);
            }
        }
    }

    /// Hands every ready result to its callback.
    fn serve_ready(&self) -> i32 {
        let mut served = 0;
        while let Some(ready) = self.worker.calls().take_ready() {
            let (cb, result) = (ready.cb, ready.result);
            let _ = catch_unwind(AssertUnwindSafe(move || cb(Some(result))));
            served += 1;
        }
        served
    }

    /// Replaces the SASL PLAIN/SCRAM username and password for the next (re)authentication.
    pub fn set_sasl_credentials(&self, username: &CStr, password: &CStr) -> KResult<()> {
        let err = unsafe {
            rd::rd_kafka_sasl_set_credentials(self.client.rk, username.as_ptr(), password.as_ptr())
        };
        match unsafe { KafkaError::from_rd_error(err) } {
            None => Ok(()),
            Some(e) => Err(e),
        }
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
        // Nothing may start or arrive once the client is going.
        self.worker.stop(self.results);
        unsafe {
            rd::rd_kafka_queue_destroy(self.results);
            rd::rd_kafka_queue_destroy(self.main);
        }
        // Calls still running, and results poll has not handed over, never reach their
        // callbacks: each is told so (None), here on the destroying thread, once. Then `client`
        // is destroyed.
        for cb in self.worker.calls().abandon() {
            let _ = catch_unwind(AssertUnwindSafe(move || cb(None)));
        }
    }
}
