//! The producer: produce (single and batch), poll, flush, purge, metadata, credentials.
use std::os::raw::{c_int, c_void};
use std::time::{Duration, Instant};

use rd::rd_kafka_vtype_t as V;
use rdkafka_sys as rd;

use super::client::{Client, ClientKind, DeliverySlot};
use super::config::Config;
use super::error::{check, KResult, KafkaError};
use super::metadata;

pub struct Producer {
    pub client: Client,
}

/// One message to produce. Borrowed data is copied by librdkafka before produce returns.
pub struct OutMessage<'a> {
    pub topic: &'a std::ffi::CStr,
    pub partition: i32,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: *const rd::rd_kafka_headers_t,
    pub timestamp_ms: i64,
    /// The message's own delivery callback and/or zero-copy release function.
    pub delivery: Option<DeliverySlot>,
}

/// How often a blocking flush looks for a wake-up while it waits.
const WAKE_SLICE: Duration = Duration::from_millis(20);

impl Producer {
    pub fn new(config: &Config) -> KResult<Producer> {
        Ok(Producer {
            client: Client::new(ClientKind::Producer, config)?,
        })
    }

    pub fn produce(&self, m: &OutMessage) -> KResult<()> {
        let opaque = m.delivery.map_or(std::ptr::null_mut(), |slot| {
            self.client.register_delivery(slot)
        });
        // Headers are copied: the caller keeps owning (and may reuse) the list it passed.
        let headers = if m.headers.is_null() {
            std::ptr::null_mut()
        } else {
            unsafe { rd::rd_kafka_headers_copy(m.headers) }
        };
        let mut vus: [rd::rd_kafka_vu_t; 8] = unsafe { std::mem::zeroed() };
        let mut n = 0;
        let mut push = |vtype: V, fill: &dyn Fn(&mut rd::rd_kafka_vu_s__bindgen_ty_1)| {
            vus[n].vtype = vtype;
            fill(&mut vus[n].u);
            n += 1;
        };
        push(V::RD_KAFKA_VTYPE_TOPIC, &|u| u.cstr = m.topic.as_ptr());
        push(V::RD_KAFKA_VTYPE_PARTITION, &|u| u.i32_ = m.partition);
        // A value with a release function is not copied: librdkafka reads it in place until the
        // delivery report, after which the release function gives it back.
        let zero_copy = m.delivery.is_some_and(|d| d.release.is_some());
        let flags = if zero_copy {
            0
        } else {
            rd::RD_KAFKA_MSG_F_COPY as c_int
        };
        push(V::RD_KAFKA_VTYPE_MSGFLAGS, &|u| u.i = flags);
        if let Some(v) = m.value {
            push(V::RD_KAFKA_VTYPE_VALUE, &|u| u.mem = mem(v));
        }
        if let Some(k) = m.key {
            push(V::RD_KAFKA_VTYPE_KEY, &|u| u.mem = mem(k));
        }
        if m.timestamp_ms != 0 {
            push(V::RD_KAFKA_VTYPE_TIMESTAMP, &|u| u.i64_ = m.timestamp_ms);
        }
        if !headers.is_null() {
            push(V::RD_KAFKA_VTYPE_HEADERS, &|u| u.headers = headers);
        }
        if !opaque.is_null() {
            push(V::RD_KAFKA_VTYPE_OPAQUE, &|u| u.ptr = opaque);
        }
        let err = unsafe { rd::rd_kafka_produceva(self.client.rk, vus.as_ptr(), n) };
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
        let _g = self.client.begin_serving("kf_producer_poll")?;
        self.client.check_woken()?;
        let n = unsafe { rd::rd_kafka_poll(self.client.rk, timeout_ms) };
        self.client.check_woken()?;
        Ok(n)
    }

    /// Waits until every message is delivered or `timeout_ms` passes (-1: no limit), serving
    /// callbacks meanwhile. Returns how many messages remain.
    pub fn flush(&self, timeout_ms: i32) -> KResult<usize> {
        let _g = self.client.begin_serving("kf_producer_flush")?;
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

    /// Messages and requests waiting to be sent or acknowledged, plus callbacks not yet served.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
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
    ) -> KResult<*const rd::rd_kafka_metadata_t> {
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
