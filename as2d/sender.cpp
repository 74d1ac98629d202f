// Sending one AS2 message to a partner.
#include "sender.h"

#include <chrono>

#include <payload/as2/http_message.h>
#include <payload/as2/pack.h>
#include <payload/mdn/check.h>

#include "http_client.h"
#include "proxy.h"
#include "utc_time.h"

namespace as2d {

namespace as2 = payload::as2;
namespace cms = payload::cms;
namespace mdn = payload::mdn;
using payload::Errc;
using payload::fail;
using payload::Result;

namespace {

Result<as2::PackOptions> pack_options(const SendContext& context, const std::filesystem::path& file,
                                      const SendOptions& options) {
  const PartnerConfig& policy = context.partner.config;
  if (policy.url.empty()) return fail(Errc::usage, "partner " + policy.name + " has no url to send to");
  as2::PackOptions pack;
  pack.headers.from = context.station.as2_id;
  pack.headers.to = policy.as2_id;
  pack.headers.message_id = options.message_id;
  pack.headers.version = policy.as2_version;
  const std::string name = options.filename.empty() ? file.filename().string() : options.filename;
  pack.headers.subject = options.subject.empty() ? "AS2 message " + name : options.subject;
  pack.filename = options.filename;
  pack.content_type = policy.content_type;
  pack.compression = policy.compress;
  if (policy.sign) {
    if (context.keys.identities.empty()) return fail(Errc::usage, "the station has no key to sign with");
    as2::SignSpec sign{context.keys.identities.front(), {}, mdn::MicalgSpelling::rfc5751};
    sign.options.digest = *policy.sign;
    sign.options.allow_legacy_digest = cms::is_legacy(*policy.sign);  // the loader allowed it for this partner
    pack.sign = std::move(sign);
  }
  if (policy.encrypt) {
    auto recipient = encryption_certificate(context.partner);
    if (!recipient) return fail(recipient.error());
    as2::EncryptSpec encrypt;
    encrypt.recipients = {*recipient};
    encrypt.options.cipher = *policy.encrypt;
    encrypt.options.allow_legacy_cipher = *policy.encrypt == cms::ContentCipher::des_ede3_cbc;
    pack.encrypt = std::move(encrypt);
  }
  if (policy.mdn != MdnMode::none) {
    as2::MdnRequest request;
    request.notification_to = context.station.as2_id;
    request.signed_receipt_micalgs = policy.mdn_sign;
    if (policy.mdn == MdnMode::async) request.async_url = context.station.mdn_url;
    pack.mdn = std::move(request);
  }
  return pack;
}

PostRequest post_request(const SendContext& context, const as2::PackedMessage& packed) {
  const PartnerConfig& policy = context.partner.config;
  PostRequest request;
  request.url = policy.url;
  request.headers = packed.http.headers;
  request.body = packed.http.body;
  request.ca_file = policy.tls_ca;
  if (!context.station.tls_client_cert.empty())
    request.client_certificate = ClientCertificate{context.station.tls_client_cert, context.station.tls_client_key,
                                                   context.station.tls_client_key_passphrase};
  request.basic_auth = policy.send_auth;
  request.timeout = policy.send_timeout;
  return request;
}

std::string header_value(const PostReply& reply, std::string_view name) {
  for (const auto& [key, value] : reply.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return value;
  }
  return {};
}

// The synchronous answer to a message that asked for an MDN: parse, verify, compare.
void judge_sync_mdn(const SendContext& context, const as2::PackedMessage& packed, PostReply reply, SendOutcome& outcome) {
  OutboundRecord& record = outcome.record;
  const std::string content_type = header_value(reply, "Content-Type");
  record.mdn = as2::HttpMessage{reply.headers, reply.body}.wire();
  mdn::MdnParseOptions parse_options;
  parse_options.verify.allowed_digests = context.partner.config.allowed_digests;
  auto report = mdn::parse_mdn(reply.headers, std::move(reply.body), context.partner.certificates, parse_options);
  if (!report) {
    record.state = SendState::bad_mdn;
    record.error = "the answer is no MDN (" + (content_type.empty() ? std::string("no Content-Type") : content_type) +
                   "): " + report.error().message();
    return;
  }
  record.disposition = report->disposition.to_string();
  auto verdict = judge_receipt(*report, packed.message_id, packed.mic, !context.partner.config.mdn_sign.empty());
  record.state = verdict.state;
  record.error = std::move(verdict.error);
  outcome.mdn = std::move(*report);
}

}  // namespace

ReceiptVerdict judge_receipt(const mdn::MdnReport& report, const std::string& message_id, const mdn::Mic& mic,
                             bool require_signature) {
  mdn::MdnExpectation expected;
  expected.original_message_id = message_id;
  expected.mics = {mic};
  expected.require_signature = require_signature;
  if (auto checked = mdn::check_mdn(report, expected); !checked) {
    const bool mic_differs = report.mic && !(*report.mic == mic);
    return {checked.error().code() == Errc::bad_data && mic_differs ? SendState::mic_mismatch : SendState::bad_mdn,
            checked.error().message()};
  }
  if (!report.disposition.is_success()) return {SendState::negative, "the partner reports " + report.disposition.to_string()};
  return {SendState::processed, {}};
}

Result<cms::Certificate> encryption_certificate(const Partner& partner) {
  const auto now = std::chrono::system_clock::now();
  for (const auto& certificate : partner.certificates) {
    if (certificate.valid_at(now)) return certificate;
  }
  return fail(Errc::usage, "partner " + partner.config.name + ": none of its certificates is valid now");
}

Result<SendOutcome> send_file(const SendContext& context, const std::filesystem::path& file, const SendOptions& options) {
  auto pack = pack_options(context, file, options);
  if (!pack) return fail(pack.error());
  auto packed = as2::pack_file(file, std::move(*pack));
  if (!packed) return fail(packed.error().with_context(file.string()));

  SendOutcome outcome;
  OutboundRecord& record = outcome.record;
  if (!options.message_id.empty()) {
    // A resend carries on the first record.
    auto previous = context.store.find(options.message_id);
    if (!previous) return fail(previous.error());
    if (*previous) record = std::move(**previous);
  }
  record.message_id = packed->message_id;
  record.partner = context.partner.config.name;
  record.file = file.string();
  record.filename = options.filename;
  std::error_code ec;
  record.size = std::filesystem::file_size(file, ec);
  record.mic = packed->mic.to_string();
  record.mdn_mode = std::string(mdn_mode_name(context.partner.config.mdn));
  record.disposition.clear();
  record.mdn.reset();
  record.error.clear();
  record.http_status = 0;
  if (record.created_at.empty()) record.created_at = utc_now();
  record.state = SendState::sending;
  // Recorded before it goes out: whatever happens next, the Message-ID is known.
  if (auto saved = context.store.save(record); !saved) return fail(saved.error());

  auto request = post_request(context, *packed);
  request.progress = options.progress;
  auto proxy = proxy_for(request.url, context.environment);
  if (!proxy) return fail(proxy.error());
  request.proxy = std::move(*proxy);
  ++record.attempts;
  auto reply = http_post(request);
  record.sent_at = utc_now();
  if (!reply) {
    record.state = SendState::transport_failed;
    record.error = reply.error().message();
  } else {
    record.http_status = reply->status;
    if (reply->status < 200 || reply->status >= 300) {
      record.state = SendState::http_error;
      record.error = "HTTP " + std::to_string(reply->status) + " " + reply->reason;
    } else if (context.partner.config.mdn == MdnMode::sync) {
      judge_sync_mdn(context, *packed, std::move(*reply), outcome);
    } else {
      record.state = context.partner.config.mdn == MdnMode::async ? SendState::awaiting_mdn : SendState::delivered;
    }
  }
  auto saved = context.store.save_answer(std::move(record));
  if (!saved) return fail(saved.error());
  outcome.record = std::move(*saved);
  return outcome;
}

}  // namespace as2d
