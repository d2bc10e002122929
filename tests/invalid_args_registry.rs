//! Invalid arguments to the Schema Registry client, schemas and registered schemas (on a
//! mock:// registry: nothing may reach it).
mod common;
use common::handles::*;
use common::invalid_args::*;
use common::*;
use std::os::raw::c_char;
use std::ptr::{null, null_mut};

#[test]
fn invalid_args_schema_registry() {
    use kafkaffi::ffi::*;
    let mut e = null_mut();
    const NEW: &str = "kf_schema_registry_new";
    assert!(kf_schema_registry_new(null(), &mut e).is_null());
    inv(e, &[NEW, "config_json"]);
    assert!(kf_schema_registry_new(bad_utf8(), &mut e).is_null());
    inv(e, &[NEW, "config_json", "UTF-8"]);
    assert!(kf_schema_registry_new(cs("{\"url\": 1, \"x\": 2}").as_ptr(), &mut e).is_null());
    inv(e, &["\"x\""]);
    assert!(kf_schema_registry_new(null(), null_mut()).is_null());
    kf_schema_registry_destroy(null_mut());
    assert_eq!(kf_schema_registry_request_count(null()), 0);

    assert!(kf_schema_new(null(), KF_SCHEMA_TYPE_AVRO, &mut e).is_null());
    inv(e, &["kf_schema_new", "schema_str"]);
    assert!(kf_schema_new(cs("{}").as_ptr(), -1, &mut e).is_null());
    inv(e, &["kf_schema_new", "schema_type"]);
    kf_schema_destroy(null_mut());
    let schema = own(kf_schema_new(
        cs("\"string\"").as_ptr(),
        KF_SCHEMA_TYPE_AVRO,
        null_mut(),
    ));
    let s = schema.get();
    assert!(!s.is_null());
    const AR: &str = "kf_schema_add_reference";
    let (n, sub) = (cs("n"), cs("s"));
    inv(
        kf_schema_add_reference(null_mut(), n.as_ptr(), sub.as_ptr(), 1),
        &[AR, "schema"],
    );
    inv(
        kf_schema_add_reference(s, null(), sub.as_ptr(), 1),
        &[AR, "name"],
    );
    inv(
        kf_schema_add_reference(s, n.as_ptr(), bad_utf8(), 1),
        &[AR, "subject", "UTF-8"],
    );
    assert!(kf_schema_str(null()).is_null());
    assert_eq!(kf_schema_type(null()), -1);
    assert_eq!(kf_schema_reference_count(null()), 0);
    assert!(kf_schema_reference_name(null(), 0).is_null());
    assert!(kf_schema_reference_name(s, 0).is_null());
    assert!(kf_schema_reference_subject(null(), 0).is_null());
    assert!(kf_schema_reference_subject(s, usize::MAX).is_null());
    assert_eq!(kf_schema_reference_version(null(), 0), -1);
    assert_eq!(kf_schema_reference_version(s, 9), -1);

    kf_registered_schema_destroy(null_mut());
    assert_eq!(kf_registered_schema_id(null()), -1);
    assert_eq!(kf_registered_schema_version(null()), -1);
    assert!(kf_registered_schema_subject(null()).is_null());
    assert!(kf_registered_schema_schema(null()).is_null());
    assert_eq!(kf_schema_registry_error_http_status(null()), 0);
    assert_eq!(kf_schema_registry_error_code(null()), 0);
    // The list handles' accessors: fallbacks for NULL.
    assert_eq!(kf_string_list_count(null()), 0);
    assert!(kf_string_list_get(null(), 0).is_null());
    kf_string_list_destroy(null_mut());
    assert_eq!(kf_int32_list_count(null()), 0);
    assert!(kf_int32_list_values(null()).is_null());
    kf_int32_list_destroy(null_mut());

    let url = format!("{{\"url\": \"mock://{}\"}}", unique("inv"));
    let client = own(kf_schema_registry_new(cs(&url).as_ptr(), null_mut()));
    let c = client.get();
    assert!(!c.is_null());
    let nc = null_mut::<kf_schema_registry_t>();
    let subj = cs("subj");
    let (mut id, mut b) = (0i32, false);
    let mut vers: *mut kf_int32_list_t = null_mut();
    let mut subs: *mut kf_string_list_t = null_mut();
    let mut rs: *mut kf_registered_schema_t = null_mut();
    let mut sch: *mut kf_schema_t = null_mut();
    let mut lvl: *mut c_char = null_mut();
    const RS: &str = "kf_schema_registry_register_schema";
    inv(
        kf_schema_registry_register_schema(nc, subj.as_ptr(), s, false, &mut id),
        &[RS, "registry"],
    );
    inv(
        kf_schema_registry_register_schema(c, null(), s, false, &mut id),
        &[RS, "subject"],
    );
    inv(
        kf_schema_registry_register_schema(c, subj.as_ptr(), null(), false, &mut id),
        &[RS, "schema"],
    );
    inv(
        kf_schema_registry_register_schema(c, subj.as_ptr(), s, false, null_mut()),
        &[RS, "id_out"],
    );
    const GS: &str = "kf_schema_registry_get_schema";
    inv(
        kf_schema_registry_get_schema(nc, 1, &mut sch),
        &[GS, "registry"],
    );
    inv(
        kf_schema_registry_get_schema(c, 1, null_mut()),
        &[GS, "schema_out"],
    );
    const GL: &str = "kf_schema_registry_get_latest_version";
    inv(
        kf_schema_registry_get_latest_version(nc, subj.as_ptr(), &mut rs),
        &[GL, "registry"],
    );
    inv(
        kf_schema_registry_get_latest_version(c, null(), &mut rs),
        &[GL, "subject"],
    );
    inv(
        kf_schema_registry_get_latest_version(c, subj.as_ptr(), null_mut()),
        &[GL, "registered_out"],
    );
    const GV: &str = "kf_schema_registry_get_version";
    inv(
        kf_schema_registry_get_version(nc, subj.as_ptr(), 1, &mut rs),
        &[GV, "registry"],
    );
    inv(
        kf_schema_registry_get_version(c, bad_utf8(), 1, &mut rs),
        &[GV, "subject"],
    );
    inv(
        kf_schema_registry_get_version(c, subj.as_ptr(), 1, null_mut()),
        &[GV, "registered_out"],
    );
    const GVS: &str = "kf_schema_registry_get_versions";
    inv(
        kf_schema_registry_get_versions(nc, subj.as_ptr(), &mut vers),
        &[GVS, "registry"],
    );
    inv(
        kf_schema_registry_get_versions(c, null(), &mut vers),
        &[GVS, "subject"],
    );
    inv(
        kf_schema_registry_get_versions(c, subj.as_ptr(), null_mut()),
        &[GVS, "versions_out"],
    );
    const GSU: &str = "kf_schema_registry_get_subjects";
    inv(
        kf_schema_registry_get_subjects(nc, &mut subs),
        &[GSU, "registry"],
    );
    inv(
        kf_schema_registry_get_subjects(c, null_mut()),
        &[GSU, "subjects_out"],
    );
    assert!(vers.is_null() && subs.is_null(), "_out written on failure");
    const LS: &str = "kf_schema_registry_lookup_schema";
    inv(
        kf_schema_registry_lookup_schema(nc, subj.as_ptr(), s, false, &mut rs),
        &[LS, "registry"],
    );
    inv(
        kf_schema_registry_lookup_schema(c, null(), s, false, &mut rs),
        &[LS, "subject"],
    );
    inv(
        kf_schema_registry_lookup_schema(c, subj.as_ptr(), null(), false, &mut rs),
        &[LS, "schema"],
    );
    inv(
        kf_schema_registry_lookup_schema(c, subj.as_ptr(), s, false, null_mut()),
        &[LS, "registered_out"],
    );
    const DS: &str = "kf_schema_registry_delete_subject";
    inv(
        kf_schema_registry_delete_subject(nc, subj.as_ptr(), false, &mut vers),
        &[DS, "registry"],
    );
    inv(
        kf_schema_registry_delete_subject(c, null(), false, null_mut()),
        &[DS, "subject"],
    );
    const DV: &str = "kf_schema_registry_delete_version";
    inv(
        kf_schema_registry_delete_version(nc, subj.as_ptr(), 1, false, null_mut()),
        &[DV, "registry"],
    );
    inv(
        kf_schema_registry_delete_version(c, null(), 1, false, null_mut()),
        &[DV, "subject"],
    );
    const SC: &str = "kf_schema_registry_set_compatibility";
    let full = cs("FULL");
    inv(
        kf_schema_registry_set_compatibility(nc, null(), full.as_ptr()),
        &[SC, "registry"],
    );
    inv(
        kf_schema_registry_set_compatibility(c, null(), null()),
        &[SC, "level"],
    );
    inv(
        kf_schema_registry_set_compatibility(c, bad_utf8(), full.as_ptr()),
        &[SC, "subject"],
    );
    inv(
        kf_schema_registry_set_compatibility(c, null(), cs("SOMETIMES").as_ptr()),
        &["SOMETIMES"],
    );
    const GC: &str = "kf_schema_registry_get_compatibility";
    inv(
        kf_schema_registry_get_compatibility(nc, null(), &mut lvl),
        &[GC, "registry"],
    );
    inv(
        kf_schema_registry_get_compatibility(c, null(), null_mut()),
        &[GC, "level_out"],
    );
    const TC: &str = "kf_schema_registry_test_compatibility";
    inv(
        kf_schema_registry_test_compatibility(nc, subj.as_ptr(), s, -1, &mut b),
        &[TC, "registry"],
    );
    inv(
        kf_schema_registry_test_compatibility(c, null(), s, -1, &mut b),
        &[TC, "subject"],
    );
    inv(
        kf_schema_registry_test_compatibility(c, subj.as_ptr(), null(), -1, &mut b),
        &[TC, "schema"],
    );
    inv(
        kf_schema_registry_test_compatibility(c, subj.as_ptr(), s, -1, null_mut()),
        &[TC, "compatible_out"],
    );
    // Nothing reached the registry, and no output was written.
    assert_eq!(kf_schema_registry_request_count(c), 0);
    assert!(vers.is_null() && subs.is_null() && rs.is_null() && sch.is_null() && lvl.is_null());
    assert_eq!((id, b), (0, false));
}
