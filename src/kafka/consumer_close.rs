//! Closing a consumer: leaving the group, blocking or not.
//!
//! Built on rd_kafka_consumer_close_queue(): librdkafka forwards the consumer queue to a queue
//! of kafkaffi's (`Consumer::close_q`) and leaves the group in the background; the final
//! rebalance events arrive on that queue and are served by close() or, once close has begun,
//! by poll and consume (on any thread serving the consumer, in either serving mode), until
//! rd_kafka_consumer_closed() says the group is left. Main-queue callbacks (an OAUTHBEARER
//! refresh, error and log callbacks) are served during the close, not after it.
use std::os::raw::c_void;
use std::sync::atomic::Ordering;

use rdkafka_sys as rd;

use super::consumer::{remaining_ms, Consumer};
use super::producer::deadline;
use super::serving::guarded_here;
use super::topic_partition::PartitionList;
use crate::error::{KResult, KafkaError, ERR_TIMED_OUT};

const EV_REBALANCE: i32 = rd::RD_KAFKA_EVENT_REBALANCE as i32;
const EV_OFFSET_COMMIT: i32 = rd::RD_KAFKA_EVENT_OFFSET_COMMIT as i32;

impl Consumer {
    /// Starts leaving the group and returns at once. The final rebalance callbacks run in the
    /// next poll or consume (or in close()); close_done() says when the group is left. Calling it
    /// again, or after close, does nothing.
    pub fn close_begin(&self) -> KResult<()> {
        self.client.check_fork("close_begin")?;
        if self.client.in_callback() {
            return Err(KafkaError::state(
                "close_begin: called from inside one of this consumer's callbacks; return from \
                 the callback first",
            ));
        }
        self.begin_leaving()
    }

    fn begin_leaving(&self) -> KResult<()> {
        if self.closing.swap(true, Ordering::AcqRel) {
            return Ok(()); // closing twice is harmless, as in the Python client
        }
        let rk = self.rk();
        unsafe {
            let q = rd::rd_kafka_queue_new(rk);
            let wfd = self.client.state.event_wfd.load(Ordering::Acquire);
            if wfd >= 0 {
                // The event fd stays readable for what close forwards here.
                rd::rd_kafka_queue_io_event_enable(q, wfd, c"1".as_ptr() as *const c_void, 1);
            }
            self.close_q.store(q, Ordering::Release);
            let err = rd::rd_kafka_consumer_close_queue(rk, q);
            if let Some(e) = KafkaError::from_rd_error(err) {
                self.closed.store(true, Ordering::Release);
                return Err(e);
            }
        }
        Ok(())
    }

    /// True once the group is left (and after a close that failed to start).
    pub fn close_done(&self) -> bool {
        if self.closed.load(Ordering::Acquire) {
            return true;
        }
        if self.closing.load(Ordering::Acquire)
            && unsafe { rd::rd_kafka_consumer_closed(self.rk()) } != 0
        {
            self.closed.store(true, Ordering::Release);
            return true;
        }
        false
    }

    /// Serves one event of the close queue, waiting up to `wait_ms` for it. Returns whether the
    /// close is done.
    fn serve_close(&self, wait_ms: i32) -> bool {
        let q = self.close_q.load(Ordering::Acquire);
        if q.is_null() || self.close_done() {
            return true;
        }
        unsafe {
            let ev = rd::rd_kafka_queue_poll(q, wait_ms);
            if !ev.is_null() {
                self.handle_close_event(ev);
                rd::rd_kafka_event_destroy(ev);
            }
        }
        self.close_done()
    }

    unsafe fn handle_close_event(&self, ev: *mut rd::rd_kafka_event_t) {
        let st = &*self.client.state;
        match rd::rd_kafka_event_type(ev) as i32 {
            EV_REBALANCE => {
                let err = rd::rd_kafka_event_error(ev);
                let parts = rd::rd_kafka_event_topic_partition_list(ev);
                guarded_here(|| super::consumer::handle_rebalance(self.rk(), st, err, parts));
            }
            EV_OFFSET_COMMIT => {
                if let Some(cb) = &st.callbacks.commit {
                    let code = rd::rd_kafka_event_error(ev) as i32;
                    let parts = rd::rd_kafka_event_topic_partition_list(ev);
                    guarded_here(|| {
                        let e = (code != 0).then(|| KafkaError::from_code(code));
                        cb(e.as_ref(), PartitionList::from_ptr(parts));
                    });
                }
            }
            _ => {} // messages fetched before the close: dropped with the event
        }
    }

    /// poll and consume once close has begun: serve the close (and main-queue callbacks) for
    /// up to `timeout_ms`, hand out no message.
    pub(super) fn poll_closing(&self, timeout_ms: i32) -> KResult<()> {
        self.client.serve_main_if_pending();
        self.client.check_woken()?;
        let end = deadline(timeout_ms);
        loop {
            let wait = end.map_or(100, |d| remaining_ms(d).min(100));
            let done = self.serve_close(wait);
            self.client.serve_main_if_pending();
            self.client.check_woken()?;
            if done || end.is_some_and(|d| remaining_ms(d) == 0) || timeout_ms == 0 {
                return Ok(());
            }
        }
    }

    /// Leaves the group, waiting up to `timeout_ms` (-1: no limit). Serves the final rebalance
    /// callbacks and main-queue callbacks on this thread while it waits; in serve-in-poll mode
    /// it serves nothing and the polling thread serves them. A wake-up ends the wait with _INTR
    /// and a timeout with _TIMED_OUT: the close goes on, finished by poll (close_done() says
    /// when) or by calling close again.
    pub fn close(&self, timeout_ms: i32) -> KResult<()> {
        self.client.check_fork("close")?;
        if self.closed.load(Ordering::Acquire) {
            return Ok(());
        }
        let in_poll = self.client.serve_in_poll();
        let _g = if in_poll {
            if self.client.in_callback() {
                return Err(KafkaError::state(
                    "close: called from inside one of this consumer's callbacks; return from \
                     the callback first",
                ));
            }
            None
        } else {
            Some(self.client.begin_serving("close")?)
        };
        self.begin_leaving()?;
        let end = deadline(timeout_ms);
        // Serve-in-poll: this thread only waits, on a queue of its own that wake-ups yield.
        let wait_q = if in_poll {
            unsafe { rd::rd_kafka_queue_new(self.rk()) }
        } else {
            std::ptr::null_mut()
        };
        let target = (!wait_q.is_null()).then(|| self.client.wake_target(wait_q));
        let res = loop {
            if !in_poll {
                self.client.serve_main_if_pending();
            }
            if self.close_done() {
                break Ok(());
            }
            if let Err(e) = self.client.check_woken() {
                break Err(e);
            }
            let wait = match end {
                None => 50,
                Some(d) => {
                    let left = remaining_ms(d);
                    if left == 0 {
                        break Err(KafkaError::from_code_msg(
                            ERR_TIMED_OUT,
                            "close: the group is not left yet (the close goes on)",
                        ));
                    }
                    left.min(50)
                }
            };
            if in_poll {
                let ev = unsafe { rd::rd_kafka_queue_poll(wait_q, wait) };
                if !ev.is_null() {
                    unsafe { rd::rd_kafka_event_destroy(ev) };
                }
            } else if self.serve_close(wait) {
                break Ok(());
            }
        };
        drop(target);
        if !wait_q.is_null() {
            unsafe { rd::rd_kafka_queue_destroy(wait_q) };
        }
        if !in_poll {
            self.client.serve_main_if_pending(); // error and log callbacks raised while leaving
        }
        res
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        let q = self.close_q.swap(std::ptr::null_mut(), Ordering::AcqRel);
        if !q.is_null() && !self.client.forked() {
            unsafe { rd::rd_kafka_queue_destroy(q) };
        }
    }
}
