// Operations for the Stateless OpenPGP command line over GPGME. Signature types come
// from gpg's VALIDSIG status lines (GPGME's verify result has no signature class), read
// through a status callback with the "full-status" context flag.
#include <payload/pgp/stateless.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <sstream>

#include <payload/pgp/armor.h>
#include <payload/pgp/keys.h>
#include <payload/pgp/packet.h>

#include "operation.h"
#include "verify_result.h"

namespace payload::pgp {
namespace {

// Every status line of one operation, in order.
struct StatusLog {
  std::vector<std::pair<std::string, std::string>> lines;

  static gpgme_error_t on_status(void* hook, const char* keyword, const char* args) noexcept {
    try {
      static_cast<StatusLog*>(hook)->lines.emplace_back(keyword ? keyword : "", args ? args : "");
      return 0;
    } catch (...) {
      return gpg_error(GPG_ERR_ENOMEM);
    }
  }
  void attach(gpgme_ctx_t ctx) {
    gpgme_set_ctx_flag(ctx, "full-status", "1");
    gpgme_set_status_cb(ctx, &StatusLog::on_status, this);
  }
  [[nodiscard]] bool has(std::string_view keyword, std::string_view args_prefix = {}) const {
    for (const auto& [k, a] : lines)
      if (k == keyword && std::string_view(a).substr(0, args_prefix.size()) == args_prefix) return true;
    return false;
  }
};

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(std::move(w));
  return out;
}

// VALIDSIG <fpr> <date> <timestamp> <expires> <version> <reserved> <pk-algo> <hash-algo>
// <sig-class> [<primary-fpr>]: the k-th VALIDSIG of a key belongs to its k-th good signature.
std::vector<TypedSignature> with_types(std::vector<SignatureReport> reports, const StatusLog& log) {
  std::vector<std::vector<std::string>> valid;
  for (const auto& [keyword, args] : log.lines)
    if (keyword == "VALIDSIG") valid.push_back(words(args));
  std::vector<bool> used(valid.size(), false);
  std::vector<TypedSignature> out;
  for (auto& report : reports) {
    TypedSignature typed;
    for (size_t i = 0; i < valid.size() && report.good(); ++i) {
      if (used[i] || valid[i].size() < 9 || valid[i][0] != report.fingerprint) continue;
      used[i] = true;
      const auto sig_class = std::strtoul(valid[i][8].c_str(), nullptr, 16);
      typed.mode = sig_class == 0x00 ? SignatureMode::binary : sig_class == 0x01 ? SignatureMode::text : SignatureMode::unknown;
      if (report.primary_fingerprint.empty() && valid[i].size() >= 10) report.primary_fingerprint = valid[i][9];
      break;
    }
    typed.report = std::move(report);
    out.push_back(std::move(typed));
  }
  return out;
}

Error verify_failure(gpgme_error_t err) {
  if (gpgme_err_code(err) == GPG_ERR_NO_DATA) return Error(Errc::bad_data, "no OpenPGP signature found");
  return detail::gpgme_failure(err, "verification failed");
}

// Passwords for secret keys and for messages answered apart: gpg's NEED_PASSPHRASE info
// starts with the 16-hex key id, NEED_PASSPHRASE_SYM with the cipher number.
struct PassphraseRouter {
  std::optional<Secret> key;
  std::optional<Secret> message;
  bool key_asked = false;
  bool key_rejected = false;
  bool message_asked = false;

  static gpgme_error_t on_passphrase(void* hook, const char* /*uid_hint*/, const char* info, int prev_was_bad, int fd) noexcept {
    try {
      auto* self = static_cast<PassphraseRouter*>(hook);
      const bool for_key = detail::passphrase_is_for_key(info);
      const auto& answer = for_key ? self->key : self->message;
      (for_key ? self->key_asked : self->message_asked) = true;
      if (prev_was_bad) {
        if (for_key && answer) self->key_rejected = true;
        return gpg_error(GPG_ERR_BAD_PASSPHRASE);  // asking again would only repeat it
      }
      // Without a password for a locked key, an empty answer fails that key alone; gpg then
      // goes on to the message's other ways in (refusing would cancel the whole decryption).
      if (!answer && !for_key) return gpg_error(GPG_ERR_NO_PASSPHRASE);
      // The password and its newline in two writes: no copy of the secret to wipe.
      if (answer && gpgme_io_writen(fd, answer->str().data(), answer->size()) != 0) return gpg_error_from_syserror();
      if (gpgme_io_writen(fd, "\n", 1) != 0) return gpg_error_from_syserror();
      return 0;
    } catch (...) {
      return gpg_error(GPG_ERR_ENOMEM);
    }
  }
};

// Reads a seekable descriptor from its start, chunk by chunk.
template <typename Consume>
Status read_from_start(int fd, Consume consume) {
  std::array<char, 1 << 16> buffer{};
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(io::errno_error("message", errno));
    }
    if (n == 0) return {};
    offset += n;
    if (auto status = consume(std::string_view(buffer.data(), static_cast<size_t>(n))); !status) return status;
  }
}

Result<io::Input> rewind(int fd) {
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail(io::errno_error("message", errno));
  return io::Input{fd, {}, 0};
}

// The parts of a message of the form "one-pass signatures, literal data, signatures".
struct MessageParts {
  bool plain = true;  // nothing but those (and marker or padding packets)
  int literals = 0;
  char format = 'b';
  std::string literal_header;  // format, name length, name, date: 6 + name length octets
  std::string signatures;      // the signature packets, re-encoded
  bool all_text = true;        // every signature is of type 0x01
};

// RFC 4880 5.2.2 / 5.2.3: the type follows the version octet (v4, v6) or the hashed-length octet (v3).
int signature_type(std::string_view body) {
  if (body.size() < 3) return -1;
  return static_cast<unsigned char>(body[0] == 3 ? body[2] : body[1]);
}

// Copies `in` (from its start) to `out`, turning CRLF into LF when `text`.
Status copy_content(int in, int out, bool text) {
  bool pending_cr = false;
  return read_from_start(in, [&](std::string_view chunk) -> Status {
    if (!text) return io::write_all(out, chunk);
    std::string converted;
    converted.reserve(chunk.size() + 1);
    for (const char c : chunk) {
      if (pending_cr && c != '\n') converted.push_back('\r');
      pending_cr = c == '\r';
      if (!pending_cr) converted.push_back(c);
    }
    return io::write_all(out, converted);
  }).and_then([&]() -> Status { return pending_cr ? io::write_all(out, std::string_view("\r")) : Status{}; });
}

}  // namespace

Result<std::vector<TypedSignature>> verify_message_typed(Keyring& keyring, const io::Input& message, const io::Output& out) {
  std::array<char, 64> head_buffer{};
  const ssize_t head_size = ::pread(message.fd, head_buffer.data(), head_buffer.size(), 0);
  if (head_size < 0) return fail(io::errno_error("message", errno));
  const std::string_view head(head_buffer.data(), static_cast<size_t>(head_size));
  if (starts_cleartext_signed(head)) {
    auto in = rewind(message.fd);
    if (!in) return fail(in.error());
    return verify_inline_typed(keyring, *in, out);
  }

  // The binary message: the input itself, or its armor decoded into a spool.
  std::optional<io::SpoolFile> decoded;
  int binary = message.fd;
  if (starts_armored(head)) {
    auto spool = io::SpoolFile::create();
    if (!spool) return fail(spool.error());
    ArmorDecoder decoder;
    const int fd = spool->output().fd;
    auto status = read_from_start(message.fd, [&](std::string_view chunk) -> Status {
      auto bytes = decoder.update(chunk);
      if (!bytes) return fail(bytes.error());
      return io::write_all(fd, *bytes);
    });
    if (!status) return fail(status.error());
    auto rest = decoder.finish();
    if (!rest) return fail(rest.error());
    if (auto written = io::write_all(fd, *rest); !written) return fail(written.error());
    decoded.emplace(std::move(*spool));
    binary = fd;
  }

  auto content = io::SpoolFile::create();
  if (!content) return fail(content.error());
  MessageParts parts;
  std::vector<int> tags;
  size_t packet = 0;  // tags.size() when the current signature body began
  std::string signature;
  const auto end_signature = [&] {
    if (signature.empty()) return;
    if (signature_type(signature) != 0x01) parts.all_text = false;
    parts.signatures += encode_packet(tag::signature, signature);
    signature.clear();
  };
  PacketScanner scanner([&](std::string_view body) -> Status {
    if (tags.size() != packet) {
      end_signature();
      packet = tags.size();
    }
    switch (tags.back()) {
      case tag::signature: signature.append(body); return {};
      case tag::literal: {
        // RFC 4880 5.9: format, name length, name, four-octet date, then the data.
        while (!body.empty() && (parts.literal_header.size() < 2 ||
                                 parts.literal_header.size() < 6 + static_cast<size_t>(static_cast<unsigned char>(parts.literal_header[1])))) {
          parts.literal_header.push_back(body.front());
          body.remove_prefix(1);
        }
        return body.empty() ? Status{} : io::write_all(content->output().fd, body);
      }
      default: return {};
    }
  });
  auto scanned = read_from_start(binary, [&](std::string_view chunk) -> Status {
    const size_t before = tags.size();
    if (auto status = scanner.feed(chunk, tags); !status) return status;
    for (size_t i = before; i < tags.size(); ++i) {
      switch (tags[i]) {
        case tag::literal: ++parts.literals; break;
        case tag::signature:
        case tag::one_pass_signature:
        case tag::marker:
        case tag::padding: break;
        default: parts.plain = false;
      }
    }
    return {};
  });
  if (!scanned) return fail(scanned.error());
  end_signature();
  if (!scanner.at_boundary()) return fail(Errc::bad_data, "the message ends inside an OpenPGP packet (truncated)");

  const bool encrypted = std::any_of(tags.begin(), tags.end(), [](int t) {
    return t == tag::pkesk || t == tag::skesk || t == tag::symmetrically_encrypted || t == tag::seipd || t == tag::aead_encrypted;
  });
  if (encrypted) return fail(Errc::bad_data, "an encrypted message, not a signed one");
  if (!parts.plain) {
    // Compressed (or otherwise wrapped): gpg unpacks and checks it.
    auto in = rewind(binary);
    if (!in) return fail(in.error());
    return verify_inline_typed(keyring, *in, out);
  }
  if (parts.literals != 1) return fail(Errc::bad_data, "not a signed message (" + std::to_string(parts.literals) + " literal data packets)");
  if (parts.literal_header.size() >= 1) parts.format = parts.literal_header[0];

  std::vector<TypedSignature> signatures;
  if (!parts.signatures.empty()) {
    auto sig_spool = io::SpoolFile::create();
    if (!sig_spool) return fail(sig_spool.error());
    if (auto status = io::write_all(sig_spool->output().fd, parts.signatures); !status) return fail(status.error());
    auto sig_in = rewind(sig_spool->output().fd);
    auto data_in = rewind(content->output().fd);
    if (!sig_in || !data_in) return fail(!sig_in ? sig_in.error() : data_in.error());
    auto checked = verify_detached_typed(keyring, *data_in, *sig_in);
    if (!checked) return fail(checked.error());
    signatures = std::move(*checked);
  }
  const bool text = (parts.format == 't' || parts.format == 'u') && parts.all_text && !parts.signatures.empty();
  if (auto status = copy_content(content->output().fd, out.fd, text); !status) return fail(status.error());
  return signatures;
}

Result<std::vector<TypedSignature>> verify_detached_typed(Keyring& keyring, const io::Input& signed_data, const io::Input& signature) {
  auto op = detail::prepare_detached_verification(keyring, signed_data, signature);
  if (!op) return fail(op.error());
  StatusLog log;
  log.attach(op->ctx->get());
  if (const auto err = gpgme_op_verify(op->ctx->get(), op->signature.get(), op->signed_text.get(), nullptr))
    return fail(verify_failure(err));
  auto reports = detail::signature_reports(op->ctx->get());
  if (reports.empty()) return fail(Errc::bad_data, "no OpenPGP signature found");
  return with_types(std::move(reports), log);
}

Result<std::vector<TypedSignature>> verify_inline_typed(Keyring& keyring, const io::Input& message, const io::Output& out) {
  auto ctx = detail::Context::create(keyring, {});
  if (!ctx) return fail(ctx.error());
  StatusLog log;
  log.attach(ctx->get());
  auto sig = detail::data_from_fd(message.fd);
  if (!sig) return fail(sig.error());
  auto plain = detail::data_from_fd(out.fd);
  if (!plain) return fail(plain.error());
  if (const auto err = gpgme_op_verify(ctx->get(), sig->get(), nullptr, plain->get())) return fail(verify_failure(err));
  auto reports = detail::signature_reports(ctx->get());
  if (reports.empty()) return fail(Errc::bad_data, "no OpenPGP signature found");
  return with_types(std::move(reports), log);
}

Result<StatelessDecryptReport> decrypt_stateless(Keyring& keyring, const StatelessDecryptOptions& options, const io::Input& in,
                                                 const io::Output& out) {
  detail::OperationSetup setup;
  setup.direct_files = true;
  keyring.will_use_agent();
  auto op = detail::prepare(keyring, std::move(setup), in, out);
  if (!op) return fail(op.error());
  gpgme_ctx_t ctx = op->ctx->get();

  PassphraseRouter router;
  router.key = options.key_passphrase;
  router.message = options.message_passphrase;
  gpgme_set_passphrase_cb(ctx, &PassphraseRouter::on_passphrase, &router);
  StatusLog log;
  log.attach(ctx);
  if (options.export_session_key) gpgme_set_ctx_flag(ctx, "export-session-key", "1");
  if (options.session_key) {
    if (auto err = gpgme_set_ctx_flag(ctx, "override-session-key", options.session_key->c_str()))
      return fail(detail::gpgme_failure(err, "session key"));
  }

  const auto flags = options.unwrap ? GPGME_DECRYPT_UNWRAP : GPGME_DECRYPT_VERIFY;
  const gpgme_error_t err = gpgme_op_decrypt_ext(ctx, flags, op->in.get(), op->out.get());
  StatelessDecryptReport report;
  gpgme_decrypt_result_t result = gpgme_op_decrypt_result(ctx);
  bool encrypted = false;
  if (result) {
    for (auto r = result->recipients; r; r = r->next) {
      encrypted = true;
      if (r->keyid) report.recipient_key_ids.emplace_back(r->keyid);
    }
    if (result->symkey_algo && *result->symkey_algo) encrypted = true;
    if (result->session_key) report.session_key = result->session_key;
    // RFC 4880 5.13: without the modification detection code a changed message cannot be
    // told from the original; such messages are refused, whatever gpg decided.
    if (result->legacy_cipher_nomdc) return fail(Errc::bad_data, "message is not integrity-protected (no MDC); refused");
  }
  encrypted = encrypted || log.has("ENC_TO") || log.has("NEED_PASSPHRASE_SYM") || log.has("BEGIN_DECRYPTION");
  if (err) {
    const auto code = gpgme_err_code(err);
    if (!encrypted) return fail(Errc::bad_data, "no OpenPGP encrypted message found");
    if (options.session_key)
      return fail(Errc::no_key, "the session key does not open this message (or the message is corrupt)");
    // A locked key that would open the message is the more useful report.
    if (router.key_asked && !router.key) return fail(Errc::bad_passphrase, "the secret key is locked and no password for it was given");
    if (router.key_rejected || (router.key_asked && code == GPG_ERR_BAD_PASSPHRASE))
      return fail(Errc::bad_passphrase, "the password does not unlock the secret key");
    if (log.has("ERROR", "symkey_decrypt.maybe_error") && !log.has("DECRYPTION_KEY"))
      return fail(Errc::no_key, "the password does not open this message");
    // Opened by a secret key or a password: what failed afterwards is the data.
    const bool opened = log.has("DECRYPTION_KEY") || (router.message_asked && router.message);
    if (!opened && router.message_asked) return fail(Errc::no_key, "the message needs a password and none was given");
    if (!opened && (code == GPG_ERR_NO_SECKEY || log.has("NO_SECKEY"))) {
      std::string ids;
      for (const auto& id : report.recipient_key_ids) ids += (ids.empty() ? "" : ", ") + id;
      return fail(Errc::no_key, "no secret key for this message (encrypted for key ids " + ids + ")");
    }
    if (code == GPG_ERR_DECRYPT_FAILED || code == GPG_ERR_NO_DATA || code == GPG_ERR_BAD_DATA || code == GPG_ERR_BAD_KEY)
      return fail(Errc::bad_data, "decryption failed: the message is corrupt, truncated or was modified");
    return fail(detail::gpgme_failure(err, "decryption failed"));
  }
  report.signatures = with_types(detail::signature_reports(ctx), log);
  return report;
}

Status add_user_id(Keyring& keyring, const std::string& fingerprint, const std::string& user_id,
                   const std::optional<Secret>& passphrase) {
  keyring.will_use_agent();
  detail::ContextOptions options;
  options.passphrase = passphrase;
  auto ctx = detail::Context::create(keyring, std::move(options));
  if (!ctx) return fail(ctx.error());
  gpgme_key_t raw = nullptr;
  if (auto err = gpgme_get_key(ctx->get(), fingerprint.c_str(), &raw, 1)) return fail(detail::gpgme_failure(err, fingerprint));
  detail::Key key(raw);
  if (auto err = gpgme_op_adduid(ctx->get(), key.get(), user_id.c_str(), 0))
    return fail(detail::gpgme_failure(err, "cannot add user ID \"" + user_id + "\""));
  return {};
}

Result<std::string> engine_versions() {
  if (auto status = detail::ensure_gpgme(); !status) return fail(status.error());
  std::string text = std::string("GPGME ") + gpgme_check_version(nullptr);
  gpgme_engine_info_t info = nullptr;
  if (gpgme_get_engine_info(&info) == 0) {
    for (; info; info = info->next)
      if (info->protocol == GPGME_PROTOCOL_OpenPGP && info->version) text += std::string(", GnuPG ") + info->version;
  }
  return text;
}

}  // namespace payload::pgp
