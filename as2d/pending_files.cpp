// as2d start-up: undoing the inbox files of messages that were never acknowledged.
#include "pending_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <payload/io/file.h>

#include "audit.h"
#include "inbox.h"
#include "store.h"

namespace as2d {

payload::Result<std::size_t> recover_pending_files(MessageStore& store, AuditLog& audit) {
  auto pending = store.pending_files();
  if (!pending) return payload::fail(pending.error());
  std::size_t removed = 0;
  for (const auto& file : *pending) {
    struct stat st {};
    const bool ours = ::lstat(file.path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == file.device &&
                      static_cast<std::uint64_t>(st.st_ino) == file.inode;
    if (ours) {
      if (::unlink(file.path.c_str()) != 0 && errno != ENOENT)
        return payload::fail(payload::io::errno_error(file.path + ": removing a file whose message was never acknowledged", errno));
      if (auto synced = fsync_directory(std::filesystem::path(file.path).parent_path()); !synced)
        return payload::fail(synced.error());
      ++removed;
      audit.emit(Event::unacknowledged_file_removed,
                 {{"partner", file.partner}, {"message_id", file.message_id}, {"path", file.path}});
    }
    if (auto forgotten = store.forget_pending_file(file.path); !forgotten) return payload::fail(forgotten.error());
  }
  return removed;
}

}  // namespace as2d
