// as2d request bodies: spooling under limits.
#include "body_reader.h"

#include <Poco/Exception.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <exception>

namespace as2d {

using payload::io::UniqueFd;

namespace {

constexpr std::size_t chunk_size = 64 * 1024;

// An unlinked file in `dir`: O_TMPFILE where the file system has it, else mkostemp + unlink.
UniqueFd open_spool(const std::filesystem::path& dir, std::string& error) {
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd.valid()) return fd;
  std::string templ = (dir / "body-XXXXXX").string();
  fd = UniqueFd(::mkostemp(templ.data(), O_CLOEXEC));
  if (!fd.valid()) {
    error = payload::io::errno_error(dir.string(), errno).message();
    return fd;
  }
  ::unlink(templ.c_str());
  return fd;
}

tl::unexpected<BodyError> failure(BodyFailure kind, std::string message, std::uint64_t bytes) {
  return tl::unexpected<BodyError>(BodyError{kind, std::move(message), bytes});
}

}  // namespace

std::string_view body_failure_name(BodyFailure kind) noexcept {
  switch (kind) {
    case BodyFailure::too_large: return "too_large";
    case BodyFailure::timeout: return "timeout";
    case BodyFailure::aborted: return "aborted";
    case BodyFailure::io: return "io";
  }
  return "io";
}

std::string SpooledBody::peek(std::size_t limit) const {
  if (!m_fd.valid()) return m_bytes.substr(0, limit);
  std::string head(std::min<std::uint64_t>(limit, m_size), '\0');
  const auto n = ::pread(m_fd.get(), head.data(), head.size(), 0);
  head.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return head;
}

payload::Result<std::string> SpooledBody::take() {
  if (!m_fd.valid()) return std::move(m_bytes);
  std::string bytes(m_size, '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pread(m_fd.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return payload::fail(payload::io::errno_error("request body spool", errno));
    if (n == 0) return payload::fail(payload::Errc::io, "request body spool: shorter than written");
    done += static_cast<std::size_t>(n);
  }
  return bytes;
}

tl::expected<SpooledBody, BodyError> spool_body(std::istream& in, std::optional<std::uint64_t> content_length,
                                                const BodyLimits& limits, const std::filesystem::path& spool_dir,
                                                const std::function<bool()>& peer_closed) {
  if (content_length && *content_length > limits.max_size)
    return failure(BodyFailure::too_large,
                   "Content-Length " + std::to_string(*content_length) + " exceeds the limit of " +
                       std::to_string(limits.max_size) + " bytes",
                   0);
  UniqueFd fd;  // opened once the body outgrows memory
  std::string memory;
  const auto deadline = std::chrono::steady_clock::now() + limits.total;
  std::uint64_t total = 0;
  std::array<char, chunk_size> buffer;
  try {
    // POCO reports socket timeouts and resets as exceptions from the stream buffer; the
    // stream rethrows them only with badbit in its exception mask.
    in.exceptions(std::ios::badbit);
    while (true) {
      // peek() costs at most one socket read (bounded by the read timeout), readsome()
      // none: so the deadline is checked between any two reads, and a client trickling
      // one byte at a time cannot stretch the body beyond it.
      if (std::chrono::steady_clock::now() > deadline)
        return failure(BodyFailure::timeout,
                       "the body took longer than " + std::to_string(limits.total.count()) + " s", total);
      if (in.peek() == std::istream::traits_type::eof()) break;
      const auto n = static_cast<std::size_t>(in.readsome(buffer.data(), static_cast<std::streamsize>(buffer.size())));
      total += n;
      if (total > limits.max_size)
        return failure(BodyFailure::too_large,
                       "the body exceeds the limit of " + std::to_string(limits.max_size) + " bytes", total);
      if (!fd.valid() && memory.size() + n <= body_memory_limit) {
        memory.append(buffer.data(), n);
        continue;
      }
      if (!fd.valid()) {
        std::string open_error;
        fd = open_spool(spool_dir, open_error);
        if (!fd.valid()) return failure(BodyFailure::io, open_error, total);
        if (auto written = payload::io::write_all(fd.get(), memory); !written)
          return failure(BodyFailure::io, written.error().message(), total);
        std::string().swap(memory);
      }
      if (auto written = payload::io::write_all(fd.get(), std::span<const char>(buffer.data(), n)); !written)
        return failure(BodyFailure::io, written.error().message(), total);
    }
  } catch (const Poco::TimeoutException&) {
    return failure(BodyFailure::timeout, "no data from the client within the read timeout", total);
  } catch (const Poco::Exception& e) {
    return failure(BodyFailure::aborted, "reading the body: " + e.displayText(), total);
  } catch (const std::exception& e) {
    return failure(BodyFailure::aborted, std::string("reading the body: ") + e.what(), total);
  }
  if (content_length && total != *content_length)
    return failure(BodyFailure::aborted,
                   "the client sent " + std::to_string(total) + " of " + std::to_string(*content_length) +
                       " announced bytes",
                   total);
  if (!content_length && peer_closed())
    return failure(BodyFailure::aborted, "the connection closed before the end of the chunked body", total);
  if (!fd.valid()) return SpooledBody(std::move(memory));
  return SpooledBody(std::move(fd), total);
}

bool drain_body(std::istream& in, std::uint64_t limit, std::chrono::seconds max_time) noexcept {
  try {
    const auto deadline = std::chrono::steady_clock::now() + max_time;
    in.exceptions(std::ios::badbit);
    std::array<char, chunk_size> buffer;
    std::uint64_t total = 0;
    while (total <= limit && std::chrono::steady_clock::now() <= deadline) {
      if (in.peek() == std::istream::traits_type::eof()) return true;
      total += static_cast<std::uint64_t>(in.readsome(buffer.data(), static_cast<std::streamsize>(buffer.size())));
    }
    return false;
  } catch (...) {
    return false;
  }
}

}  // namespace as2d
