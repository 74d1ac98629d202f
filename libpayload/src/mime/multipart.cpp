// payload::mime multipart: boundary scanning (RFC 2046 5.1.1) and building.
#include <payload/mime/multipart.h>

#include <algorithm>
#include <cstdint>

#include <payload/core/random.h>
#include <payload/mime/limits.h>

#include "ascii.h"

namespace payload::mime {
namespace {

enum class DelimiterKind { none, part, close };

struct Delimiter {
  DelimiterKind kind = DelimiterKind::none;
  std::size_t begin = 0;  // of the "--boundary" text, at a line start
  std::size_t next = 0;   // where the line after the delimiter starts
};

// Index of the next line start at or after `from`, or npos.
std::size_t next_line_start(std::string_view body, std::size_t from) {
  const std::size_t lf = body.find('\n', from);
  return lf == std::string_view::npos ? std::string_view::npos : lf + 1;
}

// Classifies what follows "--boundary" at `begin`; `dash_boundary_size` is 2 + boundary size.
Delimiter classify(std::string_view body, std::size_t begin, std::size_t dash_boundary_size) {
  Delimiter delimiter;
  delimiter.begin = begin;
  std::size_t pos = begin + dash_boundary_size;
  DelimiterKind kind = DelimiterKind::part;
  if (body.substr(pos, 2) == "--") {
    kind = DelimiterKind::close;
    pos += 2;
  } else if (body.substr(pos, 1) == "-") {
    // Tolerated: a close delimiter one dash short (rfc4130bis-05 A.4).
    kind = DelimiterKind::close;
    pos += 1;
  }
  // RFC 2046 5.1.1: transport-padding (LWSP) may follow before the line end.
  while (pos < body.size() && detail::is_wsp(body[pos])) ++pos;
  if (pos < body.size() && body[pos] == '\r') ++pos;
  if (pos >= body.size()) {
    delimiter.kind = kind;
    delimiter.next = body.size();
    return delimiter;
  }
  if (body[pos] != '\n') {
    // "--boundaryX...": a line that merely starts like a delimiter. The close delimiter
    // may be followed by junk on its line in the wild; its line is the epilogue anyway.
    if (kind != DelimiterKind::close || body.substr(begin + dash_boundary_size, 2) != "--") return delimiter;
    delimiter.kind = kind;
    delimiter.next = next_line_start(body, pos);
    if (delimiter.next == std::string_view::npos) delimiter.next = body.size();
    return delimiter;
  }
  delimiter.kind = kind;
  delimiter.next = pos + 1;
  return delimiter;
}

// The next delimiter line at or after `from`.
Delimiter find_delimiter(std::string_view body, std::string_view dash_boundary, std::size_t from) {
  std::size_t pos = from;
  while (true) {
    const std::size_t hit = body.find(dash_boundary, pos);
    if (hit == std::string_view::npos) return {};
    if (hit == 0 || body[hit - 1] == '\n') {
      Delimiter delimiter = classify(body, hit, dash_boundary.size());
      if (delimiter.kind != DelimiterKind::none) return delimiter;
    }
    pos = hit + 1;
  }
}

// Where the part before a delimiter at `delimiter_begin` ends: before the line end that
// precedes the delimiter (RFC 2046 5.1.1: that CRLF is "conceptually attached" to the
// boundary), never before the part's own start.
std::size_t part_end(std::string_view body, std::size_t part_begin, std::size_t delimiter_begin) {
  std::size_t end = delimiter_begin;
  if (end >= 2 && body[end - 2] == '\r' && body[end - 1] == '\n') {
    end -= 2;
  } else if (end >= 1 && body[end - 1] == '\n') {
    end -= 1;
  }
  return std::max(end, part_begin);
}

}  // namespace

Result<std::vector<Entity>> split_multipart(const Entity& multipart) {
  auto content_type = multipart.content_type();
  if (!content_type) return tl::unexpected(content_type.error());
  if (!content_type->is_multipart()) {
    return fail(Errc::bad_data, "entity of type " + content_type->media_type() + " is not multipart");
  }
  const auto boundary = content_type->parameter("boundary");
  if (!boundary || boundary->empty()) {
    return fail(Errc::bad_data, content_type->media_type() + " entity has no boundary parameter");
  }
  if (boundary->find_first_of("\r\n") != std::string_view::npos) {
    return fail(Errc::bad_data, content_type->media_type() + " boundary contains a line break");
  }
  if (multipart.depth() >= max_nesting_depth) {
    return fail(Errc::bad_data, "multipart nesting deeper than " + std::to_string(max_nesting_depth) + " levels");
  }

  const std::string_view body = multipart.body();
  const std::string dash_boundary = "--" + std::string(*boundary);
  Delimiter delimiter = find_delimiter(body, dash_boundary, 0);
  if (delimiter.kind == DelimiterKind::none) {
    return fail(Errc::bad_data, "multipart boundary '" + std::string(*boundary) + "' does not occur in the body");
  }
  std::vector<Entity> parts;
  while (delimiter.kind == DelimiterKind::part) {
    const std::size_t begin = delimiter.next;
    const Delimiter following = find_delimiter(body, dash_boundary, begin);
    if (following.kind == DelimiterKind::none) {
      return fail(Errc::bad_data, "multipart body ends without the close delimiter '" + dash_boundary + "--'");
    }
    const std::size_t end = part_end(body, begin, following.begin);
    auto part = Entity::parse(multipart.buffer(), multipart.body_offset() + begin, end - begin, multipart.depth() + 1);
    if (!part) return tl::unexpected(part.error().with_context("multipart part " + std::to_string(parts.size() + 1)));
    parts.push_back(std::move(*part));
    delimiter = following;
  }
  if (parts.empty()) return fail(Errc::bad_data, "multipart body has no parts (RFC 2046 5.1.1 requires one)");
  return parts;
}

bool is_valid_boundary(std::string_view boundary) noexcept {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  // RFC 2046 5.1.1 bchars: DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?" / " "
  constexpr std::string_view kOther = "'()+_,-./:=? ";
  return std::all_of(boundary.begin(), boundary.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kOther.find(c) != std::string_view::npos;
  });
}

std::string generate_boundary() { return "=_payload_" + random_hex128(); }

Result<std::string> build_multipart_body(std::span<const std::string_view> parts, std::string_view boundary) {
  if (!is_valid_boundary(boundary)) return fail(Errc::usage, "'" + std::string(boundary) + "' is not a valid multipart boundary");
  if (parts.empty()) return fail(Errc::usage, "a multipart body needs at least one part");
  const std::string dash_boundary = "--" + std::string(boundary);
  std::size_t size = dash_boundary.size() + 4;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    // Stricter than RFC 2046 (which only forbids it at a line start), and cheaper to check.
    if (parts[i].find(dash_boundary) != std::string_view::npos) {
      return fail(Errc::usage, "multipart part " + std::to_string(i + 1) + " contains its boundary");
    }
    size += dash_boundary.size() + parts[i].size() + 4;
  }
  std::string body;
  body.reserve(size);
  for (const std::string_view part : parts) {
    body += dash_boundary;
    body += "\r\n";
    body += part;
    body += "\r\n";  // belongs to the next delimiter
  }
  body += dash_boundary;
  body += "--\r\n";
  return body;
}

Result<MultipartBody> build_multipart_body(std::span<const std::string_view> parts) {
  // 128 random bits collide with content only by accident of astronomic odds; retry anyway.
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string boundary = generate_boundary();
    const std::string dash_boundary = "--" + boundary;
    const bool collides = std::any_of(parts.begin(), parts.end(), [&](std::string_view part) {
      return part.find(dash_boundary) != std::string_view::npos;
    });
    if (collides) continue;
    auto body = build_multipart_body(parts, boundary);
    if (!body) return tl::unexpected(body.error());
    return MultipartBody{std::move(boundary), std::move(*body)};
  }
  return fail(Errc::internal, "could not generate a multipart boundary that no part contains");
}

}  // namespace payload::mime
