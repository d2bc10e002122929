//! The inputs of admin operations (Python's NewTopic, NewPartitions, ConfigResource, AclBinding,
//! AclBindingFilter, UserScramCredentialUpsertion / Deletion), each owning its librdkafka object
//! or, for ACLs, plain values checked by librdkafka when built. librdkafka copies every input
//! when an operation starts, so an input may be reused or destroyed right after the call.
//! Errors describe what is wrong; the caller adds which call met it.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use rdkafka_sys as rd;

use super::sys;
use crate::error::{errstr_text, KResult, KafkaError, ERR_INVALID_ARG};

fn errstr_error(buf: &[c_char]) -> KafkaError {
    KafkaError::invalid_arg(errstr_text(buf))
}

fn code_check(code: i32, buf: Option<&[c_char]>) -> KResult<()> {
    if code == 0 {
        return Ok(());
    }
    let detail = match buf {
        Some(b) if b[0] != 0 => errstr_text(b),
        _ => crate::error::code_description(code)
            .to_string_lossy()
            .into_owned(),
    };
    Err(KafkaError::from_code_msg(code, detail))
}

/// Checks that an enum-like integer from C is in range.
pub fn check_range(what: &str, v: i32, lo: i32, hi: i32) -> KResult<()> {
    if v < lo || v > hi {
        Err(KafkaError::invalid_arg(format!(
            "{what} {v} is out of range ({lo}..{hi})"
        )))
    } else {
        Ok(())
    }
}

/// Python's NewTopic.
pub struct NewTopic {
    pub ptr: *mut rd::rd_kafka_NewTopic_t,
    pub name: CString,
}

unsafe impl Send for NewTopic {}
unsafe impl Sync for NewTopic {}

impl NewTopic {
    pub fn new(name: &CStr, num_partitions: i32, replication_factor: i32) -> KResult<NewTopic> {
        let mut errstr = [0 as c_char; 512];
        let ptr = unsafe {
            rd::rd_kafka_NewTopic_new(
                name.as_ptr(),
                num_partitions,
                replication_factor,
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        if ptr.is_null() {
            return Err(errstr_error(&errstr));
        }
        Ok(NewTopic {
            ptr,
            name: name.to_owned(),
        })
    }

    pub fn set_replica_assignment(&mut self, partition: i32, brokers: &[i32]) -> KResult<()> {
        let mut errstr = [0 as c_char; 512];
        let mut ids = brokers.to_vec();
        let code = unsafe {
            sys::rd_kafka_NewTopic_set_replica_assignment(
                self.ptr,
                partition,
                ids.as_mut_ptr(),
                ids.len(),
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        code_check(code, Some(&errstr))
    }

    pub fn set_config(&mut self, name: &CStr, value: &CStr) -> KResult<()> {
        let code =
            unsafe { sys::rd_kafka_NewTopic_set_config(self.ptr, name.as_ptr(), value.as_ptr()) };
        code_check(code, None)
    }
}

impl Drop for NewTopic {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_NewTopic_destroy(self.ptr) }
    }
}

/// Python's NewPartitions.
pub struct NewPartitions {
    pub ptr: *mut rd::rd_kafka_NewPartitions_t,
    pub topic: CString,
}

unsafe impl Send for NewPartitions {}
unsafe impl Sync for NewPartitions {}

impl NewPartitions {
    pub fn new(topic: &CStr, new_total_count: usize) -> KResult<NewPartitions> {
        let mut errstr = [0 as c_char; 512];
        let ptr = unsafe {
            rd::rd_kafka_NewPartitions_new(
                topic.as_ptr(),
                new_total_count,
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        if ptr.is_null() {
            return Err(errstr_error(&errstr));
        }
        Ok(NewPartitions {
            ptr,
            topic: topic.to_owned(),
        })
    }

    pub fn set_replica_assignment(&mut self, new_index: i32, brokers: &[i32]) -> KResult<()> {
        let mut errstr = [0 as c_char; 512];
        let mut ids = brokers.to_vec();
        let code = unsafe {
            sys::rd_kafka_NewPartitions_set_replica_assignment(
                self.ptr,
                new_index,
                ids.as_mut_ptr(),
                ids.len(),
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        code_check(code, Some(&errstr))
    }
}

impl Drop for NewPartitions {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_NewPartitions_destroy(self.ptr) }
    }
}

/// Resource types (rd_kafka_ResourceType_t).
pub(crate) const RESOURCE_MAX: i32 = 5;
/// Resource pattern types.
pub(crate) const PATTERN_MAX: i32 = 4;
/// ACL operations.
pub(crate) const ACL_OPERATION_MAX: i32 = 12;
/// ACL permission types.
pub(crate) const ACL_PERMISSION_MAX: i32 = 3;
/// Incremental alter operation types.
pub(crate) const ALTER_OP_MAX: i32 = 3;

/// Python's ConfigResource.
pub struct ConfigResource {
    pub ptr: *mut rd::rd_kafka_ConfigResource_t,
    pub restype: i32,
    pub name: CString,
    /// Entry names given to add_incremental_config: the broker refuses a request naming one
    /// twice (INVALID_REQUEST for the whole resource), so a repeat is refused here, naming it.
    incremental_names: Vec<CString>,
}

unsafe impl Send for ConfigResource {}
unsafe impl Sync for ConfigResource {}

impl ConfigResource {
    pub fn new(restype: i32, name: &CStr) -> KResult<ConfigResource> {
        check_range("restype", restype, 0, RESOURCE_MAX)?;
        let ptr = unsafe { sys::rd_kafka_ConfigResource_new(restype, name.as_ptr()) };
        if ptr.is_null() {
            return Err(KafkaError::invalid_arg(format!(
                "librdkafka refused resource type {restype}"
            )));
        }
        Ok(ConfigResource {
            ptr,
            restype,
            name: name.to_owned(),
            incremental_names: Vec::new(),
        })
    }

    pub fn set_config(&mut self, name: &CStr, value: &CStr) -> KResult<()> {
        let code = unsafe {
            sys::rd_kafka_ConfigResource_set_config(self.ptr, name.as_ptr(), value.as_ptr())
        };
        code_check(code, None)
    }

    pub fn add_incremental_config(
        &mut self,
        name: &CStr,
        op: i32,
        value: Option<&CStr>,
    ) -> KResult<()> {
        check_range("op_type", op, 0, ALTER_OP_MAX)?;
        if self.incremental_names.iter().any(|n| n.as_c_str() == name) {
            return Err(KafkaError::invalid_arg(format!(
                "\"{}\" was already added to this resource",
                name.to_string_lossy()
            )));
        }
        let err = unsafe {
            sys::rd_kafka_ConfigResource_add_incremental_config(
                self.ptr,
                name.as_ptr(),
                op,
                value.map_or(std::ptr::null(), |v| v.as_ptr()),
            )
        };
        match unsafe { KafkaError::from_rd_error(err) } {
            None => {
                self.incremental_names.push(name.to_owned());
                Ok(())
            }
            Some(e) => Err(e),
        }
    }
}

impl Drop for ConfigResource {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_ConfigResource_destroy(self.ptr) }
    }
}

/// Python's AclBinding or AclBindingFilter (`filter`), as plain values; a librdkafka binding
/// is made from it for each call.
#[derive(Clone, Debug)]
pub struct AclSpec {
    pub restype: i32,
    pub name: Option<CString>,
    pub pattern_type: i32,
    pub principal: Option<CString>,
    pub host: Option<CString>,
    pub operation: i32,
    pub permission_type: i32,
    pub filter: bool,
}

/// A librdkafka ACL binding (or filter), destroyed on drop.
pub struct RdAcl(pub *mut rd::rd_kafka_AclBinding_t);

impl Drop for RdAcl {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_AclBinding_destroy(self.0) }
    }
}

impl AclSpec {
    /// Checks the values by building a librdkafka binding from them.
    pub fn checked(self) -> KResult<AclSpec> {
        check_range("restype", self.restype, 0, RESOURCE_MAX)?;
        check_range("resource_pattern_type", self.pattern_type, 0, PATTERN_MAX)?;
        check_range("operation", self.operation, 0, ACL_OPERATION_MAX)?;
        check_range(
            "permission_type",
            self.permission_type,
            0,
            ACL_PERMISSION_MAX,
        )?;
        self.to_rd()
            .map_err(|e| KafkaError::from_code_msg(ERR_INVALID_ARG, e.message.to_string_lossy()))?;
        Ok(self)
    }

    pub fn to_rd(&self) -> KResult<RdAcl> {
        let mut errstr = [0 as c_char; 512];
        let s = |o: &Option<CString>| o.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
        let ptr = unsafe {
            let f = if self.filter {
                sys::rd_kafka_AclBindingFilter_new
            } else {
                sys::rd_kafka_AclBinding_new
            };
            f(
                self.restype,
                s(&self.name),
                self.pattern_type,
                s(&self.principal),
                s(&self.host),
                self.operation,
                self.permission_type,
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        if ptr.is_null() {
            return Err(KafkaError::invalid_arg(errstr_text(&errstr)));
        }
        Ok(RdAcl(ptr))
    }
}

/// Python's UserScramCredentialUpsertion or UserScramCredentialDeletion.
pub struct ScramAlteration {
    pub ptr: *mut rd::rd_kafka_UserScramCredentialAlteration_t,
    pub user: CString,
}

unsafe impl Send for ScramAlteration {}
unsafe impl Sync for ScramAlteration {}

pub(crate) const SCRAM_MECHANISM_MAX: i32 = 2;

impl ScramAlteration {
    pub fn upsertion(
        user: &CStr,
        mechanism: i32,
        iterations: i32,
        password: &[u8],
        salt: Option<&[u8]>,
    ) -> KResult<ScramAlteration> {
        check_range("mechanism", mechanism, 1, SCRAM_MECHANISM_MAX)?;
        let (sp, sl) = salt.map_or((std::ptr::null(), 0), |s| (s.as_ptr(), s.len()));
        let ptr = unsafe {
            sys::rd_kafka_UserScramCredentialUpsertion_new(
                user.as_ptr(),
                mechanism,
                iterations,
                password.as_ptr(),
                password.len(),
                sp,
                sl,
            )
        };
        if ptr.is_null() {
            return Err(KafkaError::invalid_arg(format!(
                "librdkafka refused the values"
            )));
        }
        Ok(ScramAlteration {
            ptr,
            user: user.to_owned(),
        })
    }

    pub fn deletion(user: &CStr, mechanism: i32) -> KResult<ScramAlteration> {
        check_range("mechanism", mechanism, 1, SCRAM_MECHANISM_MAX)?;
        let ptr =
            unsafe { sys::rd_kafka_UserScramCredentialDeletion_new(user.as_ptr(), mechanism) };
        if ptr.is_null() {
            return Err(KafkaError::invalid_arg(format!(
                "librdkafka refused the values"
            )));
        }
        Ok(ScramAlteration {
            ptr,
            user: user.to_owned(),
        })
    }
}

impl Drop for ScramAlteration {
    fn drop(&mut self) {
        unsafe { rd::rd_kafka_UserScramCredentialAlteration_destroy(self.ptr) }
    }
}
