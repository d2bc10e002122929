//! TODO(helper): Protobuf serializer and deserializer.
