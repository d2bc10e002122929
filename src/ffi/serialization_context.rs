//! kf_serialization_context_t: Python's SerializationContext, what a serde is told about the
//! message it works on.
use std::os::raw::c_char;

use super::types::kf_headers_t;
use super::{arg_cstr, arg_sized, borrowed, opt};
use crate::error::{KResult, KafkaError};
use crate::serdes::{Context, Field};

/// kf_serialization_context_t.field: the message key.
pub const KF_MESSAGE_FIELD_KEY: i32 = 0;
/// kf_serialization_context_t.field: the message value.
pub const KF_MESSAGE_FIELD_VALUE: i32 = 1;

/// Python's SerializationContext: the topic, the field (KF_MESSAGE_FIELD_KEY or
/// KF_MESSAGE_FIELD_VALUE) and the message's headers (borrowed; may be NULL). Filled by the
/// caller for kf_serializer_serialize*() and kf_deserializer_deserialize(); handed (borrowed,
/// for the call) to custom serde callbacks, with `size` set to the library's sizeof.
///
/// Starts with `size`: set it to `sizeof(kf_serialization_context_t)`. The library refuses a
/// size below the first published one (KF_ERR__INVALID_ARG) and never reads past `size`, so
/// fields can be appended in later versions (a field past `size` reads as zero).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kf_serialization_context_t {
    /// The struct's size in bytes (see above).
    pub size: usize,
    /// The topic (NUL-terminated UTF-8, required).
    pub topic: *const c_char,
    /// KF_MESSAGE_FIELD_KEY or KF_MESSAGE_FIELD_VALUE.
    pub field: i32,
    /// The message's headers (borrowed; may be NULL).
    pub headers: *const kf_headers_t,
}

/// The first published size of kf_serialization_context_t.
const CONTEXT_SIZE_V1: usize = std::mem::size_of::<kf_serialization_context_t>();

impl kf_serialization_context_t {
    /// The C view of a domain context, to hand to a custom serde callback.
    pub(super) fn from_domain(c: &Context) -> Self {
        kf_serialization_context_t {
            size: std::mem::size_of::<Self>(),
            topic: c.topic.as_ptr(),
            field: match c.field {
                Field::Key => KF_MESSAGE_FIELD_KEY,
                Field::Value => KF_MESSAGE_FIELD_VALUE,
            },
            headers: c.headers.map_or(std::ptr::null(), borrowed),
        }
    }
}

/// The domain context of a caller's `ctx` argument.
pub(super) unsafe fn context<'a>(
    ctx: *const kf_serialization_context_t,
    func: &str,
) -> KResult<Context<'a>> {
    let c = arg_sized(ctx, CONTEXT_SIZE_V1, func, "ctx")?;
    let field = match c.field {
        KF_MESSAGE_FIELD_KEY => Field::Key,
        KF_MESSAGE_FIELD_VALUE => Field::Value,
        f => {
            return Err(KafkaError::invalid_arg(format!(
                "{func}: ctx->field {f} is neither KF_MESSAGE_FIELD_KEY nor KF_MESSAGE_FIELD_VALUE"
            )))
        }
    };
    Ok(Context {
        topic: arg_cstr(c.topic, func, "ctx->topic")?,
        field,
        headers: opt(c.headers),
    })
}
