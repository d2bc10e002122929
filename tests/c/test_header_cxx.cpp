/*
 * Header check: include/kafkaffi.h compiles on its own as C++11 and C++17 with
 * -Wall -Wextra -Wpedantic -Werror (see tests/c/CMakeLists.txt). The program calls one function
 * and links against libkafkaffi.so: without the header's extern "C" block the call would refer
 * to a C++-mangled name and the link would fail.
 */
#include "kafkaffi.h"
#include "kafkaffi.h"

int main() {
    const char *version = kf_version();
    return version != nullptr && version[0] != '\0' ? 0 : 1;
}
