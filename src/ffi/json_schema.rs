//! TODO(helper): C ABI of the JSON Schema serdes.
