//! Every `KF_` numeric constant of the header as a name/value table readable at run time, for
//! bindings that cannot see `#define`s (koffi, ruby-ffi, cffi's ABI mode), and the one way to
//! name an enum-like integer: kf_constant_name(group, value).
//!
//! The table (constants_table.rs) is generated from include/kafkaffi.h by tests/client_extras.rs,
//! which fails when it differs from the header.
use std::ffi::CStr;
use std::os::raw::c_char;

use super::{arg_str, value};

/// One `KF_` constant of this header: `name` ("KF_CONSUMER_GROUP_STATE_STABLE"), its `group`
/// (the name's prefix without the last underscore: "KF_CONSUMER_GROUP_STATE"; "KF_ERR" for the
/// error codes) and its `value`. Filled by the library: `size` is sizeof(kf_constant_t) as the
/// library knows it (at least the size in this header); later versions may append fields, so
/// read entries through kf_constant_at(), never by indexing past the first. The strings are
/// static: never free them.
#[repr(C)]
pub struct kf_constant_t {
    pub size: usize,
    pub name: *const c_char,
    pub group: *const c_char,
    pub value: i64,
}

impl kf_constant_t {
    pub(super) const fn new(name: &'static CStr, group: &'static CStr, value: i64) -> Self {
        kf_constant_t {
            size: std::mem::size_of::<kf_constant_t>(),
            name: name.as_ptr(),
            group: group.as_ptr(),
            value,
        }
    }
}

/// The static table (its pointers are to static strings).
pub(super) struct Table<const N: usize>(pub [kf_constant_t; N]);
unsafe impl<const N: usize> Sync for Table<N> {}

#[path = "constants_table.rs"]
mod table;

/// How many constants kf_constant_at() reads (every `#define KF_...` number of the header).
///
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_constant_count() -> usize {
    table::TABLE.0.len()
}

/// Constant number `index` (0 .. kf_constant_count() - 1); the order is not part of the ABI
/// (look constants up by name or group).
///
/// Returns: static (never freed); NULL when `index` is out of range.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_constant_at(index: usize) -> *const kf_constant_t {
    table::TABLE
        .0
        .get(index)
        .map_or(std::ptr::null(), |c| c as *const kf_constant_t)
}

/// The name of an enum-like integer: the first constant of `group` whose value is `value`,
/// e.g. kf_constant_name("KF_CONSUMER_GROUP_STATE", 3) is "KF_CONSUMER_GROUP_STATE_STABLE" and
/// kf_constant_name("KF_ERR", -185) is "KF_ERR__TIMED_OUT". This is kafkaffi's one name
/// function for every enum-like int: group state and type, config source, ACL operation,
/// permission and resource pattern type, resource type, isolation level, timestamp type,
/// schema type, rebalance protocol, offsets, error codes and the others; the groups are the
/// `group` fields of kf_constant_at() (a name without its group and "_" is the short name:
/// "STABLE"). Where two names share a value in one group, the first defined wins.
///
/// Returns: static (never freed); NULL for a NULL, non-UTF-8 or unknown group, or a value
/// the group has no name for.
/// Blocks: no. Thread safety: any thread.
#[no_mangle]
pub extern "C" fn kf_constant_name(group: *const c_char, value: i64) -> *const c_char {
    self::value(std::ptr::null(), || {
        let Ok(group) = (unsafe { arg_str(group, "kf_constant_name", "group") }) else {
            return std::ptr::null();
        };
        table::TABLE
            .0
            .iter()
            .find(|c| {
                c.value == value
                    && unsafe { CStr::from_ptr(c.group) }.to_bytes() == group.as_bytes()
            })
            .map_or(std::ptr::null(), |c| c.name)
    })
}
