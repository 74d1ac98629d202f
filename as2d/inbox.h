// as2d inbox writer: how a received payload becomes a file a partner's inbox can be
// trusted with, before any "processed" MDN goes out (issue 4, "durability before
// acknowledgement").
//
// The bytes go to an unnamed temporary in the inbox directory (O_TMPFILE, mode 0640), are
// fsync'ed, and the file is then linked under its final name; linking never replaces an
// existing file, so a name already taken becomes "name-1.ext", "name-2.ext", ... Finally
// the directory is fsync'ed, so the new name itself survives a crash: one fsync of the
// directory covers all the files published into it meanwhile (they share it, as issue 4
// asks), and publish() returns only after an fsync that began after its own link.
// Where O_TMPFILE is missing, the temporary is a hidden named file (".as2d-XXXXXX.part",
// O_EXCL) renamed with RENAME_NOREPLACE (link + unlink where the file system lacks that).
// A writer destroyed before publish() leaves nothing: an unnamed temporary vanishes with
// its descriptor, a named one is removed; nothing partial is ever visible under a final
// name, and a crash leaves at most named temporaries (removed at start).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <payload/core/error.h>
#include <payload/io/file.h>

namespace as2d {

inline constexpr std::string_view inbox_temp_prefix = ".as2d-";
inline constexpr std::string_view inbox_temp_suffix = ".part";

// A local file name from a partner-supplied one (Content-Disposition filename): only
// ASCII letters, digits, '.', '_', '-' and '+' are kept, anything else becomes '_';
// leading dots and dashes are dropped (no hidden files, no option-like names); at most
// 200 bytes, the extension kept. Empty or nothing left: `fallback` sanitized the same way.
[[nodiscard]] std::string sanitize_filename(std::string_view name, std::string_view fallback);

// "name.ext" -> "name-N.ext" (N >= 1): the names tried when `name` is taken.
[[nodiscard]] std::string numbered_name(const std::string& name, unsigned n);

// fsync of a directory, so that the entries made in it survive a crash. Errors: io.
[[nodiscard]] payload::Status fsync_directory(const std::filesystem::path& dir);

// Creates `dir` and its parents (mode 0750) if missing. Errors: io.
[[nodiscard]] payload::Status ensure_directory(const std::filesystem::path& dir);

// Removes temporaries a crash left in `dir`; returns how many. Never touches other files.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir) noexcept;

class InboxFile final {
public:
  // Errors: io (the directory is missing or not writable).
  [[nodiscard]] static payload::Result<InboxFile> create(const std::filesystem::path& dir);
  InboxFile(InboxFile&& other) noexcept;
  InboxFile& operator=(InboxFile&&) = delete;
  InboxFile(const InboxFile&) = delete;
  InboxFile& operator=(const InboxFile&) = delete;
  ~InboxFile();

  // Errors: io (disk full, ...).
  [[nodiscard]] payload::Status write(std::span<const char> bytes);
  // The temporary file, for writers that stream into it (the AS2 core writes a large
  // payload there directly).
  [[nodiscard]] payload::io::Output output() const { return payload::io::Output{m_fd.get(), m_temp}; }
  // Called with the name a publish is about to link and the temporary's device and inode,
  // before the link; a failure stops the publish (the store records the pending file
  // here, so that a crash right after the link can be undone: store.h, PendingFile).
  using BeforeLink = std::function<payload::Status(const std::filesystem::path& target, std::uint64_t device,
                                                   std::uint64_t inode)>;
  // fsync, link or rename to `name` (already sanitized) or the first free "name-N.ext",
  // fsync the directory (shared with concurrent publishers). Returns the final path.
  // Errors: io, or what `before_link` returned; then nothing is left behind.
  [[nodiscard]] payload::Result<std::filesystem::path> publish(std::string_view name, const BeforeLink& before_link = {});

private:
  InboxFile(std::filesystem::path dir, std::filesystem::path temp, payload::io::UniqueFd fd)
      : m_dir(std::move(dir)), m_temp(std::move(temp)), m_fd(std::move(fd)) {}
  std::filesystem::path m_dir;
  std::filesystem::path m_temp;  // empty for an unnamed (O_TMPFILE) temporary
  payload::io::UniqueFd m_fd;
  bool m_published = false;
};

// Removes a published file again and fsyncs its directory (the store could not record
// it, so the sender will retry). Errors: io.
[[nodiscard]] payload::Status unpublish(const std::filesystem::path& file);

}  // namespace as2d
