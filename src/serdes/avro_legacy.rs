//! Python's legacy confluent_kafka.avro: AvroProducer and AvroConsumer, built on the Avro serdes
//! over a registry configured in the same JSON object as the client ("schema.registry.*" keys).
use std::collections::HashMap;
use std::ffi::CStr;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Map, Value as Json};

use super::avro::{AvroDeserializer, AvroSerializer, Parsed};
use super::schema_based::{bool_key, config_object, DeserializerConfig, SerializerConfig};
use super::{
    Context, Deserializer, DeserializingConsumer, Field, Input, SerdeKind, Serializer,
    SerializingProducer,
};
use crate::error::{KResult, KafkaError, ERR_KEY_SERIALIZATION, ERR_VALUE_SERIALIZATION};
use crate::kafka::callbacks::DeliverySlot;
use crate::kafka::config::Config;
use crate::kafka::delivery::OutHeaders;
use crate::kafka::message::Headers;
use crate::kafka::producer::OutMessage;
use crate::schema_registry::{Schema, SchemaRegistryClient, SchemaType};

/// The legacy AvroProducer's and AvroConsumer's configuration (Python's confluent_kafka.avro):
/// one JSON object holding both the client's properties and the registry's, prefixed
/// "schema.registry." ("schema.registry.url", "schema.registry.basic.auth.user.info", ...).
pub struct LegacyConfig {
    /// The client's own properties (everything not prefixed), as a JSON object.
    pub client: Map<String, Json>,
    /// The registry client, made from the prefixed keys.
    pub registry: Arc<SchemaRegistryClient>,
    /// schema.registry.auto.register.schemas (default true): register the schema, else only
    /// look it up.
    pub auto_register: bool,
}

impl LegacyConfig {
    /// Splits `config_json`. basic.auth.credentials.source=SASL_INHERIT takes the registry's
    /// credentials from sasl.username and sasl.password (in `config_json`, else `base`), and
    /// is refused with sasl.mechanism GSSAPI in `config_json`, as in Python.
    pub fn split(config_json: &str, base: Option<&Config>) -> KResult<LegacyConfig> {
        let obj = config_object(Some(config_json))?;
        let mut client = Map::new();
        let mut sr = Map::new();
        let mut auto_register = true;
        for (k, v) in obj {
            match k.strip_prefix("schema.registry.") {
                Some("auto.register.schemas") => auto_register = bool_key(&k, &v)?,
                Some(rest) => {
                    sr.insert(rest.to_string(), v);
                }
                None => {
                    client.insert(k, v);
                }
            }
        }
        if !sr.contains_key("url") {
            return Err(KafkaError::invalid_arg(
                "schema.registry.url is required (the Schema Registry's URL)",
            ));
        }
        let source = sr
            .get("basic.auth.credentials.source")
            .and_then(Json::as_str)
            .map(str::to_ascii_uppercase);
        if source.as_deref() == Some("SASL_INHERIT") {
            let get = |key: &str| -> String {
                match client.get(key) {
                    Some(Json::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => base.and_then(|b| b.get(key).ok()).unwrap_or_default(),
                }
            };
            // The mechanism only as given in config_json: a base configuration always answers
            // librdkafka's default (GSSAPI) when it was never set.
            let mech = client
                .get("sasl.mechanism")
                .or_else(|| client.get("sasl.mechanisms"))
                .and_then(Json::as_str)
                .unwrap_or("");
            if mech.eq_ignore_ascii_case("GSSAPI") {
                return Err(KafkaError::invalid_arg(
                    "SASL_INHERIT does not support SASL mechanism GSSAPI",
                ));
            }
            sr.insert(
                "basic.auth.credentials.source".into(),
                Json::String("USER_INFO".into()),
            );
            sr.insert(
                "basic.auth.user.info".into(),
                Json::String(format!("{}:{}", get("sasl.username"), get("sasl.password"))),
            );
        }
        let registry = Arc::new(
            SchemaRegistryClient::from_json(&Json::Object(sr).to_string()).map_err(|e| {
                KafkaError::new(
                    e.code,
                    format!("schema.registry.*: {}", e.message.to_string_lossy()),
                )
            })?,
        );
        Ok(LegacyConfig {
            client,
            registry,
            auto_register,
        })
    }

    /// `base` (or an empty configuration) with the client's properties set.
    pub fn client_config(&self, base: Option<&Config>) -> KResult<Config> {
        let mut c = base.map_or_else(Config::new, Config::dup);
        c.set_json(&Json::Object(self.client.clone()).to_string())?;
        Ok(c)
    }
}

/// Python's legacy AvroProducer: a producer whose produce serializes the key and the value with
/// a per-call or default Avro schema, registered under "<topic>-key" / "<topic>-value".
/// `repr(C)` with the tag first (see `kafka::tag`).
#[repr(C)]
pub struct LegacyAvroProducer {
    tag: crate::kafka::tag::Tag,
    pub inner: SerializingProducer,
    registry: Arc<SchemaRegistryClient>,
    auto_register: bool,
    default_key: Option<String>,
    default_value: Option<String>,
    /// One serializer per schema text.
    serializers: Mutex<HashMap<String, Serializer>>,
}

/// One message for LegacyAvroProducer::produce: key and value as JSON text (None: null), with
/// optional per-call schemas.
pub struct LegacyOutMessage<'a> {
    pub topic: &'a CStr,
    pub partition: i32,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub key_schema: Option<&'a str>,
    pub value_schema: Option<&'a str>,
    pub headers: Option<&'a Headers>,
    pub timestamp_ms: i64,
    pub delivery: Option<DeliverySlot>,
}

impl LegacyAvroProducer {
    pub fn new(
        config_json: &str,
        base: Option<&Config>,
        default_key: Option<&str>,
        default_value: Option<&str>,
    ) -> KResult<Self> {
        let lc = LegacyConfig::split(config_json, base)?;
        for (what, s) in [
            ("default_key_schema", default_key),
            ("default_value_schema", default_value),
        ] {
            if let Some(s) = s {
                Parsed::parse(s).map_err(|e| KafkaError::invalid_arg(format!("{what}: {e}")))?;
            }
        }
        let conf = lc.client_config(base)?;
        let me = LegacyAvroProducer {
            tag: crate::kafka::tag::Tag::AVRO_PRODUCER,
            inner: SerializingProducer::new(&conf, None, None)?,
            registry: lc.registry,
            auto_register: lc.auto_register,
            default_key: default_key.map(str::to_string),
            default_value: default_value.map(str::to_string),
            serializers: Mutex::default(),
        };
        Ok(me)
    }

    fn serializer(&self, schema: &str) -> KResult<Serializer> {
        if let Some(s) = self.serializers.lock().get(schema) {
            return Ok(s.clone());
        }
        let config = SerializerConfig {
            auto_register_schemas: self.auto_register,
            ..SerializerConfig::default()
        };
        let ser = AvroSerializer::new(
            self.registry.clone(),
            Some(Schema::new(schema, SchemaType::Avro)),
            config,
        )?;
        let s = Serializer::new(SerdeKind::Custom(Box::new(move |ctx, data| {
            ser.serialize(ctx, data)
        })));
        self.serializers
            .lock()
            .insert(schema.to_string(), s.clone());
        Ok(s)
    }

    /// Serializes the value, then the key (Python's order), and produces them. A non-null
    /// field without a schema (per call or default) is a serialization error.
    pub fn produce(&self, m: &LegacyOutMessage) -> KResult<()> {
        let one = |field: Field,
                   data: Option<&[u8]>,
                   schema: Option<&str>,
                   default: &Option<String>|
         -> KResult<Option<Vec<u8>>> {
            let Some(data) = data else { return Ok(None) };
            let (code, what) = match field {
                Field::Key => (
                    ERR_KEY_SERIALIZATION,
                    "KeySerializationError: Avro schema required for key",
                ),
                Field::Value => (
                    ERR_VALUE_SERIALIZATION,
                    "ValueSerializationError: Avro schema required for values",
                ),
            };
            let Some(schema) = schema.or(default.as_deref()) else {
                return Err(KafkaError::new(code, what));
            };
            let ser = self.serializer(schema).map_err(|e| {
                KafkaError::new(
                    code,
                    format!(
                        "{}: {}",
                        &what[..what.find(':').unwrap_or(0)],
                        e.message.to_string_lossy()
                    ),
                )
            })?;
            let ctx = Context {
                topic: m.topic,
                field,
                headers: m.headers,
            };
            ser.serialize(&ctx, Input::Bytes(data))
        };
        let value = one(Field::Value, m.value, m.value_schema, &self.default_value)?;
        let key = one(Field::Key, m.key, m.key_schema, &self.default_key)?;
        self.inner.producer.produce(&OutMessage {
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

/// Python's legacy AvroConsumer: a DeserializingConsumer whose key and value deserializers are
/// Avro deserializers over the registry named in `config_json`, with optional reader schemas.
pub fn legacy_avro_consumer(
    config_json: &str,
    base: Option<&Config>,
    reader_key: Option<&str>,
    reader_value: Option<&str>,
) -> KResult<DeserializingConsumer> {
    let lc = LegacyConfig::split(config_json, base)?;
    let de = |what: &str, reader: Option<&str>| -> KResult<Deserializer> {
        let d = AvroDeserializer::new(
            lc.registry.clone(),
            reader.map(|s| Schema::new(s, SchemaType::Avro)),
            DeserializerConfig::from_json(None, "Avro deserializer", |_, _| Ok(false))?,
        )
        .map_err(|e| KafkaError::invalid_arg(format!("{what}: {}", e.message.to_string_lossy())))?;
        Ok(Deserializer::new(SerdeKind::Custom(Box::new(
            move |ctx, data| d.deserialize(ctx, data),
        ))))
    };
    let k = de("reader_key_schema", reader_key)?;
    let v = de("reader_value_schema", reader_value)?;
    DeserializingConsumer::new(&lc.client_config(base)?, Some(k), Some(v))
}
