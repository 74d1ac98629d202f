// as2d message store: one SQLite database (Poco::Data::SQLite) in data_dir/as2d.sqlite
// recording every message, the disposition it got and the exact MDN sent, so that a
// repeated Message-ID is answered from here instead of being processed again (i05 5.5).
//
// Table `messages` (docs/as2d.md): one row per (partner, direction, Message-ID without
// its brackets, i05 5.3.3). A row with status "processed" is final; a "failed" row is
// replaced when the message comes again and is processed anew.
//
// Durability: WAL journal, synchronous=FULL (a commit is on disk when record() returns).
// Rows recorded concurrently share their commit (group_commit.h): the rows that arrive
// while one transaction commits are written together in the next one, one WAL sync for
// all of them. Thread-safe: one writing connection behind a mutex, and one for find()
// behind another (it reads committed rows only, and does not wait for a commit's sync);
// the per-message statements are prepared once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <payload/core/error.h>

#include "group_commit.h"

namespace Poco::Data {
class Session;
}

namespace as2d {

inline constexpr std::string_view status_processed = "processed";
inline constexpr std::string_view status_failed = "failed";

struct MessageRecord {
  std::string message_id;          // as received, brackets included when sent
  std::string partner;             // partner name ([partner.NAME])
  std::string direction = "in";    // "in" (received) or "out" (sent)
  std::string received_at;         // RFC 3339, UTC
  std::uint64_t size = 0;          // bytes of the HTTP body
  std::string algorithms;          // e.g. "encrypted=aes-256-cbc,rsa-pkcs1v15 signed=sha-256,rsa-pkcs1v15"
  std::string mic;                 // "BASE64, sha-256"; empty when none
  std::string disposition;         // the Disposition field sent; empty when no MDN
  std::optional<std::string> mdn;  // the MDN exactly as sent: header lines, empty line, body
  std::string file_path;           // where the payload was stored; empty when not
  std::string status;              // status_processed or status_failed
  std::string error;               // why it failed; empty when processed
  int attempts = 1;                // how often the message was processed (failed ones come again)
};

// A payload about to be linked into an inbox (table `inbox_pending`), committed before the
// link: when as2d stops between the link and the commit of the message's row, the file is
// in the inbox but the message was never acknowledged, and its sender's retry would store
// it a second time. The next start removes such files (recover_pending_files in
// pending_files.h); the row of the message removes its entries in the same transaction.
// The device and inode tell our file from another one that took the name meanwhile.
struct PendingFile {
  std::string partner;
  std::string message_id;  // read back from the store: its message_key, without angle brackets
  std::string path;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
};

inline constexpr std::string_view delivery_pending = "pending";
inline constexpr std::string_view delivery_delivered = "delivered";
inline constexpr std::string_view delivery_given_up = "given_up";

// One asynchronous MDN to deliver (table `mdn_queue`), kept until delivered or given up,
// so that a restart of the daemon loses none.
struct MdnDelivery {
  std::int64_t id = 0;
  std::string partner;
  std::string message_id;       // of the message the MDN answers
  std::string url;              // the Receipt-Delivery-Option
  std::string mdn;              // header lines, empty line, body (as in MessageRecord::mdn)
  std::int64_t created_at = 0;  // Unix seconds
  std::int64_t next_attempt_at = 0;
  int attempts = 0;
  std::string last_error;
  std::string status;  // delivery_pending, delivery_delivered, delivery_given_up
};

class MessageStore final {
public:
  // Creates or opens the database (and its table). Errors: io.
  [[nodiscard]] static payload::Result<std::unique_ptr<MessageStore>> open(const std::filesystem::path& file);
  ~MessageStore();
  MessageStore(const MessageStore&) = delete;
  MessageStore& operator=(const MessageStore&) = delete;

  // The row for this partner, direction and Message-ID (brackets ignored). Errors: io.
  [[nodiscard]] payload::Result<std::optional<MessageRecord>> find(const std::string& partner,
                                                                   const std::string& direction,
                                                                   const std::string& message_id);
  // Inserts the row, or replaces a failed one (attempts + 1). A processed row is never
  // replaced: then Errc::usage. Returns once the row is committed (durable), possibly in
  // one transaction with rows other threads recorded meanwhile. Errors: io.
  // Also forgets the message's pending files (a processed row makes its file final).
  [[nodiscard]] payload::Status record(const MessageRecord& record);

  // Records a file about to be linked (shares commits as record() does). On return it
  // survives the process; a round of pending files alone is not fsync'ed, the next row's
  // commit syncs it (store.cpp, commit_rows). Errors: io.
  [[nodiscard]] payload::Status add_pending_file(const PendingFile& file);
  // The pending files whose message was not recorded (as2d stopped in between). Errors: io.
  [[nodiscard]] payload::Result<std::vector<PendingFile>> pending_files();
  // Forgets one pending file (its path), once it was dealt with. Errors: io.
  [[nodiscard]] payload::Status forget_pending_file(const std::string& path);

  // Queues an asynchronous MDN (status pending, due now). Returns its id. Errors: io.
  [[nodiscard]] payload::Result<std::int64_t> enqueue_mdn(const MdnDelivery& delivery);
  // Pending deliveries due at `now`, oldest first, at most `limit`. Errors: io.
  [[nodiscard]] payload::Result<std::vector<MdnDelivery>> due_mdns(std::int64_t now, int limit);
  // When the next pending delivery is due; nullopt when none is pending. Errors: io.
  [[nodiscard]] payload::Result<std::optional<std::int64_t>> next_mdn_due();
  // Records an attempt: delivered, failed (retry at next_attempt_at) or given up. Errors: io.
  [[nodiscard]] payload::Status update_mdn(std::int64_t id, std::string_view status, int attempts,
                                           const std::string& error, std::int64_t next_attempt_at);
  // Every delivery queued for this message, oldest first. Errors: io.
  [[nodiscard]] payload::Result<std::vector<MdnDelivery>> mdn_deliveries(const std::string& partner,
                                                                         const std::string& message_id);

  // The key rows are unique by: the Message-ID without one pair of enclosing brackets.
  [[nodiscard]] static std::string message_key(std::string_view message_id);

  // How many transactions record() has committed (rows share them under load).
  [[nodiscard]] std::size_t record_commits() const;

private:
  struct Prepared;
  struct Reader;  // find()'s connection
  static payload::Result<std::unique_ptr<Reader>> open_reader(const std::filesystem::path& file);
  explicit MessageStore(std::unique_ptr<Poco::Data::Session> session);
  // What one round commits: a message row, or a pending file.
  struct Write {
    const MessageRecord* record = nullptr;
    const PendingFile* pending = nullptr;
  };
  // One transaction for a round of writes: results[i] for writes[i].
  void commit_rows(const std::vector<const Write*>& writes, std::vector<payload::Status>& results);
  payload::Status write_row(const MessageRecord& row);
  payload::Status write_pending(const PendingFile& file);

  std::unique_ptr<Poco::Data::Session> m_session;
  std::mutex m_mutex;  // the connection
  std::unique_ptr<Prepared> m_prepared;  // destroyed before the session
  std::unique_ptr<GroupCommit<const Write>> m_commits;
  std::mutex m_read_mutex;  // find()'s connection
  std::unique_ptr<Reader> m_reader;
};

}  // namespace as2d
