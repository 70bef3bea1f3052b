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

// The same digest from the portable rounds only, and whether sha256() uses the
// processor's SHA instructions instead: for the test that the two agree.
std::array<uint8_t, 32> sha256_portable(std::string_view data);
bool sha256_uses_cpu_instructions();

// The digest as 64 lowercase hexadecimal characters.
std::string sha256_hex(std::string_view data);

}  // namespace blankett
