// Private to src/as2: running a streaming CMS operation on a large layer through spool
// files ($TMPDIR), so that the layer is never in memory together with the several copies
// the in-memory CMS forms make (about six for compression), and its output is mapped
// rather than read back.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <payload/core/error.h>
#include <payload/io/file.h>
#include <payload/io/mapped_file.h>

namespace payload::as2::detail {

// Layers from this size on go through spool files.
inline constexpr std::size_t spool_threshold = std::size_t{8} << 20;

using StreamOperation = std::function<Status(const io::Input&, const io::Output&)>;

// Writes `input` to a spool file, calls `release_input` (the caller frees the bytes
// behind `input` there), runs `operation` from that file into a second one and returns
// the second one's content. On error nothing of the output is returned.
[[nodiscard]] Result<std::string> through_spool(std::string_view input, const std::function<void()>& release_input,
                                                const StreamOperation& operation);

// Runs `operation` on `input` and returns its output, a mapped anonymous spool file.
// When `input` lies in `within` (the mapped file of the layer before), the operation
// reads the file itself (from the input's offset when the input runs to the end of the
// file, else from a copy made in the kernel), so the input's pages are never touched
// here; otherwise `input` is first written to a spool file. `release_input` is called as
// soon as the bytes behind `input` are no longer needed (the caller frees them there).
// On error nothing of the output is returned.
[[nodiscard]] Result<std::shared_ptr<const io::MappedFile>> through_mapped_spool(std::string_view input,
                                                                                 std::shared_ptr<const io::MappedFile> within,
                                                                                 const std::function<void()>& release_input,
                                                                                 const StreamOperation& operation);

// A copy of `bytes`, which lie in `file`, in a new anonymous spool file positioned at its
// start: made in the kernel, without touching the mapping. Errors: io.
[[nodiscard]] Result<io::SpoolFile> spool_copy(std::string_view bytes, const io::MappedFile& file);

// Hands `bytes` to `visit` in windows of spool_threshold bytes; when they lie in `file`,
// each window's pages are given back once visited, so a pass over a large mapped layer
// does not leave it all resident. Stops at the first error.
[[nodiscard]] Status visit_in_windows(std::string_view bytes, const io::MappedFile* file,
                                      const std::function<Status(std::string_view)>& visit);

}  // namespace payload::as2::detail
