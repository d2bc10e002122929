//! Structs the library fills for the caller that start with `size_t size` (docs/ABI.md: the
//! caller sets `size` to `sizeof` the struct as its header knows it; the library never writes
//! past it, so fields can be appended later).
use super::out_arg;
use crate::error::{KResult, KafkaError};

/// Writes `value` into the caller's size-prefixed struct at `out`: refuses a `size` below
/// `first_size` (the struct's first published size), writes min(size, sizeof T) bytes and sets
/// `size` to the number of bytes written.
///
/// # Safety
/// `T` is `#[repr(C)]` and starts with a `usize` size field; `out` is NULL or points to at
/// least the `size` bytes its first field says.
#[inline]
pub(crate) unsafe fn write_sized<T>(
    out: *mut T,
    mut value: T,
    first_size: usize,
    func: &str,
    what: &str,
) -> KResult<()> {
    let out = out_arg(out, func, what)?;
    let n = check_size(
        *(out as *const usize),
        first_size,
        std::mem::size_of::<T>(),
        func,
        what,
    )?;
    *(&mut value as *mut T as *mut usize) = n;
    if n == std::mem::size_of::<T>() {
        out.write(value);
    } else {
        std::ptr::copy_nonoverlapping(&value as *const T as *const u8, out as *mut u8, n);
        std::mem::forget(value);
    }
    Ok(())
}

/// The number of bytes to write for a caller's `size` of a struct whose size here is `native`:
/// KF_ERR__INVALID_ARG below `first_size`.
#[inline]
pub(crate) fn check_size(
    size: usize,
    first_size: usize,
    native: usize,
    func: &str,
    what: &str,
) -> KResult<usize> {
    if size < first_size {
        return Err(KafkaError::invalid_arg(format!(
            "{func}: {what}->size is {size}, below {first_size} (set it to sizeof the struct)"
        )));
    }
    Ok(size.min(native))
}
