// The sending side's records (issue: "records every sent message in the same store as
// as2d"): table `outbound` in data_dir/as2d.sqlite, one row per message we send, keyed by
// its Message-ID (without brackets). The row is written before the message goes out, so
// a crash between sending and recording can only lead to a resend under the same
// Message-ID, never to a second message (i05 5.5: the receiver replays its MDN).
//
// Used by `payload as2 send` / `payload as2 status` and by as2d (async MDNs, outbox),
// each process with its own SQLite connection (WAL: readers and one writer at a time).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/core/error.h>

namespace Poco::Data {
class Session;
}

namespace as2d {

// Where a sent message stands (docs/as2.md, "Sending").
enum class SendState {
  queued,            // taken from an outbox, not sent yet
  sending,           // recorded, the POST not answered yet (or the sender crashed)
  transport_failed,  // no HTTP answer: connection, TLS, timeout
  http_error,        // an HTTP answer other than 2xx and no MDN
  awaiting_mdn,      // accepted (2xx); the asynchronous MDN has not come yet
  delivered,         // accepted (2xx); no MDN was asked for
  processed,         // the MDN says processed and its signature and MIC check out
  negative,          // an authentic MDN with a negative disposition
  mic_mismatch,      // the MDN's Received-Content-MIC is not the MIC we recorded
  bad_mdn,           // the MDN's signature does not verify, or it is no MDN for this message
  given_up,          // outbox: the retries were spent (send_give_up) or the file vanished
};

[[nodiscard]] std::string_view send_state_name(SendState state) noexcept;
[[nodiscard]] std::optional<SendState> parse_send_state(std::string_view name) noexcept;
// Whether nothing more will happen to the message without a new attempt.
[[nodiscard]] bool is_final(SendState state) noexcept;

struct OutboundRecord {
  std::string message_id;  // as sent, brackets included
  std::string partner;     // [partner.NAME]
  std::string file;        // the payload file as given
  std::uint64_t size = 0;  // bytes of the payload
  std::string mic;         // "BASE64, sha-256": what the receipt must return
  std::string mdn_mode;    // sync, async or none
  std::string created_at;  // RFC 3339 UTC: when recorded
  std::string sent_at;     // when the last attempt's answer came; empty before
  int attempts = 0;
  int http_status = 0;     // of the last attempt; 0 without an answer
  SendState state = SendState::sending;
  std::string disposition;         // of the MDN, when one came
  std::optional<std::string> mdn;  // the MDN exactly as received (header lines, empty line, body)
  std::string error;               // why the state is not a success
  std::string filename;            // the Content-Disposition filename sent; empty: the file's own
  std::string origin = "command";  // "command" (payload as2 send) or "outbox" (as2d)
  std::int64_t next_attempt_at = 0;  // outbox: Unix seconds of the next attempt
};

class OutboundStore final {
public:
  // Creates or opens data_dir/as2d.sqlite and the table. Errors: io.
  [[nodiscard]] static payload::Result<std::unique_ptr<OutboundStore>> open(const std::filesystem::path& file);
  ~OutboundStore();
  OutboundStore(const OutboundStore&) = delete;
  OutboundStore& operator=(const OutboundStore&) = delete;

  // Inserts or replaces the row of record.message_id. Errors: io.
  [[nodiscard]] payload::Status save(const OutboundRecord& record);
  // Saves the outcome of a POST. An asynchronous MDN can arrive (through as2d, another
  // process) before the sender has recorded the 2xx that precedes it: when the row
  // already holds a receipt and `record` only says awaiting_mdn, the receipt's fields
  // (state, disposition, MDN, error) are kept. Atomic across processes (BEGIN IMMEDIATE).
  // Returns the row as saved. Errors: io.
  [[nodiscard]] payload::Result<OutboundRecord> save_answer(OutboundRecord record);
  // The row for this Message-ID (brackets ignored). Errors: io.
  [[nodiscard]] payload::Result<std::optional<OutboundRecord>> find(std::string_view message_id);
  // Outbox rows of this partner still to be sent (queued, sending, transport_failed,
  // http_error with a 5xx status), due at `now`, oldest first, at most `limit`. Errors: io.
  [[nodiscard]] payload::Result<std::vector<OutboundRecord>> due_outbox(const std::string& partner, std::int64_t now,
                                                                        int limit);
  // The row that names `file` (a claimed outbox file has one). Errors: io.
  [[nodiscard]] payload::Result<std::optional<OutboundRecord>> find_by_file(const std::string& file);

private:
  explicit OutboundStore(std::unique_ptr<Poco::Data::Session> session);
  [[nodiscard]] payload::Status save_locked(const OutboundRecord& record);
  std::unique_ptr<Poco::Data::Session> m_session;
  std::mutex m_mutex;
};

}  // namespace as2d
