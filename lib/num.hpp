// Number parsing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lib {

// The whole of s must be decimal digits, at least one, fitting in 64 bits.
// Returns false otherwise (empty, sign, junk, overflow).
bool parse_u64(std::string_view s, uint64_t& out) noexcept;

// daemontools' scan_ulong: reads the leading decimal digits of s (none is
// 0), wrapping on overflow as the reference does. Returns how many
// characters it consumed.
size_t scan_ulong(std::string_view s, unsigned long& out) noexcept;

// Decimal text of n into buf (at least 20 bytes); returns the length.
size_t format_u64(char* buf, uint64_t n) noexcept;

}  // namespace lib
