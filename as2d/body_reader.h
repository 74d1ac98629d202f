// as2d request bodies: read under the limits (size, per-read timeout through the socket,
// total time) into memory up to 1 MiB and beyond that into an anonymous spool file in
// data_dir/tmp, so that slow uploads of large bodies hold little memory; and a body cut
// off by the client is recognised as such. (Small bodies stay in memory: creating and
// deleting a file per message costs more than the rest of the file system work together,
// ext4 scanning its recently deleted inodes, see docs/benchmarks.md.)
//
// A cut-off body must never pass for a whole one: with Content-Length, fewer bytes than
// announced; with chunked framing, which POCO's decoder ends silently when the peer closes,
// the end of the stream is accepted only if the connection is still open afterwards (a
// client that sent the final chunk waits for our answer; a killed one has closed).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include <payload/core/error.h>
#include <payload/io/file.h>

namespace as2d {

enum class BodyFailure {
  too_large,  // more than the limit: HTTP 413
  timeout,    // a read or the whole body took too long: HTTP 408
  aborted,    // the client closed the connection before the end
  io,         // the spool file could not be written: HTTP 500
};

struct BodyError {
  BodyFailure kind = BodyFailure::io;
  std::string message;
  std::uint64_t bytes = 0;  // read before the failure
};

struct BodyLimits {
  std::uint64_t max_size = 0;
  std::chrono::seconds total{600};
};

// Bodies up to this size are kept in memory while they arrive.
inline constexpr std::size_t body_memory_limit = 1 << 20;

// The whole body: in memory, or in an unlinked file (gone when closed).
class SpooledBody final {
public:
  explicit SpooledBody(std::string bytes) : m_bytes(std::move(bytes)), m_size(m_bytes.size()) {}
  SpooledBody(payload::io::UniqueFd fd, std::uint64_t size) : m_fd(std::move(fd)), m_size(size) {}
  [[nodiscard]] std::uint64_t size() const noexcept { return m_size; }
  // The first bytes (at most `limit`), left in place; empty when they cannot be read.
  [[nodiscard]] std::string peek(std::size_t limit = 16 * 1024) const;
  // The bytes, taken out (call once). Errors: io.
  [[nodiscard]] payload::Result<std::string> take();

private:
  payload::io::UniqueFd m_fd;
  std::string m_bytes;
  std::uint64_t m_size = 0;
};

[[nodiscard]] std::string_view body_failure_name(BodyFailure kind) noexcept;

// Reads `in` to its end (into memory, or a spool file in `spool_dir` past body_memory_limit). `content_length` is the announced
// length (nullopt for chunked framing); `peer_closed` tells whether the client has closed
// its side of the connection. Exceptions from the stream (POCO's timeouts and network
// errors) are caught and reported as BodyError.
[[nodiscard]] tl::expected<SpooledBody, BodyError> spool_body(std::istream& in, std::optional<std::uint64_t> content_length,
                                                              const BodyLimits& limits,
                                                              const std::filesystem::path& spool_dir,
                                                              const std::function<bool()>& peer_closed);

// Reads and discards up to `limit` bytes of `in` for at most `max_time`; true when the body
// ended within them (the connection can then carry another request, and the client reads
// our answer instead of a reset). Never throws.
bool drain_body(std::istream& in, std::uint64_t limit, std::chrono::seconds max_time) noexcept;

}  // namespace as2d
