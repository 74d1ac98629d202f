// as2d receiving asynchronous MDNs.
#include "mdn_receipt.h"

#include <algorithm>
#include <cctype>

#include <payload/as2/http_message.h>
#include <payload/mdn/parse.h>
#include <payload/mime/content_type.h>

#include "file_moves.h"
#include "sender.h"

namespace as2d {

namespace mdn = payload::mdn;

namespace {

// The first part's header block is searched no further than this.
constexpr std::size_t first_part_scan = 16 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (lower(key) == name) return value;
  }
  return {};
}

HttpAnswer text(int status, const std::string& message) {
  HttpAnswer answer;
  answer.status = status;
  answer.headers.emplace_back("Content-Type", "text/plain; charset=us-ascii");
  answer.body = message + "\n";
  return answer;
}

}  // namespace

bool carries_mdn(const HeaderList& headers, std::string_view body) {
  const auto type = payload::mime::parse_content_type(header(headers, "content-type"));
  if (!type) return false;
  if (type->is("multipart/report")) return true;
  if (!type->is("multipart/signed")) return false;
  const auto boundary = type->parameter("boundary");
  if (!boundary || boundary->empty()) return false;
  const std::string head = lower(body.substr(0, first_part_scan));
  const auto start = head.find("--" + lower(*boundary));
  if (start == std::string::npos) return false;
  auto end = head.find("\r\n\r\n", start);
  if (end == std::string::npos) end = head.find("\n\n", start);
  const std::string_view block = std::string_view(head).substr(start, end == std::string::npos ? std::string::npos : end - start);
  const auto field = block.find("\ncontent-type:");
  if (field == std::string_view::npos) return false;
  auto value = block.substr(field + 14);
  value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
  return value.starts_with("multipart/report");
}

HttpAnswer receive_async_mdn(const ServerState& state, const Partner& partner, const HeaderList& headers, std::string body) {
  auto& audit = state.audit();
  OutboundStore* store = state.outbound_store();
  if (store == nullptr) return text(500, "this station does not record sent messages");
  const std::string wire = payload::as2::HttpMessage{headers, body}.wire();
  mdn::MdnParseOptions options;
  options.verify.allowed_digests = partner.config.allowed_digests;
  auto report = mdn::parse_mdn(headers, std::move(body), partner.certificates, options);
  if (!report) {
    audit.emit(Event::mdn_refused, {{"partner", partner.config.name}, {"reason", "not an MDN"}, {"error", report.error().message()}});
    return text(400, "not a readable MDN: " + report.error().message());
  }
  const auto& original = report->original_message_id;
  auto found = store->find(original);
  if (!found) {
    audit.emit(Event::store_failed, {{"partner", partner.config.name}, {"message_id", original}, {"error", found.error().message()}});
    return text(500, "the message store is unavailable; please retry");
  }
  if (!*found || (*found)->partner != partner.config.name) {
    audit.emit(Event::mdn_refused,
               {{"partner", partner.config.name}, {"message_id", original}, {"reason", "no message sent to this partner has this Message-ID"}});
    return text(400, "no message with Message-ID " + original + " was sent to " + partner.config.as2_id);
  }
  OutboundRecord record = **found;
  auto mic = mdn::parse_mic(record.mic);
  ReceiptVerdict verdict;
  if (!mic) {
    verdict = {SendState::bad_mdn, "the recorded MIC is unreadable: " + mic.error().message()};
  } else {
    verdict = judge_receipt(*report, record.message_id, *mic, !partner.config.mdn_sign.empty());
  }
  // A receipt that came before cannot be replaced by a later one that does not check out
  // (a replay or forgery must not turn "processed" into something else).
  if (record.state == SendState::processed && verdict.state != SendState::processed) {
    audit.emit(Event::mdn_refused, {{"partner", partner.config.name}, {"message_id", original}, {"reason", verdict.error}});
    return text(400, "the message already has a valid receipt; this one does not check out: " + verdict.error);
  }
  record.state = verdict.state;
  record.error = verdict.error;
  record.disposition = report->disposition.to_string();
  record.mdn = wire;
  if (auto saved = store->save(record); !saved) {
    audit.emit(Event::store_failed, {{"partner", partner.config.name}, {"message_id", original}, {"error", saved.error().message()}});
    return text(500, "the message store is unavailable; please retry");
  }
  // An outbox file already in sent/ gets its receipt beside it.
  const std::filesystem::path file(record.file);
  if (record.origin == "outbox" && file.parent_path().filename() == "sent")
    (void)write_beside(file.parent_path(), file.filename().string() + ".mdn", wire);
  audit.emit(Event::mdn_received, {{"partner", partner.config.name},
                                   {"message_id", original},
                                   {"disposition", record.disposition},
                                   {"state", std::string(send_state_name(record.state))},
                                   {"signed", report->is_signed()},
                                   {"error", record.error}});
  return text(200, "MDN received");
}

}  // namespace as2d
