// Sending one AS2 message to a partner (RFC 4130 7; i05 7, 8): pack the file with the
// partner's policy, record it, POST it, and judge the answer: the synchronous MDN is
// verified (signature with the partner's certificates, MIC against the one recorded
// when packing, Original-Message-ID); an asynchronous one is awaited. Shared by
// `payload as2 send` and as2d.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <payload/core/error.h>
#include <payload/mdn/parse.h>

#include "config.h"
#include "config_loader.h"
#include "outbound_store.h"
#include "partners.h"
#include "station_keys.h"

namespace as2d {

struct SendContext {
  const StationConfig& station;
  const StationKeys& keys;  // the first identity signs
  const Partner& partner;
  OutboundStore& store;
  Environment environment = process_environment();  // for the proxy variables
};

struct SendOptions {
  // Resend under this Message-ID (brackets included) instead of a new one: a retry of a
  // message that may have arrived must not become a second message (i05 5.5).
  std::string message_id;
  std::string subject;  // empty: "AS2 message <filename>"
  // The Content-Disposition filename; empty: the file's own name.
  std::string filename;
  // How much of the message went out (for a progress bar); may be empty.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct SendOutcome {
  OutboundRecord record;            // as saved in the store
  std::optional<payload::mdn::MdnReport> mdn;  // the synchronous MDN, when one was parsed
};

// Errors (nothing sent, nothing recorded): usage (the policy cannot be packed: no
// url, a certificate, a filename that fails check_filename), io (the file, the store),
// and the errors of as2::pack_file. Every outcome of the exchange itself, transport
// failures included, is a SendOutcome whose record.state says what happened.
// With options.message_id naming a row of the store, that row is carried on (its origin,
// filename, creation time and attempt count).
[[nodiscard]] payload::Result<SendOutcome> send_file(const SendContext& context, const std::filesystem::path& file,
                                                     const SendOptions& options = {});

// What an authentic-or-not receipt means for the message it answers: processed, negative,
// mic_mismatch or bad_mdn, with the reason for anything but processed. `require_signature`
// when we asked for a signed receipt.
struct ReceiptVerdict {
  SendState state = SendState::bad_mdn;
  std::string error;
};
[[nodiscard]] ReceiptVerdict judge_receipt(const payload::mdn::MdnReport& report, const std::string& message_id,
                                           const payload::mdn::Mic& mic, bool require_signature);

// The partner's certificate we encrypt to: the first one valid now (rollover: list the
// new one first once the partner has switched). Errors: usage when none is valid.
[[nodiscard]] payload::Result<payload::cms::Certificate> encryption_certificate(const Partner& partner);

}  // namespace as2d
