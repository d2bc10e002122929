//! TODO(helper): to_dict / from_dict hooks and the legacy AvroProducer / AvroConsumer.
