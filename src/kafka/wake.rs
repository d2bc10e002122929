//! The wake-up that stops a client's blocking calls, safe to call from a signal handler.
//!
//! wake() is an atomic store (the latched wake-up, consumed by the next blocking call as _INTR)
//! and a write() of one byte to a self-pipe: no lock, no allocation, both async-signal-safe.
//! A watcher thread per client reads the pipe and turns each wake-up into
//! rd_kafka_queue_yield() on every queue a blocking call of the client is waiting on (the
//! client's poll queue and the temporary queues of commit, close and the other blocking calls),
//! so the wait ends at once and the call finds the latched wake-up.
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use parking_lot::Mutex;
use rdkafka_sys as rd;

use super::client::SendPtr;
use crate::error::{KResult, KafkaError};

/// What wake() and the watcher share.
pub(super) struct WakeShared {
    /// The latched wake-up.
    pub(super) woken: AtomicBool,
    /// The self-pipe: [read end, write end], both non-blocking and close-on-exec.
    pipe: [c_int; 2],
    /// Queues yielded on each wake-up (a queue may appear more than once).
    targets: Mutex<Vec<SendPtr<rd::rd_kafka_queue_t>>>,
    stop: AtomicBool,
}

unsafe impl Send for WakeShared {}
unsafe impl Sync for WakeShared {}

pub(super) struct Waker {
    pub(super) shared: Arc<WakeShared>,
    thread: Option<JoinHandle<()>>,
}

/// Removes a queue from the wake-up targets when dropped (before the queue is destroyed).
pub struct WakeTarget<'a> {
    shared: &'a WakeShared,
    q: *mut rd::rd_kafka_queue_t,
}

impl Drop for WakeTarget<'_> {
    fn drop(&mut self) {
        let mut t = self.shared.targets.lock();
        if let Some(i) = t.iter().position(|p| p.0 == self.q) {
            t.swap_remove(i);
        }
    }
}

impl Waker {
    /// Starts the watcher. `poll_queue` (the queue the client's poll waits on) is always a
    /// target; it must outlive the Waker (the client stops it before destroying its queues).
    pub(super) fn new(poll_queue: *mut rd::rd_kafka_queue_t) -> KResult<Waker> {
        let mut fds = [0 as c_int; 2];
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(KafkaError::state(format!(
                "wake pipe: {}",
                std::io::Error::last_os_error()
            )));
        }
        for fd in fds {
            unsafe {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
        }
        // Only the write end is non-blocking (a full pipe already means a wake-up is pending);
        // the watcher blocks on the read end.
        unsafe {
            let fl = libc::fcntl(fds[1], libc::F_GETFL);
            libc::fcntl(fds[1], libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
        let shared = Arc::new(WakeShared {
            woken: AtomicBool::new(false),
            pipe: fds,
            targets: Mutex::new(vec![SendPtr(poll_queue)]),
            stop: AtomicBool::new(false),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("kafkaffi-wake".into())
            .stack_size(64 * 1024)
            .spawn(move || watch(&s));
        match thread {
            Ok(t) => Ok(Waker {
                shared,
                thread: Some(t),
            }),
            Err(e) => {
                unsafe {
                    libc::close(fds[0]);
                    libc::close(fds[1]);
                }
                Err(KafkaError::state(format!("wake watcher thread: {e}")))
            }
        }
    }

    /// Async-signal-safe: an atomic store and a write().
    #[inline]
    pub(super) fn wake(&self) {
        self.shared.wake();
    }

    /// Adds a queue to yield on wake-ups until the returned guard is dropped.
    pub(super) fn target(&self, q: *mut rd::rd_kafka_queue_t) -> WakeTarget<'_> {
        self.shared.targets.lock().push(SendPtr(q));
        WakeTarget {
            shared: &self.shared,
            q,
        }
    }

    /// In a child process after fork(): the watcher thread is not there to join.
    pub(super) fn forget_thread(&mut self) {
        std::mem::forget(self.thread.take());
    }

    /// Stops the watcher (before the client's queues are destroyed).
    pub(super) fn stop(&mut self) {
        if let Some(t) = self.thread.take() {
            self.shared.stop.store(true, Ordering::SeqCst);
            self.shared.poke();
            let _ = t.join();
        }
    }
}

impl WakeShared {
    fn poke(&self) {
        // Saves errno: a signal handler may interrupt code that reads it.
        let saved = errno();
        let byte = 1u8;
        unsafe { libc::write(self.pipe[1], &byte as *const u8 as *const c_void, 1) };
        set_errno(saved);
    }

    pub(super) fn wake(&self) {
        self.woken.store(true, Ordering::SeqCst);
        self.poke();
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        self.stop();
        unsafe {
            libc::close(self.shared.pipe[0]);
            libc::close(self.shared.pipe[1]);
        }
    }
}

fn watch(s: &WakeShared) {
    let mut buf = [0u8; 64];
    loop {
        let n = unsafe { libc::read(s.pipe[0], buf.as_mut_ptr() as *mut c_void, buf.len()) };
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        if s.stop.load(Ordering::SeqCst) || n <= 0 {
            return;
        }
        for q in s.targets.lock().iter() {
            unsafe { rd::rd_kafka_queue_yield(q.0) };
        }
    }
}

#[cfg(target_os = "linux")]
fn errno_ptr() -> *mut c_int {
    unsafe { libc::__errno_location() }
}

#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
fn errno_ptr() -> *mut c_int {
    unsafe { libc::__error() }
}

fn errno() -> c_int {
    unsafe { *errno_ptr() }
}

fn set_errno(v: c_int) {
    unsafe { *errno_ptr() = v };
}
