//! TODO(helper): JSON Schema serializer and deserializer.
