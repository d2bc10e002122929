/*
 * Header check: include/kafkaffi.h compiles on its own, as C99 and C11, with
 * -Wall -Wextra -Wpedantic -Wstrict-prototypes -Werror (see tests/c/CMakeLists.txt). Nothing else
 * is included first, so the header must bring every type it uses; it is included twice to check
 * its include guard.
 */
#include "kafkaffi.h"
#include "kafkaffi.h"

int main(void) {
    const char *version = kf_version();
    return version != NULL && version[0] != '\0' && KF_ABI_MAJOR >= 0 ? 0 : 1;
}
