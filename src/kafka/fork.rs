//! fork(): a client belongs to the process that created it. librdkafka's threads do not survive
//! fork(), and its locks may be held forever by them in the child, so every call on a client
//! made before a fork fails in the child with _FORKED, and dropping it there leaks it without
//! touching librdkafka. Detecting it costs one relaxed atomic load per call.
use std::sync::atomic::{AtomicU64, Ordering};

use super::client::Client;
use crate::error::{KResult, KafkaError, ERR_FORKED};

/// Bumped in a child process by the pthread_atfork handler (a process that forks twice counts
/// twice): a client remembers the value it was created in.
static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_fork_child() {
    // The child runs single-threaded here: relaxed is enough.
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// The current fork generation, with the atfork handler installed (once per process).
pub(super) fn generation_watched() -> u64 {
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

impl Client {
    /// True in a child process forked after this client was created.
    #[inline]
    pub fn forked(&self) -> bool {
        FORK_GENERATION.load(Ordering::Relaxed) != self.generation
    }

    /// Fails with _FORKED in a child process forked after this client was created. `call` names
    /// the operation in the message.
    #[inline]
    pub fn check_fork(&self, call: &str) -> KResult<()> {
        if self.forked() {
            return Err(forked_error(call));
        }
        Ok(())
    }
}
