// Private to src/as2: running a streaming CMS operation on bytes held in memory through
// two anonymous spool files ($TMPDIR), so that a large layer is never in memory together
// with the several copies the in-memory CMS forms make (about six for compression).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <payload/core/error.h>
#include <payload/io/file.h>

namespace payload::as2::detail {

// Layers from this size on go through spool files.
inline constexpr std::size_t spool_threshold = std::size_t{8} << 20;

using StreamOperation = std::function<Status(const io::Input&, const io::Output&)>;

// Writes `input` to a spool file, calls `release_input` (the caller frees the bytes
// behind `input` there), runs `operation` from that file into a second one and returns
// the second one's content. On error nothing of the output is returned.
[[nodiscard]] Result<std::string> through_spool(std::string_view input, const std::function<void()>& release_input,
                                                const StreamOperation& operation);

}  // namespace payload::as2::detail
