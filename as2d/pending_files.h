// as2d start-up: undoing the inbox files of messages that were never acknowledged.
//
// A payload is linked into the inbox before its row is committed (durability before
// acknowledgement), so a crash in between leaves a file whose sender got no MDN and will
// send the message again: kept, it would be stored twice. The store records each file
// before its link (store.h, PendingFile) and forgets it with the message's row; what is
// still recorded at the next start is removed here, before any request is served.
#pragma once

#include <cstddef>

#include <payload/core/error.h>

namespace as2d {

class AuditLog;
class MessageStore;

// Removes the files of pending entries that are still ours (same device and inode; a file
// that took the name since is left alone), fsyncs their directories and forgets the
// entries. Returns how many files were removed. Errors: io (a file that cannot be
// removed: serving then would store its message twice).
[[nodiscard]] payload::Result<std::size_t> recover_pending_files(MessageStore& store, AuditLog& audit);

}  // namespace as2d
