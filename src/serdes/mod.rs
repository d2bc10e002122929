//! The serialization framework (Python's confluent_kafka.serialization): serializers and
//! deserializers with a SerializationContext, the built-in String, Integer and Double serdes,
//! custom serdes as C callbacks, the SerializingProducer and the DeserializingConsumer.
//!
//! A serializer takes an [`Input`] (null, bytes, text, int32 or double) and returns the bytes to
//! produce (or None for null). A deserializer takes the bytes of a message field and returns a
//! [`Value`]: its bytes (for the built-ins the text form: the decoded string, the integer or the
//! double in decimal) plus, for Integer and Double, the native number. Schema-based serdes
//! (Avro, JSON Schema, Protobuf) plug in as further [`SerdeKind`] variants that take and return
//! JSON text through the same generic bytes path.
use std::ffi::CStr;
use std::sync::Arc;

use super::error::{
    KResult, KafkaError, ERR_KEY_DESERIALIZATION, ERR_KEY_SERIALIZATION, ERR_VALUE_DESERIALIZATION,
    ERR_VALUE_SERIALIZATION,
};
use crate::kafka::consumer::Consumer;
use crate::kafka::delivery::OutHeaders;
use crate::kafka::message::{Headers, Message};
use crate::kafka::producer::{OutMessage, Producer};

pub mod avro;
pub mod avro_legacy;
mod avro_writer;
pub mod codec;
pub mod json_schema;
pub mod protobuf;
mod protobuf_json;
mod protobuf_wire;
pub mod schema_based;
use codec::Codec;

/// Which part of a message is being (de)serialized (Python's MessageField).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Key,
    Value,
}

/// Python's SerializationContext: topic, field and the message's headers (borrowed, may be NULL).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub topic: &'a CStr,
    pub field: Field,
    pub headers: Option<&'a Headers>,
}

/// The unserialized data handed to a serializer.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Null,
    /// Generic bytes: for the built-ins, the value's text (UTF-8 string, decimal integer or
    /// decimal double); for a custom serializer, passed through as is.
    Bytes(&'a [u8]),
    Str(&'a str),
    Int32(i32),
    Double(f64),
}

impl Input<'_> {
    /// The bytes a callback (or the pass-through path) sees for this input.
    fn to_bytes(self) -> Option<Vec<u8>> {
        match self {
            Input::Null => None,
            Input::Bytes(b) => Some(b.to_vec()),
            Input::Str(s) => Some(s.as_bytes().to_vec()),
            Input::Int32(i) => Some(i.to_string().into_bytes()),
            Input::Double(d) => Some(double_text(d).into_bytes()),
        }
    }

    fn text(self) -> Result<Option<String>, String> {
        match self {
            Input::Null => Ok(None),
            Input::Str(s) => Ok(Some(s.to_string())),
            Input::Bytes(b) => std::str::from_utf8(b)
                .map(|s| Some(s.to_string()))
                .map_err(|e| format!("input is not valid UTF-8 text: {e}")),
            Input::Int32(i) => Ok(Some(i.to_string())),
            Input::Double(d) => Ok(Some(double_text(d))),
        }
    }
}

/// A double's text, as Python's repr: "1.5", "1.0", "NaN", "inf", "-inf".
fn double_text(d: f64) -> String {
    format!("{d:?}")
}

/// A number inside a deserialized value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Native {
    None,
    Int32(i32),
    Double(f64),
}

/// A serializer's output or a deserializer's result: bytes (None for null) plus an optional
/// native number. The bytes are kept with a trailing NUL (not counted in the length), so text
/// can be read as a C string.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    data: Option<Vec<u8>>,
    pub native: Native,
}

impl Default for Value {
    fn default() -> Self {
        Value::null()
    }
}

impl Value {
    pub fn null() -> Value {
        Value {
            data: None,
            native: Native::None,
        }
    }

    pub fn bytes(b: Option<Vec<u8>>) -> Value {
        Value {
            data: b.map(|mut v| {
                v.push(0);
                v
            }),
            native: Native::None,
        }
    }

    fn with_native(mut self, n: Native) -> Value {
        self.native = n;
        self
    }

    /// The bytes, without the trailing NUL; None for null.
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_deref().map(|d| &d[..d.len() - 1])
    }

    /// The bytes followed by a NUL, for C callers; None for null.
    pub fn data_with_nul(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    fn text(&self) -> KResult<&str> {
        let d = self
            .data()
            .ok_or_else(|| KafkaError::invalid_arg("the value is null"))?;
        std::str::from_utf8(d).map_err(|_| KafkaError::invalid_arg("the value is not UTF-8 text"))
    }

    /// The value as an int32: the native number, or the text parsed as a decimal integer.
    pub fn int32(&self) -> KResult<i32> {
        match self.native {
            Native::Int32(i) => Ok(i),
            Native::Double(_) => Err(KafkaError::invalid_arg(
                "the value is a double, not an int32",
            )),
            Native::None => {
                let t = self.text()?;
                t.parse().map_err(|_| {
                    KafkaError::invalid_arg(format!("the value {t:?} is not an int32"))
                })
            }
        }
    }

    /// The value as a double: the native number (an int32 widens), or the text parsed.
    pub fn double(&self) -> KResult<f64> {
        match self.native {
            Native::Int32(i) => Ok(i as f64),
            Native::Double(d) => Ok(d),
            Native::None => {
                let t = self.text()?;
                t.parse().map_err(|_| {
                    KafkaError::invalid_arg(format!("the value {t:?} is not a double"))
                })
            }
        }
    }
}

/// A custom serde (a C callback wrapped by the ABI layer, or any Rust closure): gets the
/// context and the input bytes (None: null), returns the output or the cause of the failure.
pub type CustomFn = dyn Fn(&Context, Option<&[u8]>) -> Result<Value, String> + Send + Sync;

/// What a serializer or deserializer does.
pub enum SerdeKind {
    String(Codec),
    Integer,
    Double,
    Custom(Box<CustomFn>),
}

/// A serializer (shared: the producer keeps its own reference, so the handle may be destroyed
/// once the producer is made).
#[derive(Clone)]
pub struct Serializer(pub Arc<SerdeKind>);

/// A deserializer (shared, as Serializer).
#[derive(Clone)]
pub struct Deserializer(pub Arc<SerdeKind>);

fn serialization_error(field: Field, cause: impl std::fmt::Display) -> KafkaError {
    match field {
        Field::Key => KafkaError::new(
            ERR_KEY_SERIALIZATION,
            format!("KeySerializationError: {cause}"),
        ),
        Field::Value => KafkaError::new(
            ERR_VALUE_SERIALIZATION,
            format!("ValueSerializationError: {cause}"),
        ),
    }
}

fn deserialization_error(field: Field, cause: impl std::fmt::Display) -> KafkaError {
    match field {
        Field::Key => KafkaError::new(
            ERR_KEY_DESERIALIZATION,
            format!("KeyDeserializationError: {cause}"),
        ),
        Field::Value => KafkaError::new(
            ERR_VALUE_DESERIALIZATION,
            format!("ValueDeserializationError: {cause}"),
        ),
    }
}

impl Serializer {
    pub fn new(kind: SerdeKind) -> Serializer {
        Serializer(Arc::new(kind))
    }

    /// Serializes `input`; None is null. Failures carry the field's code and the cause.
    pub fn serialize(&self, ctx: &Context, input: Input) -> KResult<Option<Vec<u8>>> {
        self.serialize_inner(ctx, input)
            .map_err(|cause| serialization_error(ctx.field, cause))
    }

    pub(crate) fn serialize_inner(
        &self,
        ctx: &Context,
        input: Input,
    ) -> Result<Option<Vec<u8>>, String> {
        if let SerdeKind::Custom(cb) = &*self.0 {
            let data = input.to_bytes();
            return Ok(cb(ctx, data.as_deref())?.data().map(<[u8]>::to_vec));
        }
        if matches!(input, Input::Null) {
            return Ok(None);
        }
        match &*self.0 {
            SerdeKind::String(codec) => {
                let t = input.text()?.expect("not null");
                codec.encode(&t).map(Some)
            }
            SerdeKind::Integer => {
                let i = match input {
                    Input::Int32(i) => i,
                    Input::Double(_) => {
                        return Err("IntegerSerializer: a double is not an int32".into())
                    }
                    other => {
                        let t = other.text()?.expect("not null");
                        t.parse::<i32>().map_err(|_| {
                            format!("IntegerSerializer: {t:?} is not a 32-bit integer")
                        })?
                    }
                };
                Ok(Some(i.to_be_bytes().to_vec()))
            }
            SerdeKind::Double => {
                let d = match input {
                    Input::Double(d) => d,
                    Input::Int32(i) => i as f64,
                    other => {
                        let t = other.text()?.expect("not null");
                        t.parse::<f64>()
                            .map_err(|_| format!("DoubleSerializer: {t:?} is not a number"))?
                    }
                };
                Ok(Some(d.to_be_bytes().to_vec()))
            }
            SerdeKind::Custom(_) => unreachable!(),
        }
    }
}

impl Deserializer {
    pub fn new(kind: SerdeKind) -> Deserializer {
        Deserializer(Arc::new(kind))
    }

    /// Deserializes a field's bytes (None: null). Failures carry the field's code and cause.
    pub fn deserialize(&self, ctx: &Context, data: Option<&[u8]>) -> KResult<Value> {
        self.deserialize_inner(ctx, data)
            .map_err(|cause| deserialization_error(ctx.field, cause))
    }

    pub(crate) fn deserialize_inner(
        &self,
        ctx: &Context,
        data: Option<&[u8]>,
    ) -> Result<Value, String> {
        if let SerdeKind::Custom(cb) = &*self.0 {
            return cb(ctx, data);
        }
        let Some(d) = data else {
            return Ok(Value::null());
        };
        match &*self.0 {
            SerdeKind::String(codec) => Ok(Value::bytes(Some(codec.decode(d)?.into_bytes()))),
            SerdeKind::Integer => {
                let b: [u8; 4] = d.try_into().map_err(|_| {
                    format!(
                        "IntegerDeserializer: expected 4 bytes (int32 big-endian), got {}",
                        d.len()
                    )
                })?;
                let i = i32::from_be_bytes(b);
                Ok(Value::bytes(Some(i.to_string().into_bytes())).with_native(Native::Int32(i)))
            }
            SerdeKind::Double => {
                let b: [u8; 8] = d.try_into().map_err(|_| {
                    format!(
                        "DoubleDeserializer: expected 8 bytes (IEEE 754 big-endian), got {}",
                        d.len()
                    )
                })?;
                let v = f64::from_be_bytes(b);
                Ok(Value::bytes(Some(double_text(v).into_bytes())).with_native(Native::Double(v)))
            }
            SerdeKind::Custom(_) => unreachable!(),
        }
    }
}

/// Python's SerializingProducer: a Producer whose produce serializes the key, then the value.
/// `repr(C)` with the tag first (see `kafka::tag`).
#[repr(C)]
pub struct SerializingProducer {
    tag: crate::kafka::tag::Tag,
    pub producer: Box<Producer>,
    pub key: Option<Serializer>,
    pub value: Option<Serializer>,
}

/// Without a serializer, bytes and text pass through; a number is refused (Python's TypeError).
fn pass_through(field: Field, input: Input) -> KResult<Option<Vec<u8>>> {
    match input {
        Input::Int32(_) | Input::Double(_) => Err(serialization_error(
            field,
            "no serializer is configured for this field, so only bytes or text can be produced",
        )),
        other => Ok(other.to_bytes()),
    }
}

/// One message for SerializingProducer::produce: unserialized key and value.
pub struct SerdeOutMessage<'a> {
    pub topic: &'a CStr,
    pub partition: i32,
    pub key: Input<'a>,
    pub value: Input<'a>,
    pub headers: Option<&'a Headers>,
    pub timestamp_ms: i64,
    pub delivery: Option<crate::kafka::callbacks::DeliverySlot>,
}

impl SerializingProducer {
    pub fn new(
        config: &crate::kafka::config::Config,
        key: Option<Serializer>,
        value: Option<Serializer>,
    ) -> KResult<SerializingProducer> {
        Ok(SerializingProducer {
            tag: crate::kafka::tag::Tag::SERIALIZING_PRODUCER,
            producer: Box::new(Producer::new(config)?),
            key,
            value,
        })
    }

    pub fn produce(&self, m: &SerdeOutMessage) -> KResult<()> {
        let mut ctx = Context {
            topic: m.topic,
            field: Field::Key,
            headers: m.headers,
        };
        let key = match &self.key {
            Some(s) => s.serialize(&ctx, m.key)?,
            None => pass_through(Field::Key, m.key)?,
        };
        ctx.field = Field::Value;
        let value = match &self.value {
            Some(s) => s.serialize(&ctx, m.value)?,
            None => pass_through(Field::Value, m.value)?,
        };
        self.producer.produce(&OutMessage {
            topic: m.topic,
            partition: m.partition,
            key: key.as_deref(),
            value: value.as_deref(),
            headers: m.headers.map_or(OutHeaders::None, OutHeaders::List),
            timestamp_ms: m.timestamp_ms,
            delivery: m.delivery,
        })
    }
}

/// Python's DeserializingConsumer: a Consumer whose poll deserializes the value, then the key.
/// `repr(C)` with the tag first (see `kafka::tag`).
#[repr(C)]
pub struct DeserializingConsumer {
    tag: crate::kafka::tag::Tag,
    pub consumer: Box<Consumer>,
    pub key: Option<Deserializer>,
    pub value: Option<Deserializer>,
}

/// A polled message with its deserialized key and value. Owns the librdkafka message.
pub struct DeserializedMessage {
    pub msg: *mut Message,
    pub key: Value,
    pub value: Value,
}

unsafe impl Send for DeserializedMessage {}

impl Drop for DeserializedMessage {
    fn drop(&mut self) {
        unsafe { Message::destroy(self.msg) }
    }
}

impl DeserializingConsumer {
    pub fn new(
        config: &crate::kafka::config::Config,
        key: Option<Deserializer>,
        value: Option<Deserializer>,
    ) -> KResult<DeserializingConsumer> {
        Ok(DeserializingConsumer {
            tag: crate::kafka::tag::Tag::DESERIALIZING_CONSUMER,
            consumer: Consumer::new(config)?,
            key,
            value,
        })
    }

    /// The next message (None on timeout). An error event (such as _PARTITION_EOF) comes back
    /// as a message with null key and value. When a deserializer fails, the message still comes
    /// back (with its raw key and value) together with the error, so nothing is lost.
    pub fn poll(
        &self,
        timeout_ms: i32,
    ) -> KResult<Option<(DeserializedMessage, Option<KafkaError>)>> {
        let Some(m) = self.consumer.poll(timeout_ms)? else {
            return Ok(None);
        };
        let mut dm = DeserializedMessage {
            msg: m,
            key: Value::null(),
            value: Value::null(),
        };
        let rm = unsafe { &*m };
        if rm.error_code() != 0 {
            return Ok(Some((dm, None)));
        }
        let raw_key = rm.key().map(<[u8]>::to_vec);
        let raw_value = rm.value().map(<[u8]>::to_vec);
        let headers = rm.headers();
        let topic = rm.topic_ptr();
        let topic = if topic.is_null() {
            c""
        } else {
            unsafe { CStr::from_ptr(topic) }
        };
        let mut ctx = Context {
            topic,
            field: Field::Value,
            headers,
        };
        let mut error = None;
        dm.value = match &self.value {
            Some(d) => d
                .deserialize(&ctx, raw_value.as_deref())
                .unwrap_or_else(|e| {
                    error = Some(e);
                    Value::bytes(raw_value.clone())
                }),
            None => Value::bytes(raw_value),
        };
        ctx.field = Field::Key;
        dm.key = match (&self.key, &error) {
            (Some(d), None) => d.deserialize(&ctx, raw_key.as_deref()).unwrap_or_else(|e| {
                error = Some(e);
                Value::bytes(raw_key.clone())
            }),
            _ => Value::bytes(raw_key),
        };
        Ok(Some((dm, error)))
    }
}
