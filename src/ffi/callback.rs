//! How a C callback registration becomes a Rust closure for the domain.
//!
//! The domain (`crate::kafka`, `crate::serdes`) takes callbacks as Rust closures and knows
//! nothing of C. A C registration is three things: a function pointer, the application's opaque
//! pointer, and an optional function that frees the opaque. The ffi layer moves an [`Opaque`]
//! into the closure it builds around the function pointer, so the opaque is freed exactly once,
//! when the last holder of the closure (a config, a client, a serde) drops it.
use std::os::raw::c_void;

use super::types::kf_free_fn;

/// An application's opaque pointer and the function that frees it when this value is dropped.
pub(crate) struct Opaque {
    ptr: *mut c_void,
    free: kf_free_fn,
}

// The application promises, on every registration function, that its opaque may be handed to
// its callbacks on the threads the header names for them; kafkaffi only carries it there.
unsafe impl Send for Opaque {}
unsafe impl Sync for Opaque {}

impl Opaque {
    pub(crate) fn new(ptr: *mut c_void, free: kf_free_fn) -> Self {
        Opaque { ptr, free }
    }

    /// The pointer, to pass back to the application's callback.
    #[inline]
    pub(crate) fn get(&self) -> *mut c_void {
        self.ptr
    }
}

impl Drop for Opaque {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            unsafe { free(self.ptr) }
        }
    }
}
