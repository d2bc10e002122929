/* A program outside the kafkaffi tree, built against an installed kafkaffi by the install
 * test (tests/install/run.sh). Prints the library's versions; exits 1 on a mismatch. */
#include <kafkaffi.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *version = kf_version();
    const char *rdkafka = kf_librdkafka_version();
    printf("kafkaffi %s, librdkafka %s\n", version, rdkafka);
    /* argv[1]: the version the installed package claims (pkg-config / CMake). */
    if (argc > 1 && strcmp(argv[1], version) != 0) {
        fprintf(stderr, "kf_version() is %s, the package says %s\n", version, argv[1]);
        return 1;
    }
    return rdkafka != NULL && rdkafka[0] != '\0' ? 0 : 1;
}
