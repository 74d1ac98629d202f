// payload::as2 unpack: received AS2 message -> payload and report (RFC 4130 5, 6, 7.3.1;
// RFC 5402; i05 5.3.3, 6, 8.3.1, 8.5.4).
#include <payload/as2/unpack.h>

#include <payload/as2/as2_name.h>
#include <payload/as2/filename.h>
#include <payload/as2/http_message.h>
#include <payload/as2/message_id.h>
#include <payload/mime/content_disposition.h>
#include <payload/mime/http.h>

#include <sys/stat.h>

#include <cerrno>

#include <payload/io/mapped_file.h>
#include <payload/mime/header.h>

#include "unwrap.h"

namespace payload::as2 {

namespace {

tl::unexpected<UnpackFailure> failed(Outcome outcome, Error error, Report report) {
  return tl::unexpected<UnpackFailure>(UnpackFailure{outcome, std::move(error), std::move(report)});
}

// A received value we may echo (subject, URLs) must not carry line breaks or other
// control characters (header injection through a server that did not split them).
Status check_received_value(std::string_view name, std::string_view value) {
  for (const char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && b != '\t') || b == 0x7f)
      return fail(Errc::bad_data, std::string(name) + ": control character or line break in the value");
  }
  return {};
}

std::size_t count_fields(std::span<const std::pair<std::string, std::string>> fields, std::string_view name) {
  std::size_t n = 0;
  for (const auto& field : fields) {
    if (find_field(std::span(&field, 1), name)) ++n;
  }
  return n;
}

// Reads the AS2 headers into `headers`; the first problem, if any, as an outcome.
std::optional<std::pair<Outcome, Error>> read_headers(std::span<const std::pair<std::string, std::string>> fields,
                                                      const UnpackOptions& options, ReceivedHeaders& headers) {
  std::optional<std::pair<Outcome, Error>> problem;
  const auto note = [&problem](Outcome outcome, Error error) {
    if (!problem) problem.emplace(outcome, std::move(error));
  };

  // i05 6.3: both names in every message, unfolded, compared after unquoting.
  const auto name = [&](std::string_view field, std::string& raw, std::string& parsed) {
    const auto value = find_field(fields, field);
    if (!value) return note(Outcome::unknown_trading_relationship, Error(Errc::bad_data, std::string(field) + " is missing"));
    raw = *value;
    auto unquoted = parse_as2_name(*value);
    if (!unquoted) return note(Outcome::unknown_trading_relationship, unquoted.error().with_context(field));
    parsed = std::move(*unquoted);
  };
  name("AS2-From", headers.from_raw, headers.from);
  name("AS2-To", headers.to_raw, headers.to);
  if (!problem && options.partner_id && headers.from != *options.partner_id)
    note(Outcome::unknown_trading_relationship, Error(Errc::bad_data, "AS2-From \"" + headers.from + "\" is not the expected partner"));
  if (!problem && options.our_id && headers.to != *options.our_id)
    note(Outcome::unknown_trading_relationship, Error(Errc::bad_data, "AS2-To \"" + headers.to + "\" is not us"));

  // i05 5.3.3: a malformed ID SHOULD get invalid-message-id; kept byte for byte.
  if (const auto id = find_field(fields, "Message-ID")) {
    headers.message_id = *id;
    if (auto ok = check_message_id(*id); !ok) note(Outcome::invalid_message_id, ok.error());
    if (count_fields(fields, "Message-ID") > 1) note(Outcome::invalid_message_id, Error(Errc::bad_data, "several Message-ID fields"));
  } else {
    note(Outcome::invalid_message_id, Error(Errc::bad_data, "Message-ID is missing"));
  }

  // i05 6.1: absent = 1.0; an unknown version is kept as text, not refused.
  if (const auto version = find_field(fields, "AS2-Version")) {
    headers.version_text = *version;
    headers.version = parse_version(*version);
  } else {
    headers.version = As2Version::v1_0;
  }
  const auto optional_field = [&](std::string_view field) -> std::optional<std::string> {
    auto value = find_field(fields, field);
    if (value) {
      if (auto ok = check_received_value(field, *value); !ok) note(Outcome::unexpected_processing_error, ok.error());
    }
    return value;
  };
  headers.product = optional_field("AS2-Product").value_or("");
  headers.date = optional_field("Date").value_or("");
  headers.subject = optional_field("Subject").value_or("");
  headers.disposition_notification_to = optional_field("Disposition-Notification-To");
  headers.disposition_notification_options = optional_field("Disposition-Notification-Options");
  headers.receipt_delivery_option = optional_field("Receipt-Delivery-Option");
  // RFC 6017: comma-separated tokens; unknown ones MUST NOT cause failure (i05 6.1).
  if (const auto features = optional_field("EDIINT-Features")) {
    std::size_t at = 0;
    while (at <= features->size()) {
      const auto comma = std::min(features->find(',', at), features->size());
      std::string_view token(features->data() + at, comma - at);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
      if (!token.empty()) headers.ediint_features.emplace_back(token);
      at = comma + 1;
    }
  }
  return problem;
}

// The first step of every form: the AS2 header fields and the receipt request.
tl::expected<Report, UnpackFailure> read_request(std::span<const std::pair<std::string, std::string>> http_headers,
                                                 const UnpackOptions& options) {
  Report report;
  if (auto problem = read_headers(http_headers, options, report.headers))
    return failed(problem->first, std::move(problem->second), std::move(report));
  if (report.headers.mdn_requested()) {
    std::optional<mdn::NotificationOptions> requested;
    if (report.headers.disposition_notification_options) {
      auto parsed = mdn::parse_notification_options(*report.headers.disposition_notification_options);
      if (parsed) requested = std::move(*parsed);
    }
    report.receipt = mdn::select_receipt_signing(requested ? &*requested : nullptr, options.receipt_policy);
  }
  return report;
}

struct Opened {
  Report report;
  detail::Unwrapped unwrapped;  // its payload is the payload entity
};

// The layers, the agreed security, the MIC and the filename: everything but the payload
// bytes themselves, which each form delivers its own way.
tl::expected<Opened, UnpackFailure> open_layers(Report report, mime::Entity outer,
                                                std::shared_ptr<const io::MappedFile> outer_file,
                                                const UnpackOptions& options) {
  detail::UnwrapContext context;
  context.identities = &options.identities;
  context.partners = &options.partner_certificates;
  context.verify = options.verify;
  context.decrypt = options.decrypt;
  context.decompress = options.decompress;
  detail::Unwrapped unwrapped;
  auto done = detail::unwrap(std::move(outer), context, unwrapped, std::move(outer_file));
  report.layers = unwrapped.layers;
  report.encryption = unwrapped.encryption;
  report.signature = unwrapped.signature;
  report.compression = unwrapped.compression;
  if (!done) return failed(done.error().outcome, std::move(done.error().error), std::move(report));

  // i05 8.5.4 insufficient-message-security: not signed or not encrypted as agreed.
  if (options.require_encrypted && !report.encryption)
    return failed(Outcome::insufficient_message_security, Error(Errc::bad_data, "the message is not encrypted"), std::move(report));
  if (options.require_signed && !report.signature)
    return failed(Outcome::insufficient_message_security, Error(Errc::bad_data, "the message is not signed"), std::move(report));

  const mime::Entity& payload = *unwrapped.payload;
  if (const auto* field = payload.headers().find("Content-Type")) report.content_type = field->value;
  if (const auto* field = payload.headers().find("Content-Transfer-Encoding")) report.content_transfer_encoding = field->value;

  // RFC 4130 7.3.1, RFC 5402 4: signed -> the signed part with headers (taken while
  // verifying, in the signer's digest); unsigned with layers -> the payload entity with
  // headers; plain -> the body; both in the requested micalg (Drummond 1Q12 #12).
  if (unwrapped.signed_mic) {
    report.mic = std::move(unwrapped.signed_mic);
  } else {
    const cms::DigestAlg digest =
        report.receipt ? report.receipt->mic_algorithm : options.receipt_policy.default_mic_algorithm;
    auto mic = detail::compute_mic(report.layers.empty() ? payload.body() : payload.raw(), unwrapped.payload_file.get(), digest);
    if (!mic) return failed(Outcome::unexpected_processing_error, mic.error(), std::move(report));
    report.mic = std::move(*mic);
  }

  if (const auto* field = payload.headers().find("Content-Disposition")) {
    auto disposition = mime::parse_content_disposition(field->value);
    if (!disposition) return failed(Outcome::illegal_filename, disposition.error().with_context("Content-Disposition"), std::move(report));
    if (const auto filename = disposition->filename()) {
      report.filename = std::string(*filename);
      if (auto ok = check_filename(*filename); !ok) return failed(Outcome::illegal_filename, ok.error(), std::move(report));
    }
  }
  return Opened{std::move(report), std::move(unwrapped)};
}

// Writes the payload entity's decoded body to `out`: from the mapped file under it by a
// copy in the kernel when the body is its bytes as they are, so a large payload's pages
// are not touched for it.
Status write_payload(const detail::DecodedBody& decoded, const io::MappedFile* file, const io::Output& out) {
  if (decoded.owned.empty() && file != nullptr && file->contains(decoded.view))
    return io::copy_range(file->fd(), static_cast<std::uint64_t>(decoded.view.data() - file->bytes().data()),
                          decoded.view.size(), out.fd);
  return io::write_all(out.fd, decoded.view);
}

}  // namespace

UnpackResult unpack(std::span<const std::pair<std::string, std::string>> http_headers, std::string body,
                    const UnpackOptions& options) {
  auto report = read_request(http_headers, options);
  if (!report) return tl::unexpected(std::move(report.error()));
  auto outer = mime::entity_from_http(http_headers, std::move(body));
  if (!outer) return failed(Outcome::unexpected_processing_error, outer.error(), std::move(*report));
  auto opened = open_layers(std::move(*report), std::move(*outer), nullptr, options);
  if (!opened) return tl::unexpected(std::move(opened.error()));

  auto decoded = detail::decode_body(*opened->unwrapped.payload);
  if (!decoded) return failed(Outcome::unexpected_processing_error, decoded.error().with_context("payload"), std::move(opened->report));
  Unpacked unpacked{std::move(opened->report), decoded->owned.empty() ? std::string(decoded->view) : std::move(decoded->owned)};
  return unpacked;
}

UnpackToFileResult unpack(std::span<const std::pair<std::string, std::string>> http_headers, const io::Input& body,
                          std::uint64_t offset, const io::Output& payload, const UnpackOptions& options) {
  auto report = read_request(http_headers, options);
  if (!report) return tl::unexpected(std::move(report.error()));
  const auto unexpected = [&](const Error& error) {
    return failed(Outcome::unexpected_processing_error, error, std::move(*report));
  };

  // The outer entity is the MIME fields and the body, one after the other in one spool
  // file (the body copied in the kernel), mapped: its layers are then read from there.
  auto block = mime::http_header_block(http_headers);
  if (!block) return unexpected(block.error());
  struct stat st {};
  if (::fstat(body.fd, &st) != 0) return unexpected(io::errno_error("message body", errno));
  if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) < offset)
    return unexpected(Error(Errc::usage, "message body: not a regular file of at least " + std::to_string(offset) + " bytes"));
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size) - offset;
  // Only the mapping keeps the spool file: it is gone as soon as the first layer is done.
  auto mapped = [&]() -> Result<std::shared_ptr<const io::MappedFile>> {
    auto spool = io::SpoolFile::create();
    if (!spool) return fail(spool.error());
    if (auto ok = io::write_all(spool->output().fd, *block); !ok) return fail(ok.error());
    if (auto ok = io::copy_range(body.fd, offset, size, spool->output().fd); !ok) return fail(ok.error().with_context("message body"));
    return io::MappedFile::map(spool->output().fd);
  }();
  if (!mapped) return unexpected(mapped.error());
  auto outer = mime::Entity::parse(*mapped, (*mapped)->bytes(), 0, (*mapped)->bytes().size());
  if (!outer) return unexpected(outer.error());

  auto opened = open_layers(std::move(*report), std::move(*outer), std::move(*mapped), options);
  if (!opened) return tl::unexpected(std::move(opened.error()));
  const io::MappedFile* file = opened->unwrapped.payload_file.get();
  auto decoded = detail::decode_body(*opened->unwrapped.payload, file);
  if (!decoded) return failed(Outcome::unexpected_processing_error, decoded.error().with_context("payload"), std::move(opened->report));
  if (auto ok = write_payload(*decoded, decoded->file != nullptr ? decoded->file.get() : file, payload); !ok)
    return failed(Outcome::unexpected_processing_error, ok.error().with_context("writing the payload"), std::move(opened->report));
  return UnpackedToFile{std::move(opened->report), decoded->view.size()};
}

UnpackToFileResult unpack(const io::Input& wire, const io::Output& payload, const UnpackOptions& options) {
  const auto unexpected = [](const Error& error) { return failed(Outcome::unexpected_processing_error, error, Report{}); };
  // A pipe is spooled first: the body is mapped and read by position.
  std::optional<io::SpoolFile> spool;
  int fd = wire.fd;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return unexpected(io::errno_error("message", errno));
  if (!S_ISREG(st.st_mode)) {
    auto created = io::SpoolFile::create();
    if (!created) return unexpected(created.error());
    spool.emplace(std::move(*created));
    fd = spool->output().fd;
    if (auto ok = io::copy_to_end(wire.fd, fd); !ok) return unexpected(ok.error().with_context("message"));
  }
  // Only the header block is parsed here; the mapping's other pages are never touched.
  auto mapped = io::MappedFile::map(fd);
  if (!mapped) return unexpected(mapped.error());
  auto block = mime::parse_header_block((*mapped)->bytes());
  if (!block) return unexpected(block.error().with_context("HTTP header"));
  if (!block->terminated) return unexpected(Error(Errc::bad_data, "HTTP header: no empty line ends the header block"));
  std::vector<std::pair<std::string, std::string>> headers;
  for (const mime::HeaderField& field : block->headers) headers.emplace_back(field.name, field.value);
  return unpack(headers, io::Input{(*mapped)->fd(), wire.path, 0}, block->size, payload, options);
}

UnpackResult unpack(std::string wire, const UnpackOptions& options) {
  auto message = parse_http_message(std::move(wire));
  if (!message) return failed(Outcome::unexpected_processing_error, message.error(), Report{});
  return unpack(message->headers, std::move(message->body), options);
}

}  // namespace payload::as2
