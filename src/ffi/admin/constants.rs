//! The admin API's constants (librdkafka's numbering, Python's names in the comments).

/// Which operation a result answers (kf_admin_result_operation()); librdkafka's numbering.
pub const KF_ADMIN_OP_CREATE_TOPICS: i32 = 1;
/// delete_topics.
pub const KF_ADMIN_OP_DELETE_TOPICS: i32 = 2;
/// create_partitions.
pub const KF_ADMIN_OP_CREATE_PARTITIONS: i32 = 3;
/// alter_configs.
pub const KF_ADMIN_OP_ALTER_CONFIGS: i32 = 4;
/// describe_configs.
pub const KF_ADMIN_OP_DESCRIBE_CONFIGS: i32 = 5;
/// delete_records.
pub const KF_ADMIN_OP_DELETE_RECORDS: i32 = 6;
/// delete_consumer_groups.
pub const KF_ADMIN_OP_DELETE_CONSUMER_GROUPS: i32 = 7;
/// delete_consumer_group_offsets.
pub const KF_ADMIN_OP_DELETE_CONSUMER_GROUP_OFFSETS: i32 = 8;
/// create_acls.
pub const KF_ADMIN_OP_CREATE_ACLS: i32 = 9;
/// describe_acls.
pub const KF_ADMIN_OP_DESCRIBE_ACLS: i32 = 10;
/// delete_acls.
pub const KF_ADMIN_OP_DELETE_ACLS: i32 = 11;
/// list_consumer_groups.
pub const KF_ADMIN_OP_LIST_CONSUMER_GROUPS: i32 = 12;
/// describe_consumer_groups.
pub const KF_ADMIN_OP_DESCRIBE_CONSUMER_GROUPS: i32 = 13;
/// list_consumer_group_offsets.
pub const KF_ADMIN_OP_LIST_CONSUMER_GROUP_OFFSETS: i32 = 14;
/// alter_consumer_group_offsets.
pub const KF_ADMIN_OP_ALTER_CONSUMER_GROUP_OFFSETS: i32 = 15;
/// incremental_alter_configs.
pub const KF_ADMIN_OP_INCREMENTAL_ALTER_CONFIGS: i32 = 16;
/// describe_user_scram_credentials.
pub const KF_ADMIN_OP_DESCRIBE_USER_SCRAM_CREDENTIALS: i32 = 17;
/// alter_user_scram_credentials.
pub const KF_ADMIN_OP_ALTER_USER_SCRAM_CREDENTIALS: i32 = 18;
/// describe_topics.
pub const KF_ADMIN_OP_DESCRIBE_TOPICS: i32 = 19;
/// describe_cluster.
pub const KF_ADMIN_OP_DESCRIBE_CLUSTER: i32 = 20;
/// list_offsets.
pub const KF_ADMIN_OP_LIST_OFFSETS: i32 = 21;
/// elect_leaders.
pub const KF_ADMIN_OP_ELECT_LEADERS: i32 = 22;

/// Resource type (Python's ResourceType): unknown.
pub const KF_RESOURCE_UNKNOWN: i32 = 0;
/// Resource type: any (filters only).
pub const KF_RESOURCE_ANY: i32 = 1;
/// Resource type: a topic.
pub const KF_RESOURCE_TOPIC: i32 = 2;
/// Resource type: a consumer group.
pub const KF_RESOURCE_GROUP: i32 = 3;
/// Resource type: a broker (its id as the name; "" for the cluster-wide default in ACLs).
pub const KF_RESOURCE_BROKER: i32 = 4;
/// Resource type: a transactional id.
pub const KF_RESOURCE_TRANSACTIONAL_ID: i32 = 5;

/// Resource pattern type (Python's ResourcePatternType): unknown.
pub const KF_RESOURCE_PATTERN_UNKNOWN: i32 = 0;
/// Resource pattern type: any (filters only).
pub const KF_RESOURCE_PATTERN_ANY: i32 = 1;
/// Resource pattern type: match (filters only: literal, wildcard or prefixed matches).
pub const KF_RESOURCE_PATTERN_MATCH: i32 = 2;
/// Resource pattern type: the exact name (or "*" for all).
pub const KF_RESOURCE_PATTERN_LITERAL: i32 = 3;
/// Resource pattern type: names with this prefix.
pub const KF_RESOURCE_PATTERN_PREFIXED: i32 = 4;

/// ACL operation (Python's AclOperation): unknown.
pub const KF_ACL_OPERATION_UNKNOWN: i32 = 0;
/// ACL operation: any (filters only).
pub const KF_ACL_OPERATION_ANY: i32 = 1;
/// ACL operation: all operations.
pub const KF_ACL_OPERATION_ALL: i32 = 2;
/// ACL operation: read.
pub const KF_ACL_OPERATION_READ: i32 = 3;
/// ACL operation: write.
pub const KF_ACL_OPERATION_WRITE: i32 = 4;
/// ACL operation: create.
pub const KF_ACL_OPERATION_CREATE: i32 = 5;
/// ACL operation: delete.
pub const KF_ACL_OPERATION_DELETE: i32 = 6;
/// ACL operation: alter.
pub const KF_ACL_OPERATION_ALTER: i32 = 7;
/// ACL operation: describe.
pub const KF_ACL_OPERATION_DESCRIBE: i32 = 8;
/// ACL operation: cluster action.
pub const KF_ACL_OPERATION_CLUSTER_ACTION: i32 = 9;
/// ACL operation: describe configs.
pub const KF_ACL_OPERATION_DESCRIBE_CONFIGS: i32 = 10;
/// ACL operation: alter configs.
pub const KF_ACL_OPERATION_ALTER_CONFIGS: i32 = 11;
/// ACL operation: idempotent write.
pub const KF_ACL_OPERATION_IDEMPOTENT_WRITE: i32 = 12;

/// ACL permission type (Python's AclPermissionType): unknown.
pub const KF_ACL_PERMISSION_TYPE_UNKNOWN: i32 = 0;
/// ACL permission type: any (filters only).
pub const KF_ACL_PERMISSION_TYPE_ANY: i32 = 1;
/// ACL permission type: deny.
pub const KF_ACL_PERMISSION_TYPE_DENY: i32 = 2;
/// ACL permission type: allow.
pub const KF_ACL_PERMISSION_TYPE_ALLOW: i32 = 3;

/// Config entry source (Python's ConfigSource): unknown.
pub const KF_CONFIG_SOURCE_UNKNOWN_CONFIG: i32 = 0;
/// Config source: a dynamic topic config.
pub const KF_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG: i32 = 1;
/// Config source: a dynamic config of this broker.
pub const KF_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG: i32 = 2;
/// Config source: a dynamic default config of all brokers.
pub const KF_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG: i32 = 3;
/// Config source: the broker's static configuration (server.properties).
pub const KF_CONFIG_SOURCE_STATIC_BROKER_CONFIG: i32 = 4;
/// Config source: Kafka's default.
pub const KF_CONFIG_SOURCE_DEFAULT_CONFIG: i32 = 5;
/// Config source: a group config.
pub const KF_CONFIG_SOURCE_GROUP_CONFIG: i32 = 8;

/// Incremental alter operation (Python's AlterConfigOpType): set the value.
pub const KF_ALTER_CONFIG_OP_TYPE_SET: i32 = 0;
/// Incremental alter operation: delete (revert to the default).
pub const KF_ALTER_CONFIG_OP_TYPE_DELETE: i32 = 1;
/// Incremental alter operation: append to a list value.
pub const KF_ALTER_CONFIG_OP_TYPE_APPEND: i32 = 2;
/// Incremental alter operation: remove from a list value.
pub const KF_ALTER_CONFIG_OP_TYPE_SUBTRACT: i32 = 3;

/// Consumer group state (Python's ConsumerGroupState): unknown.
pub const KF_CONSUMER_GROUP_STATE_UNKNOWN: i32 = 0;
/// Consumer group state: preparing rebalance.
pub const KF_CONSUMER_GROUP_STATE_PREPARING_REBALANCE: i32 = 1;
/// Consumer group state: completing rebalance.
pub const KF_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE: i32 = 2;
/// Consumer group state: stable.
pub const KF_CONSUMER_GROUP_STATE_STABLE: i32 = 3;
/// Consumer group state: dead (no such group, or being removed).
pub const KF_CONSUMER_GROUP_STATE_DEAD: i32 = 4;
/// Consumer group state: empty (no members).
pub const KF_CONSUMER_GROUP_STATE_EMPTY: i32 = 5;

/// Consumer group type (Python's ConsumerGroupType): unknown.
pub const KF_CONSUMER_GROUP_TYPE_UNKNOWN: i32 = 0;
/// Consumer group type: the new consumer protocol (KIP-848).
pub const KF_CONSUMER_GROUP_TYPE_CONSUMER: i32 = 1;
/// Consumer group type: the classic protocol.
pub const KF_CONSUMER_GROUP_TYPE_CLASSIC: i32 = 2;

/// Isolation level (Python's IsolationLevel): read uncommitted.
/// Group: KF_ISOLATION_LEVEL.
pub const KF_ISOLATION_LEVEL_READ_UNCOMMITTED: i32 = 0;
/// Isolation level: read committed.
pub const KF_ISOLATION_LEVEL_READ_COMMITTED: i32 = 1;

/// SCRAM mechanism (Python's ScramMechanism): unknown.
pub const KF_SCRAM_MECHANISM_UNKNOWN: i32 = 0;
/// SCRAM mechanism: SCRAM-SHA-256.
pub const KF_SCRAM_MECHANISM_SHA_256: i32 = 1;
/// SCRAM mechanism: SCRAM-SHA-512.
pub const KF_SCRAM_MECHANISM_SHA_512: i32 = 2;

/// Leader election type (Python's ElectionType): preferred replica.
pub const KF_ELECTION_TYPE_PREFERRED: i32 = 0;
/// Leader election type: unclean (an out-of-sync replica may become leader).
pub const KF_ELECTION_TYPE_UNCLEAN: i32 = 1;

/// list_offsets specification (Python's OffsetSpec.max_timestamp()): the offset of the record
/// with the largest timestamp.
pub const KF_OFFSET_SPEC_MAX_TIMESTAMP: i64 = -3;
/// list_offsets specification (OffsetSpec.earliest()): the earliest offset.
pub const KF_OFFSET_SPEC_EARLIEST: i64 = -2;
/// list_offsets specification (OffsetSpec.latest()): the offset after the last record.
pub const KF_OFFSET_SPEC_LATEST: i64 = -1;
