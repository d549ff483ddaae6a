// SHA-256 (FIPS 180-4) and base64, for the Content-Security-Policy hashes
// of the page's inline script and style ('sha256-<base64>').
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace svweb {

// The 32-byte digest of s.
void sha256(std::string_view s, unsigned char out[32]) noexcept;

// Standard base64 (with '=' padding) of in[0, n) into out, which needs
// 4 * ((n + 2) / 3) bytes; returns the length written.
size_t base64(const unsigned char* in, size_t n, char* out) noexcept;

}  // namespace svweb
