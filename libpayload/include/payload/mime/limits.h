// payload::mime limits: the sizes past which an input is refused as absurd.
//
// A partner controls every byte we parse. These bounds keep a hostile or broken message
// from costing unbounded memory or recursion; real AS2 traffic stays far below them.
#pragma once

#include <cstddef>

namespace payload::mime {

// Header fields of one entity, line ends included, without the blank line that ends them.
inline constexpr std::size_t max_header_block_bytes = 64 * 1024;
inline constexpr std::size_t max_header_fields = 1000;
// Levels of multipart nesting: the top entity is at depth 0, its parts at depth 1, and
// parts deeper than this are refused. AS2 needs 3 (signed > report > notification).
inline constexpr unsigned max_nesting_depth = 8;
// RFC 5322 2.1.1: a line MUST NOT exceed 998 characters without its CRLF.
inline constexpr std::size_t max_line_length = 998;

}  // namespace payload::mime
