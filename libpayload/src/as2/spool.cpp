// Private to src/as2: streaming CMS operations through spool files.
#include "spool.h"

#include <unistd.h>

#include <cerrno>
#include <optional>

namespace payload::as2::detail {

Result<io::SpoolFile> spool_copy(std::string_view bytes, const io::MappedFile& file) {
  auto spool = io::SpoolFile::create();
  if (!spool) return fail(spool.error());
  const int fd = spool->output().fd;
  const auto offset = static_cast<std::uint64_t>(bytes.data() - file.bytes().data());
  if (auto copied = io::copy_range(file.fd(), offset, bytes.size(), fd); !copied) return fail(copied.error());
  if (::lseek(fd, 0, SEEK_SET) != 0) return fail(io::errno_error("spool file", errno));
  return spool;
}

Status visit_in_windows(std::string_view bytes, const io::MappedFile* file,
                        const std::function<Status(std::string_view)>& visit) {
  const bool mapped = file != nullptr && file->contains(bytes);
  for (std::size_t at = 0; at < bytes.size(); at += spool_threshold) {
    const std::string_view window = bytes.substr(at, spool_threshold);
    if (auto ok = visit(window); !ok) return ok;
    if (mapped) file->release(window);
  }
  return {};
}

namespace {

// Both forms: the operation from `input` (see through_mapped_spool) into a new spool file.
Result<io::SpoolFile> run_spooled(std::string_view input, const std::shared_ptr<const io::MappedFile>& within,
                                  const std::function<void()>& release_input, const StreamOperation& operation) {
  const std::uint64_t size = input.size();
  std::optional<io::SpoolFile> in;
  int fd = -1;
  if (within != nullptr && within->contains(input) && input.data() + input.size() == within->bytes().end()) {
    // The operations read their input to the end of the file: start them at the offset.
    fd = within->fd();
    if (::lseek(fd, input.data() - within->bytes().data(), SEEK_SET) < 0) return fail(io::errno_error("spool file", errno));
  } else {
    auto spool = within != nullptr && within->contains(input) ? spool_copy(input, *within) : io::SpoolFile::create();
    if (!spool) return fail(spool.error());
    in.emplace(std::move(*spool));
    fd = in->output().fd;
    if (within == nullptr || !within->contains(input)) {
      if (auto written = io::write_all(fd, input); !written) return fail(written.error());
      if (::lseek(fd, 0, SEEK_SET) != 0) return fail(io::errno_error("spool file", errno));
    }
  }
  release_input();
  auto out = io::SpoolFile::create();
  if (!out) return fail(out.error());
  if (auto ok = operation(io::Input{fd, {}, size}, out->output()); !ok) return fail(ok.error());
  return out;
}

}  // namespace

Result<std::string> through_spool(std::string_view input, const std::function<void()>& release_input,
                                  const StreamOperation& operation) {
  auto out = run_spooled(input, nullptr, release_input, operation);
  if (!out) return fail(out.error());
  // Room for the next layer's headers and boundaries, added in place by the caller: a
  // large layer is then never held twice while it is wrapped.
  constexpr std::size_t room_for_layers = 256 * 1024;
  const int fd = out->output().fd;
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail(io::errno_error("spool file", errno));
  return io::read_all(fd, room_for_layers);
}

Result<std::shared_ptr<const io::MappedFile>> through_mapped_spool(std::string_view input,
                                                                   std::shared_ptr<const io::MappedFile> within,
                                                                   const std::function<void()>& release_input,
                                                                   const StreamOperation& operation) {
  // Held here: `release_input` may drop the caller's last reference while the operation
  // still reads the file.
  auto out = run_spooled(input, within, release_input, operation);
  if (!out) return fail(out.error());
  return io::MappedFile::map(out->output().fd);
}

}  // namespace payload::as2::detail
