// Private to src/as2: streaming CMS operations through spool files.
#include "spool.h"

#include <unistd.h>

#include <cerrno>

namespace payload::as2::detail {

Result<std::string> through_spool(std::string_view input, const std::function<void()>& release_input,
                                  const StreamOperation& operation) {
  auto in = io::SpoolFile::create();
  if (!in) return fail(in.error());
  const int fd = in->output().fd;
  if (auto ok = io::write_all(fd, input); !ok) return fail(ok.error());
  const std::uint64_t size = input.size();
  release_input();
  if (::lseek(fd, 0, SEEK_SET) != 0) return fail(io::errno_error("spool file", errno));
  auto out = io::SpoolFile::create();
  if (!out) return fail(out.error());
  if (auto ok = operation(io::Input{fd, {}, size}, out->output()); !ok) return fail(ok.error());
  return out->read_all();
}

}  // namespace payload::as2::detail
