// as2d receiving: the steps from an AS2 request to its answer.
#include "receiver.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include <payload/as2/as2_name.h>
#include <payload/as2/headers.h>
#include <payload/as2/message_id.h>
#include <payload/as2/outcome.h>
#include <payload/as2/unpack.h>
#include <payload/mdn/build.h>
#include <payload/mdn/disposition.h>
#include <payload/mdn/notification_options.h>

#include "basic_auth.h"
#include "inbox.h"
#include "mdn_receipt.h"
#include "utc_time.h"

namespace as2d {

namespace as2 = payload::as2;
namespace cms = payload::cms;
namespace mdn = payload::mdn;

namespace {

constexpr std::string_view direction_in = "in";

// What the receiver reads from the request headers before the body.
struct RequestFields {
  std::string from_raw, to_raw;          // as written, for echoing
  std::optional<std::string> from, to;   // unquoted, when well formed
  std::string message_id;                // as written (trimmed), "" when absent
  bool mdn_requested = false;            // Disposition-Notification-To present (i05 8.3)
  std::optional<std::string> options;    // Disposition-Notification-Options
  std::optional<std::string> async_url;  // Receipt-Delivery-Option (i05 8.3)
  std::optional<Secret> authorization;  // wiped with the fields
};

std::string trimmed(std::string value) {
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = value.find_last_not_of(" \t");
  return value.substr(first, last - first + 1);
}

RequestFields read_fields(const HeaderList& headers) {
  RequestFields fields;
  if (auto from = as2::find_field(headers, "AS2-From")) {
    fields.from_raw = trimmed(*from);
    if (auto parsed = as2::parse_as2_name(*from)) fields.from = *parsed;
  }
  if (auto to = as2::find_field(headers, "AS2-To")) {
    fields.to_raw = trimmed(*to);
    if (auto parsed = as2::parse_as2_name(*to)) fields.to = *parsed;
  }
  if (auto id = as2::find_field(headers, "Message-ID")) fields.message_id = trimmed(*id);
  fields.mdn_requested = as2::find_field(headers, "Disposition-Notification-To").has_value();
  fields.options = as2::find_field(headers, "Disposition-Notification-Options");
  fields.async_url = as2::find_field(headers, "Receipt-Delivery-Option");
  if (auto authorization = as2::find_field(headers, "Authorization")) fields.authorization.emplace(std::move(*authorization));
  return fields;
}

HttpAnswer text_answer(int status, const std::string& text, bool close) {
  HttpAnswer answer;
  answer.status = status;
  answer.headers.emplace_back("Content-Type", "text/plain; charset=us-ascii");
  answer.body = text + "\n";
  answer.close = close;
  return answer;
}

// The MDN as stored and replayed: header lines, an empty line, the body.
std::string mdn_wire(const mdn::BuiltMdn& built) {
  std::string wire;
  for (const auto& [name, value] : built.headers()) wire += name + ": " + value + "\r\n";
  return wire + "\r\n" + built.body;
}

HttpAnswer mdn_answer(const mdn::BuiltMdn& built) {
  HttpAnswer answer;
  answer.headers = built.headers();
  answer.body = built.body;
  return answer;
}

// A stored MDN back into an answer, byte for byte.
std::optional<HttpAnswer> replay_answer(const std::string& wire) {
  const auto end = wire.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  HttpAnswer answer;
  std::size_t at = 0;
  while (at < end) {
    const auto eol = wire.find("\r\n", at);
    const auto line = std::string_view(wire).substr(at, eol - at);
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos) return std::nullopt;
    answer.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    at = eol + 2;
  }
  answer.body = wire.substr(end + 4);
  return answer;
}

// How to answer the receipt request: unpack's decision when it got that far, else the
// same decision made here (a request whose options do not parse counts as no request for
// a signature, i05 8.3.1).
mdn::ReceiptSigning receipt_decision(const std::optional<mdn::ReceiptSigning>& from_unpack, const RequestFields& fields,
                                     const mdn::ReceiptPolicy& policy) {
  if (from_unpack) return *from_unpack;
  if (fields.options) {
    if (auto parsed = mdn::parse_notification_options(*fields.options))
      return mdn::select_receipt_signing(&*parsed, policy);
  }
  return mdn::select_receipt_signing(nullptr, policy);
}

mdn::ReceiptPolicy receipt_policy(const PartnerConfig& partner) {
  mdn::ReceiptPolicy policy;
  // "Signed with the first digest the partner listed that policy allows": the partner's
  // allowed digests are the only ones we sign their receipts with.
  policy.supported_micalgs = partner.allowed_digests;
  return policy;
}

std::string algorithms(const as2::Report& report) {
  std::string out;
  auto add = [&](const std::string& item) { out += (out.empty() ? "" : " ") + item; };
  if (report.encryption)
    add("encrypted=" + std::string(cms::name(report.encryption->cms.cipher)) + "/" +
        std::string(cms::name(report.encryption->cms.key_transport)));
  if (report.signature)
    add("signed=" + std::string(cms::micalg(report.signature->signer.digest)) + "/" +
        std::string(cms::name(report.signature->signer.scheme)));
  if (report.compression) {
    switch (report.compression->order) {
      case as2::CompressionOrder::before_signing: add("compressed=before-signing"); break;
      case as2::CompressionOrder::after_signing: add("compressed=after-signing"); break;
      case as2::CompressionOrder::unsigned_: add("compressed=unsigned"); break;
    }
  }
  return out.empty() ? "plain" : out;
}

}  // namespace

namespace {

// The work on one message once its partner is known: kept apart from Receiver so that
// every exit path records and logs the same way.
class Exchange final {
public:
  Exchange(const ServerState& state, const Partner& partner, const RequestFields& fields, std::uint64_t size)
      : m_state(state), m_partner(partner), m_fields(fields), m_size(size),
        m_async(fields.mdn_requested && fields.async_url.has_value()) {}

  HttpAnswer process(const HeaderList& headers, SpooledBody& body);
  HttpAnswer replay(const MessageRecord& previous);

private:
  // Builds the MDN; signed when the request asked for it and could be honoured.
  payload::Result<mdn::BuiltMdn> build(const mdn::Disposition& disposition, const std::optional<mdn::Mic>& mic,
                                       const mdn::ReceiptSigning& receipt, const std::string& explanation) const;
  HttpAnswer fail(const as2::Report& report, const mdn::Disposition& disposition, const std::string& error);
  HttpAnswer internal_failure(const std::string& error);
  // The answer that carries an MDN: in the HTTP response (sync), or queued for its own
  // POST with HTTP 204 now (async, i05 8.2).
  HttpAnswer answer_with(const std::string& wire, const std::string& disposition);
  void log_report(const as2::Report& report) const;
  MessageRecord record(const as2::Report& report) const;

  const ServerState& m_state;
  const Partner& m_partner;
  const RequestFields& m_fields;
  std::uint64_t m_size;
  bool m_async;
  mdn::ReceiptSigning m_receipt;
};

HttpAnswer Exchange::answer_with(const std::string& wire, const std::string& disposition) {
  if (!m_async) {
    auto answer = replay_answer(wire);
    if (!answer) return text_answer(500, "the MDN could not be written", false);
    return *answer;
  }
  MdnDelivery delivery;
  delivery.partner = m_partner.config.name;
  delivery.message_id = m_fields.message_id;
  delivery.url = *m_fields.async_url;
  delivery.mdn = wire;
  delivery.created_at =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (auto queued = m_state.store().enqueue_mdn(delivery); !queued) {
    // The message itself is recorded: a retry of it is a duplicate, whose MDN is queued then.
    m_state.audit().emit(Event::store_failed, {{"partner", m_partner.config.name},
                                               {"message_id", m_fields.message_id},
                                               {"error", queued.error().message()}});
    return text_answer(500, "the asynchronous MDN could not be queued; please retry", false);
  }
  m_state.audit().emit(Event::async_mdn_queued, {{"partner", m_partner.config.name},
                                                 {"message_id", m_fields.message_id},
                                                 {"url", delivery.url},
                                                 {"disposition", disposition}});
  m_state.wake_mdn_sender();
  HttpAnswer answer;
  answer.status = 204;  // i05 5.4, 8.2: 204 preferred
  return answer;
}

payload::Result<mdn::BuiltMdn> Exchange::build(const mdn::Disposition& disposition, const std::optional<mdn::Mic>& mic,
                                               const mdn::ReceiptSigning& receipt,
                                               const std::string& explanation) const {
  mdn::MdnContent content;
  content.disposition = disposition;
  content.mic = mic;
  content.explanation = explanation;
  content.reporting_ua = "as2d";
  mdn::MdnOptions options;
  // A request that cannot be honoured gets an unsigned failed/failure (4130 7.5.3).
  if (receipt.sign && !receipt.failure) {
    cms::SignOptions sign;
    sign.digest = receipt.mic_algorithm;
    // Only digests the partner's section lists get here; listing MD5/SHA-1 is the opt-in.
    sign.allow_legacy_digest = cms::is_legacy(receipt.mic_algorithm);
    options.signing = mdn::MdnSigning{m_state.keys().identities.front(), sign};
  }
  return mdn::build_mdn(mdn::MdnRequest{m_fields.message_id, m_fields.from_raw, m_fields.to_raw}, content, options);
}

void Exchange::log_report(const as2::Report& report) const {
  auto& audit = m_state.audit();
  if (report.encryption)
    audit.emit(Event::message_decrypted, {{"partner", m_partner.config.name},
                                          {"message_id", m_fields.message_id},
                                          {"cipher", cms::name(report.encryption->cms.cipher)},
                                          {"key_transport", cms::name(report.encryption->cms.key_transport)},
                                          {"recipient", report.encryption->cms.recipient_subject}});
  if (report.signature)
    audit.emit(Event::signature_verified, {{"partner", m_partner.config.name},
                                           {"message_id", m_fields.message_id},
                                           {"signer", report.signature->signer.subject},
                                           {"serial", report.signature->signer.serial},
                                           {"digest", cms::micalg(report.signature->signer.digest)}});
}

MessageRecord Exchange::record(const as2::Report& report) const {
  MessageRecord row;
  row.message_id = m_fields.message_id;
  row.partner = m_partner.config.name;
  row.direction = std::string(direction_in);
  row.received_at = utc_now();
  row.size = m_size;
  row.algorithms = algorithms(report);
  return row;
}

HttpAnswer Exchange::internal_failure(const std::string& error) {
  m_state.audit().emit(Event::store_failed,
                       {{"partner", m_partner.config.name}, {"message_id", m_fields.message_id}, {"error", error}});
  return text_answer(500, "the message could not be recorded; please retry", true);
}

// Every failure ends here: an error MDN (or HTTP 400 when none was requested), a "failed"
// row, no file.
HttpAnswer Exchange::fail(const as2::Report& report, const mdn::Disposition& disposition, const std::string& error) {
  auto& audit = m_state.audit();
  auto row = record(report);
  row.status = std::string(status_failed);
  row.error = error;
  row.disposition = disposition.to_string();
  if (m_fields.mdn_requested) {
    auto built = build(disposition, std::nullopt, m_receipt, "");
    if (built)
      row.mdn = mdn_wire(*built);
    else
      row.error += "; no MDN: " + built.error().message();
  }
  audit.emit(Event::message_failed, {{"partner", m_partner.config.name},
                                     {"message_id", m_fields.message_id},
                                     {"disposition", row.disposition},
                                     {"error", row.error}});
  // A row that cannot be written loses nothing here: no file was stored, and a failed
  // message is processed again when it comes again.
  if (auto stored = m_state.store().record(row); !stored)
    audit.emit(Event::store_failed,
               {{"partner", m_partner.config.name}, {"message_id", m_fields.message_id}, {"error", stored.error().message()}});
  if (!row.mdn) return text_answer(400, "not processed: " + row.disposition + " (" + error + ")", false);
  if (!m_async)
    audit.emit(Event::mdn_sent, {{"partner", m_partner.config.name},
                                 {"message_id", m_fields.message_id},
                                 {"disposition", row.disposition},
                                 {"signed", m_receipt.sign && !m_receipt.failure}});
  return answer_with(*row.mdn, row.disposition);
}

HttpAnswer Exchange::replay(const MessageRecord& previous) {
  m_state.audit().emit(Event::duplicate_replayed, {{"partner", m_partner.config.name},
                                                   {"message_id", m_fields.message_id},
                                                   {"first_received_at", previous.received_at}});
  if (!previous.mdn) return HttpAnswer{};  // no MDN was asked for the first time either
  return answer_with(*previous.mdn, previous.disposition);
}

// What unpacking a body gives: the result and, when it succeeded, the inbox temporary
// file holding the payload or why there is none.
struct UnpackedBody {
  as2::UnpackToFileResult result;
  std::optional<InboxFile> file;
  std::string file_error;
};

// A body in memory is unpacked there and its payload written to a new inbox file; a body
// in a spool file is unpacked from that file with the payload written straight into the
// inbox file, so neither the message nor the payload is ever in memory whole.
UnpackedBody unpack_body(const HeaderList& headers, SpooledBody& body, const as2::UnpackOptions& options,
                         const std::filesystem::path& inbox) {
  UnpackedBody unpacked;
  const auto open_file = [&] {
    auto file = InboxFile::create(inbox);
    if (file) unpacked.file.emplace(std::move(*file));
    else unpacked.file_error = file.error().message();
  };
  if (!body.in_file()) {
    auto result = as2::unpack(headers, body.take_bytes(), options);
    if (!result) {
      unpacked.result = tl::unexpected(std::move(result.error()));
      return unpacked;
    }
    unpacked.result = as2::UnpackedToFile{std::move(result->report), result->payload.size()};
    open_file();  // only now: a failed message costs no file
    if (unpacked.file) {
      if (auto written = unpacked.file->write(result->payload); !written) {
        unpacked.file.reset();
        unpacked.file_error = written.error().message();
      }
    }
    return unpacked;
  }
  open_file();
  if (!unpacked.file) {
    unpacked.result = tl::unexpected(as2::UnpackFailure{as2::Outcome::unexpected_processing_error,
                                                        payload::Error(payload::Errc::io, unpacked.file_error), {}});
    return unpacked;
  }
  unpacked.result = as2::unpack(headers, body.file(), 0, unpacked.file->output(), options);
  return unpacked;
}

HttpAnswer Exchange::process(const HeaderList& headers, SpooledBody& body) {
  const auto& config = m_partner.config;
  const auto& station = m_state.station();
  as2::UnpackOptions options;
  options.identities = m_state.keys().identities;
  options.partner_certificates = m_partner.certificates;
  options.verify.allowed_digests = config.allowed_digests;
  options.decrypt.allowed_ciphers = config.allowed_ciphers;
  // Decompressed content goes to a spool file in $TMPDIR when large: bounded relative to
  // the body limit (the default 64 MiB allows 512 MiB), not by the library's 1 GiB default,
  // so a station that accepts 1 GiB bodies accepts them compressed too.
  options.decompress.max_output = 8 * station.limits.max_body_size;
  options.require_signed = config.require_signed;
  options.require_encrypted = config.require_encrypted;
  options.our_id = station.as2_id;
  options.partner_id = config.as2_id;
  options.receipt_policy = receipt_policy(config);

  auto unpacked = unpack_body(headers, body, options, config.inbox);
  auto& result = unpacked.result;
  const as2::Report& report = result ? result->report : result.error().report;
  log_report(report);
  m_receipt = receipt_decision(report.receipt, m_fields, options.receipt_policy);
  if (!result) {
    const auto& failure = result.error();
    return fail(report, mdn::processed_error(as2::disposition_modifier(failure.outcome)), failure.error.message());
  }
  // The receipt request itself cannot be honoured (a required protocol or micalg we do
  // not support): answer failed/failure and keep nothing (4130 7.5.3, i05 8.5.3).
  if (m_fields.mdn_requested && m_receipt.failure)
    return fail(report, *m_receipt.failure, "the MDN request cannot be honoured");

  // Durability before acknowledgement: the file is fsync'ed and renamed, and its
  // directory fsync'ed, before any "processed" exists.
  const auto name = sanitize_filename(report.filename.value_or(""), MessageStore::message_key(m_fields.message_id));
  auto& file = unpacked.file;
  if (!file) return fail(report, mdn::processed_error(mdn::reason::unexpected_processing_error), unpacked.file_error);
  bool store_unavailable = false;
  auto path = file->publish(name, [&](const std::filesystem::path& target, std::uint64_t device, std::uint64_t inode) {
    auto pending = m_state.store().add_pending_file(PendingFile{config.name, m_fields.message_id, target.string(), device, inode});
    store_unavailable = !pending;
    return pending;
  });
  // The store failing (locked, full) is transient: HTTP 500, and the sender retries; a
  // file that cannot be written is this message's error.
  if (!path && store_unavailable) return internal_failure(path.error().message());
  if (!path) return fail(report, mdn::processed_error(mdn::reason::unexpected_processing_error), path.error().message());
  m_state.audit().emit(Event::payload_stored, {{"partner", config.name},
                                               {"message_id", m_fields.message_id},
                                               {"path", path->string()},
                                               {"bytes", result->payload_size}});

  auto row = record(report);
  row.status = std::string(status_processed);
  row.file_path = path->string();
  if (report.mic) row.mic = report.mic->to_string();
  std::optional<mdn::BuiltMdn> built;
  if (m_fields.mdn_requested) {
    auto mdn = build(mdn::processed(), report.mic, m_receipt, "");
    if (!mdn) {
      (void)unpublish(*path);
      return internal_failure("building the MDN: " + mdn.error().message());
    }
    built = std::move(*mdn);
    row.disposition = mdn::processed().to_string();
    row.mdn = mdn_wire(*built);
  }
  if (auto stored = m_state.store().record(row); !stored) {
    // Without its row the message would be processed again on retry: take the file back,
    // so the retry finds a clean slate, and let the sender retry (HTTP 500).
    (void)unpublish(*path);
    return internal_failure(stored.error().message());
  }
  if (!built) return HttpAnswer{};
  if (!m_async)
    m_state.audit().emit(Event::mdn_sent, {{"partner", config.name},
                                           {"message_id", m_fields.message_id},
                                           {"disposition", row.disposition},
                                           {"signed", m_receipt.sign},
                                           {"micalg", m_receipt.sign ? cms::micalg(m_receipt.mic_algorithm) : ""}});
  return answer_with(*row.mdn, row.disposition);
}

}  // namespace

HttpAnswer Receiver::receive(const HeaderList& headers, RequestBody& body) {
  auto& audit = m_state.audit();
  const auto& station = m_state.station();
  const auto fields = read_fields(headers);

  // 1. Who sends, to whom (RFC 4130 6.2, i05 6.3).
  if (!fields.from || !fields.to) {
    const auto reason = std::string(fields.from_raw.empty() && fields.to_raw.empty() ? "AS2-From and AS2-To are missing"
                                                                                       : "AS2-From or AS2-To is missing or malformed");
    audit.emit(Event::request_rejected, {{"status", 400}, {"reason", reason}});
    const bool drained = body.drain();
    return text_answer(400, reason, !drained);
  }
  const auto partners = m_state.partners();
  const Partner* partner = partners->find(*fields.from);
  if (partner == nullptr || *fields.to != station.as2_id) {
    audit.emit(Event::partner_unknown, {{"from", *fields.from}, {"to", *fields.to}, {"message_id", fields.message_id}});
    const bool drained = body.drain();
    // i05 6.3: unknown-trading-relationship; the MDN is optional and MAY be unsigned.
    // Unsigned it is: we have no agreement on how to sign for a stranger.
    // No MDN asked for, or an asynchronous one we will not POST for a stranger: HTTP says it.
    if (!fields.mdn_requested || fields.async_url) return text_answer(403, "unknown trading relationship", !drained);
    const auto disposition = mdn::processed_error(mdn::reason::unknown_trading_relationship);
    mdn::MdnContent content;
    content.disposition = disposition;
    content.reporting_ua = "as2d";
    auto built = mdn::build_mdn(mdn::MdnRequest{fields.message_id, fields.from_raw, fields.to_raw}, content);
    if (!built) return text_answer(400, "unknown trading relationship", !drained);
    audit.emit(Event::mdn_sent, {{"from", *fields.from},
                                 {"message_id", fields.message_id},
                                 {"disposition", disposition.to_string()},
                                 {"signed", false}});
    auto answer = mdn_answer(*built);
    answer.close = !drained;
    return answer;
  }
  const auto& config = partner->config;

  // 2. Basic authentication (transport level: HTTP 401, no MDN).
  if (config.auth) {
    const auto result = check_basic_auth(fields.authorization, *config.auth);
    if (result != AuthResult::ok) {
      audit.emit(Event::auth_failed, {{"partner", config.name}, {"reason", auth_result_name(result)}});
      const bool drained = body.drain();
      auto answer = text_answer(401, "authentication required", !drained);
      answer.headers.emplace_back("WWW-Authenticate", "Basic realm=\"as2d\", charset=\"UTF-8\"");
      return answer;
    }
  }

  // Asynchronous MDNs go only where the partner's section allows (async_mdn_urls, by
  // default the origin of its url): a message must not make us POST anywhere (SSRF).
  if (fields.mdn_requested && fields.async_url) {
    const auto& url = *fields.async_url;
    const bool allowed = std::any_of(config.async_mdn_urls.begin(), config.async_mdn_urls.end(),
                                     [&](const std::string& prefix) { return url.starts_with(prefix); });
    if (!allowed) {
      audit.emit(Event::async_mdn_refused, {{"partner", config.name}, {"message_id", fields.message_id}, {"url", url}});
      const bool drained = body.drain();
      return text_answer(403,
                         "Receipt-Delivery-Option " + url + " is not an allowed MDN address for this partner; "
                         "ask for a synchronous MDN or have it added to async_mdn_urls",
                         !drained);
    }
  }

  // 3. The body, whole, under the limits.
  const BodyLimits limits{station.limits.max_body_size, station.limits.body_timeout};
  auto spooled = body.spool(limits, m_state.spool_dir());
  if (!spooled) {
    const auto& error = spooled.error();
    audit.emit(Event::body_rejected, {{"partner", config.name},
                                      {"message_id", fields.message_id},
                                      {"reason", body_failure_name(error.kind)},
                                      {"error", error.message},
                                      {"bytes", error.bytes}});
    switch (error.kind) {
      case BodyFailure::too_large: return text_answer(413, error.message, true);
      case BodyFailure::timeout: return text_answer(408, error.message, true);
      case BodyFailure::aborted: return text_answer(400, error.message, true);
      case BodyFailure::io: break;
    }
    return text_answer(500, "the body could not be spooled", true);
  }
  audit.emit(Event::message_received,
             {{"partner", config.name}, {"message_id", fields.message_id}, {"bytes", spooled->size()}});

  // An asynchronous MDN for a message we sent comes to the same endpoint (RFC 4130 7.3).
  if (carries_mdn(headers, spooled->peek())) {
    // An MDN is a few KiB: one that outgrew the in-memory limit is no MDN we take.
    if (spooled->in_file()) return text_answer(413, "an MDN larger than 1 MiB is not accepted", false);
    return receive_async_mdn(m_state, *partner, headers, spooled->take_bytes());
  }

  // 4. One copy of a message at a time; a Message-ID processed before gets its MDN again.
  Exchange exchange(m_state, *partner, fields, spooled->size());
  std::optional<InFlight::Guard> guard;
  if (as2::check_message_id(fields.message_id)) {
    guard.emplace(m_state.in_flight().acquire(config.name + "\n" + MessageStore::message_key(fields.message_id)));
    auto previous = m_state.store().find(config.name, std::string(direction_in), fields.message_id);
    if (!previous) {
      audit.emit(Event::store_failed,
                 {{"partner", config.name}, {"message_id", fields.message_id}, {"error", previous.error().message()}});
      return text_answer(500, "the message store is unavailable; please retry", false);
    }
    if (*previous && (*previous)->status == status_processed) return exchange.replay(**previous);
  }

  // 5.-7. Unpack, store, record, answer.
  return exchange.process(headers, *spooled);
}

}  // namespace as2d
