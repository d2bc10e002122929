/* What the generated NULL-argument cases (gen_null_args.py) and their driver share. */
#ifndef KAFKAFFI_NULL_ARGS_HARNESS_H
#define KAFKAFFI_NULL_ARGS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "kafkaffi.h"
#include "null_args_fixtures.h"

typedef struct {
    const char *function;
    const char *param; /* the argument passed as NULL */
    void (*run)(void);
} null_case_t;

extern const null_case_t null_cases[];
extern const size_t null_case_count;
extern const size_t null_function_count;
extern const size_t null_functions_without_pointers;

/* Outcome checks: each records the case's result in the driver's shared memory. */
/* NULL documented as valid: any outcome but an invalid-argument error about `param` (`err`: the
 * call's error, or NULL). */
void pass_nullable(const char *fn, const char *param, kf_error_t *err);
void pass_void(const char *fn, const char *param);
void check_invalid_arg(const char *fn, const char *param, kf_error_t *res);
void check_null_err(const char *fn, const char *param, const void *res, kf_error_t *err);
void check_null(const char *fn, const char *param, const void *res);
void check_str(const char *fn, const char *param, const char *res, const char *want);
void check_eq(const char *fn, const char *param, long long res, long long want);

/* Arrays of one valid element, for array parameters. */
#define ARRAY1(type, value) ((type[]){(value)})
extern const char *fx_str_array[1];
extern const char *fx_ext_keys[1];
extern const char *fx_ext_values[1];
extern int32_t fx_int32_array[1];
extern int fx_int_array[1];
extern int fx_group_states[1];
extern int fx_group_types[1];
extern kf_message_t *fx_message_array[1];

#endif
