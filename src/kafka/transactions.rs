//! The transactional producer (Python's Producer.init_transactions, begin_transaction,
//! send_offsets_to_transaction, commit_transaction, abort_transaction).
//!
//! Each call is librdkafka's own, and its error keeps librdkafka's retriable / fatal /
//! txn_requires_abort flags (KafkaError::from_rd_error). The blocking calls run through
//! Client::serve_while, so this thread serves the producer's callbacks while they wait; the
//! delivery reports that commit and abort flush are served on this thread too.
use std::os::raw::{c_char, c_int};
use std::time::Instant;

use rdkafka_sys as rd;

use super::client::SendPtr;
use super::consumer::remaining_ms;
use super::consumer::GroupMetadata;
use super::producer::{deadline, Producer};
use super::topic_partition::PartitionList;
use crate::error::{KResult, KafkaError, ERR_TIMED_OUT};

/// The longest slice of a transaction call between two looks for a wake-up.
const TXN_SLICE: c_int = 200;

impl Producer {
    /// Fails when the current thread is inside one of this producer's callbacks: a transaction
    /// call there would flush (or wait for the coordinator) from within the callback.
    fn txn_check(&self, call: &str) -> KResult<()> {
        if self.client.in_callback() {
            return Err(KafkaError::state(format!(
                "{call}: called from inside one of this producer's callbacks; return from the \
                 callback first"
            )));
        }
        Ok(())
    }

    /// Runs one blocking librdkafka transaction call, serving callbacks meanwhile. The call is
    /// made in slices of at most TXN_SLICE: librdkafka's transaction calls resume after a
    /// retriable timeout, so between slices a wake-up ends the call with _INTR (the
    /// transaction stays as it was: call again to resume, or abort), and `timeout_ms` (-1: no
    /// limit) bounds the whole.
    ///
    /// `sliced` false: one call with the whole timeout, not woken (send_offsets_to_transaction:
    /// with a short timeout librdkafka gives its TxnOffsetCommit too little time and fails the
    /// transaction instead of resuming).
    fn txn_blocking(
        &self,
        call: &str,
        sliced: bool,
        timeout_ms: i32,
        f: impl Fn(*mut rd::rd_kafka_t, c_int) -> *mut rd::rd_kafka_error_t + Send,
    ) -> KResult<()> {
        self.txn_check(call)?;
        self.client.check_woken()?;
        let rk = SendPtr(self.client.rk);
        let client = &self.client;
        let end = deadline(timeout_ms);
        let err = self.client.serve_while(call, move || loop {
            let slice = match (sliced, end) {
                (false, _) => timeout_ms,
                (true, None) => TXN_SLICE,
                (true, Some(d)) => remaining_ms(d).min(TXN_SLICE),
            };
            let t0 = Instant::now();
            let err = f(rk.get(), slice);
            if err.is_null() {
                return Ok(SendPtr(err));
            }
            // Resumed: a retriable error after the whole slice (librdkafka reports the
            // slice's timeout as _TIMED_OUT or as the last error it retried on). A retriable
            // error before the slice was over is the call's answer.
            let whole_slice = t0.elapsed().as_millis() as c_int + 20 >= slice;
            let resumable = sliced
                && unsafe { rd::rd_kafka_error_is_retriable(err) != 0 }
                && (whole_slice || unsafe { rd::rd_kafka_error_code(err) as i32 } == ERR_TIMED_OUT);
            if !resumable || end.is_some_and(|d| remaining_ms(d) == 0) {
                return Ok(SendPtr(err));
            }
            if let Err(e) = client.check_woken() {
                unsafe { rd::rd_kafka_error_destroy(err) };
                return Err(e);
            }
            unsafe { rd::rd_kafka_error_destroy(err) };
        })??;
        match unsafe { KafkaError::from_rd_error(err.get()) } {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// True when transactional.id is set (librdkafka answers NOT_CONFIGURED otherwise).
    fn is_transactional(&self) -> bool {
        let mut buf = [0 as c_char; 2];
        let mut size = buf.len();
        let res = unsafe {
            rd::rd_kafka_conf_get(
                rd::rd_kafka_conf(self.client.rk),
                c"transactional.id".as_ptr(),
                buf.as_mut_ptr(),
                &mut size,
            )
        };
        // `size` counts the NUL: more than 1 means a non-empty id (a buffer too small for it
        // still reports the full size).
        matches!(res, rd::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK) && size > 1
    }

    /// Registers the producer with the transaction coordinator (fencing older producers with
    /// the same transactional.id and completing their open transaction). Resumable: after a
    /// retriable error, call it again.
    pub fn init_transactions(&self, timeout_ms: i32) -> KResult<()> {
        self.txn_blocking("init_transactions", true, timeout_ms, |rk, t| unsafe {
            rd::rd_kafka_init_transactions(rk, t)
        })
    }

    /// Starts a transaction (local only: the coordinator learns of it with the first message
    /// or offsets). Does not block.
    pub fn begin_transaction(&self) -> KResult<()> {
        self.txn_check("begin_transaction")?;
        let err = unsafe { rd::rd_kafka_begin_transaction(self.client.rk) };
        match unsafe { KafkaError::from_rd_error(err) } {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Adds the consumer's offsets to the transaction: they are committed for the consumer's
    /// group if and only if the transaction commits. librdkafka copies both arguments.
    pub fn send_offsets_to_transaction(
        &self,
        offsets: &PartitionList,
        group_metadata: &GroupMetadata,
        timeout_ms: i32,
    ) -> KResult<()> {
        let (o, g) = (
            SendPtr(offsets.as_ptr() as *mut _),
            SendPtr(group_metadata.as_ptr() as *mut _),
        );
        self.txn_blocking(
            "send_offsets_to_transaction",
            false,
            timeout_ms,
            move |rk, t| unsafe {
                rd::rd_kafka_send_offsets_to_transaction(rk, o.get(), g.get(), t)
            },
        )
    }

    /// Flushes the transaction's messages, then commits it. Resumable after a retriable error
    /// (a timeout): call it again.
    pub fn commit_transaction(&self, timeout_ms: i32) -> KResult<()> {
        const F: &str = "commit_transaction";
        self.txn_check(F)?;
        // Deliver the transaction's messages here first, so that their delivery reports run on
        // this thread in order; librdkafka's own flush inside the commit then finds nothing left.
        // (In serve-in-poll mode the reports wait for the next poll; librdkafka's flush inside
        // the commit hands those it pops to the polling thread.) Woken: _INTR.
        let mut remaining = timeout_ms;
        if self.is_transactional() && !self.is_empty() {
            let end = deadline(timeout_ms);
            self.flush(timeout_ms)?;
            if let Some(end) = end {
                remaining = end.saturating_duration_since(Instant::now()).as_millis() as i32;
            }
        }
        self.txn_blocking(F, true, remaining, |rk, t| unsafe {
            rd::rd_kafka_commit_transaction(rk, t)
        })
    }

    /// Purges the transaction's queued messages, waits for those in flight, then aborts it.
    /// Resumable after a retriable error (a timeout): call it again.
    pub fn abort_transaction(&self, timeout_ms: i32) -> KResult<()> {
        self.txn_blocking("abort_transaction", true, timeout_ms, |rk, t| unsafe {
            rd::rd_kafka_abort_transaction(rk, t)
        })
    }
}
