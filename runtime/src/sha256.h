// SHA-256 (FIPS 180-4) of a byte string, used to fingerprint form definitions and to
// compare attachment digests. Self-contained so that native and WASM builds produce the
// same digests without a crypto library.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace blankett {

std::array<uint8_t, 32> sha256(std::string_view data);

// The digest as 64 lowercase hexadecimal characters.
std::string sha256_hex(std::string_view data);

}  // namespace blankett
