#pragma once
// SHA-256 (FIPS 180-4) of a byte string, as lower-case hex: the identity of a sweep spec in
// provenance and in --resume checks. Small and self-contained (no OpenSSL dependency).
#include <string>
#include <string_view>

namespace stream::sweep::detail {
std::string sha256_hex(std::string_view data);
}
