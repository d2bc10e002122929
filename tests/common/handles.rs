//! Owned handles: `own(kf_x_new(...))` destroys the object with its `kf_*_destroy` when dropped,
//! so a test that returns early or fails an assertion leaks nothing (and a leak checker sees
//! only real leaks). Drops run in reverse order of declaration: declare what others depend on
//! (configs, clusters, registry clients, serializers) first.
use super::*;
use kafkaffi::ffi::inputs::*;
use kafkaffi::ffi::result::*;

/// A kafkaffi type and the function that destroys it.
pub trait Destroy {
    /// Destroys `p` (never NULL); the error of the destroy functions that return one, else NULL.
    fn destroy(p: *mut Self) -> *mut kf_error_t;
}

/// The result of a destroy function as an error pointer (void ones never fail).
trait DestroyResult {
    fn into_error(self) -> *mut kf_error_t;
}
impl DestroyResult for () {
    fn into_error(self) -> *mut kf_error_t {
        null_mut()
    }
}
impl DestroyResult for *mut kf_error_t {
    fn into_error(self) -> *mut kf_error_t {
        self
    }
}

macro_rules! destroy_with {
    ($($t:path => $f:path),* $(,)?) => {
        $(impl Destroy for $t {
            fn destroy(p: *mut Self) -> *mut kf_error_t {
                $f(p).into_error()
            }
        })*
    };
}

destroy_with! {
    kf_error_t => kf_error_destroy,
    kf_config_t => kf_config_destroy,
    kf_producer_t => kf_producer_destroy,
    kf_consumer_t => kf_consumer_destroy,
    kf_message_t => kf_message_destroy,
    kf_headers_t => kf_headers_destroy,
    kf_topic_partition_list_t => kf_topic_partition_list_destroy,
    kf_metadata_t => kf_metadata_destroy,
    kf_consumer_group_metadata_t => kf_consumer_group_metadata_destroy,
    kf_mock_cluster_t => kf_mock_cluster_destroy,
    kf_admin_t => kf_admin_destroy,
    kf_admin_options_t => kf_admin_options_destroy,
    kf_admin_result_t => kf_admin_result_destroy,
    kf_new_topic_t => kf_new_topic_destroy,
    kf_new_partitions_t => kf_new_partitions_destroy,
    kf_config_resource_t => kf_config_resource_destroy,
    kf_acl_binding_t => kf_acl_binding_destroy,
    kf_user_scram_credential_alteration_t => kf_user_scram_credential_alteration_destroy,
    kf_buffer_t => kf_buffer_destroy,
    kf_serializer_t => kf_serializer_destroy,
    kf_deserializer_t => kf_deserializer_destroy,
    kf_serializing_producer_t => kf_serializing_producer_destroy,
    kf_deserializing_consumer_t => kf_deserializing_consumer_destroy,
    kf_deserialized_message_t => kf_deserialized_message_destroy,
    kf_schema_registry_t => kf_schema_registry_destroy,
    kf_schema_t => kf_schema_destroy,
    kf_registered_schema_t => kf_registered_schema_destroy,
    kf_avro_producer_t => kf_avro_producer_destroy,
}

/// An owned kafkaffi object (or NULL). Dropping it destroys the object; a destroy that fails
/// fails the test, unless the test is already failing.
pub struct Owned<T: Destroy>(*mut T);

/// Takes ownership of `p`, which may be NULL (then nothing is destroyed).
pub fn own<T: Destroy>(p: *mut T) -> Owned<T> {
    Owned(p)
}

impl<T: Destroy> Owned<T> {
    /// The pointer, still owned here.
    pub fn get(&self) -> *mut T {
        self.0
    }

    pub fn is_null(&self) -> bool {
        self.0.is_null()
    }

    /// Destroys the object now and returns the destroy's error, for a test that checks it or
    /// that needs the object gone at that point.
    pub fn destroy(mut self) -> *mut kf_error_t {
        let p = std::mem::replace(&mut self.0, null_mut());
        if p.is_null() {
            null_mut()
        } else {
            T::destroy(p)
        }
    }
}

impl<T: Destroy> Drop for Owned<T> {
    fn drop(&mut self) {
        if self.0.is_null() {
            return;
        }
        let e = T::destroy(std::mem::replace(&mut self.0, null_mut()));
        if std::thread::panicking() {
            // A second panic would abort the run and hide the first failure.
            kf_error_destroy(e);
        } else {
            ok(e);
        }
    }
}

/// A configuration with `props` (no bootstrap.servers unless given).
#[track_caller]
pub fn config(props: &[(&str, &str)]) -> Owned<kf_config_t> {
    let c = own(kf_config_new());
    for (k, v) in props {
        ok(kf_config_set(c.get(), cs(k).as_ptr(), cs(v).as_ptr()));
    }
    c
}

impl Cluster {
    /// A producer on this cluster with `props` (its configuration already released).
    #[track_caller]
    pub fn producer(&self, props: &[(&str, &str)]) -> Owned<kf_producer_t> {
        let conf = own(self.config(props));
        own(new_producer(conf.get()))
    }

    /// A consumer on this cluster with `props` (its configuration already released).
    #[track_caller]
    pub fn consumer(&self, props: &[(&str, &str)]) -> Owned<kf_consumer_t> {
        let conf = own(self.config(props));
        own(new_consumer(conf.get()))
    }
}
