//! TODO(helper): C ABI of the Protobuf serdes.
