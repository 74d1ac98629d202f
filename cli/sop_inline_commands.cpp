// `payload sop inline-sign`, `inline-verify` and `inline-detach`.
#include <algorithm>
#include <iostream>

#include <payload/pgp/armor.h>
#include <payload/pgp/packet.h>
#include <payload/pgp/signature.h>
#include <payload/pgp/stateless.h>

#include "sop_args.h"
#include "sop_commands.h"
#include "sop_inputs.h"
#include "sop_verifications.h"

namespace payload::cli::sop {
namespace {

struct Detached {
  std::string data;        // what the signatures cover
  std::string signatures;  // binary signature packets
};

std::string_view trim_right(std::string_view text, std::string_view blanks) {
  while (!text.empty() && blanks.find(text.back()) != std::string_view::npos) text.remove_suffix(1);
  return text;
}

// RFC 4880 7 (RFC 9580 7): the signed text of a cleartext-signed message is the text
// between the header's blank line and the "-----BEGIN PGP SIGNATURE-----" line, with
// dash-escaping undone, trailing spaces and tabs removed from every line, and without
// the line ending before the signature, which is not part of the signed text.
Outcome<Detached> detach_cleartext(std::string_view message) {
  enum class State { before, headers, text } state = State::before;
  Detached out;
  std::string pending_newline;
  size_t pos = 0;
  while (pos < message.size()) {
    const size_t newline = message.find('\n', pos);
    const size_t end = newline == std::string_view::npos ? message.size() : newline + 1;
    std::string_view raw = message.substr(pos, end - pos);
    pos = end;
    std::string_view ending = raw.size() >= 2 && raw.substr(raw.size() - 2) == "\r\n" ? "\r\n" : raw.back() == '\n' ? "\n" : "";
    std::string_view line = raw.substr(0, raw.size() - ending.size());
    switch (state) {
      case State::before:
        if (trim_right(line, " \t\r").empty()) break;
        if (trim_right(line, " \t\r") != "-----BEGIN PGP SIGNED MESSAGE-----") return failure(exit_bad_data, "not a cleartext-signed message");
        state = State::headers;
        break;
      case State::headers:
        if (trim_right(line, " \t\r").empty()) state = State::text;
        else if (line.find(':') == std::string_view::npos) return failure(exit_bad_data, "cleartext-signed message: malformed header line");
        break;
      case State::text: {
        if (trim_right(line, " \t\r") == "-----BEGIN PGP SIGNATURE-----") {
          auto signatures = pgp::dearmor(message.substr(pos - raw.size()));
          if (!signatures) return failure(exit_bad_data, signatures.error().with_context("cleartext signature"));
          out.signatures = std::move(*signatures);
          return out;
        }
        out.data += pending_newline;
        if (line.substr(0, 2) == "- ") line.remove_prefix(2);
        out.data += trim_right(line, " \t\r");
        pending_newline.assign(ending);
        break;
      }
    }
  }
  return failure(exit_bad_data, "cleartext-signed message without its signature");
}

// An inline-signed message in packets: one-pass signatures, a literal data packet and
// signatures (or signatures first, the older form). Compressed messages are not taken
// apart here.
Outcome<Detached> detach_packets(std::string_view binary) {
  auto packets = pgp::split_packets(binary);
  if (!packets) return failure(exit_bad_data, packets.error().message());
  Detached out;
  int literals = 0;
  for (const auto& p : *packets) {
    switch (p.tag) {
      case pgp::tag::signature: out.signatures += p.encoded; break;
      case pgp::tag::one_pass_signature:
      case pgp::tag::marker:
      case pgp::tag::padding: break;
      case pgp::tag::literal: {
        // RFC 4880 5.9: format, file name length and name, four-octet date, then the data.
        const auto& body = p.body;
        const size_t header = body.size() < 2 ? 0 : size_t{6} + static_cast<unsigned char>(body[1]);
        if (header == 0 || body.size() < header) return failure(exit_bad_data, "malformed literal data packet");
        out.data = body.substr(header);
        ++literals;
        break;
      }
      case pgp::tag::compressed: return failure(exit_bad_data, "compressed inline-signed messages cannot be detached by payload sop");
      default: return failure(exit_bad_data, "not an inline-signed message (packet tag " + std::to_string(p.tag) + ")");
    }
  }
  if (literals != 1) return failure(exit_bad_data, "not an inline-signed message (" + std::to_string(literals) + " literal data packets)");
  if (out.signatures.empty()) return failure(exit_bad_data, "the message carries no signature");
  return out;
}

}  // namespace

int run_inline_sign(const Words& argv) {
  auto args = Args::parse(argv, {{"--no-armor"}, {"--as", true}, {"--with-key-password", true, true}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop inline-sign [--no-armor] [--as=binary|text|clearsigned] [--with-key-password=PASSWORD...] "
                 "[--] KEYS... < DATA > MESSAGE\n";
    return exit_ok;
  }
  const std::string as = args->value("--as").value_or("binary");
  if (as != "binary" && as != "text" && as != "clearsigned")
    return report({exit_unsupported_option, "--as must be binary, text or clearsigned, not " + as});
  if (as == "clearsigned" && args->flag("--no-armor"))
    return report({exit_incompatible_options, "--as=clearsigned and --no-armor exclude each other"});
  if (args->positionals().empty()) return report({exit_missing_arg, "inline-sign needs KEYS"});
  auto passwords = read_password_candidates(args->values("--with-key-password"));
  if (!passwords) return report(passwords.error());

  auto key_data = read_materials(args->positionals());
  if (!key_data) return report(key_data.error());

  auto session = Session::create(Session::Agent::needed);
  if (!session) return report(session.error());
  auto keys = session->import_all(*key_data, true);
  if (!keys) return report(keys.error());
  std::vector<std::string> signers;
  for (const auto& imported : *keys)
    for (const auto& f : imported.fingerprints)
      if (std::find(signers.begin(), signers.end(), f) == signers.end()) signers.push_back(f);
  std::optional<io::SpoolFile> text;
  io::Input in{STDIN_FILENO, {}, 0};
  if (as != "binary") {
    auto spooled = spool_standard_input();
    if (!spooled) return report(spooled.error());
    if (auto status = require_utf8(*spooled); !status) return report(status.error());
    text.emplace(std::move(*spooled));
    auto input = rewound(*text);
    if (!input) return report(input.error());
    in = *input;
  }
  if (!passwords->empty()) {
    if (auto status = session->unlock_signing_keys(signers, *passwords); !status) return report(status.error());
  }
  auto out = io::SpoolFile::create();
  if (!out) return report({exit_unspecified, out.error().message()});
  pgp::SignOptions options;
  options.signers = signers;
  options.mode = as == "clearsigned" ? pgp::SignMode::clearsign : pgp::SignMode::inline_binary;
  options.armor = !args->flag("--no-armor");
  options.text_mode = as != "binary";
  auto made = pgp::sign(session->keyring(), options, in, out->output());
  if (!made) {
    const auto code = made.error().code();
    return report({code == Errc::bad_passphrase ? exit_key_is_protected
                   : code == Errc::key_unusable ? exit_key_cannot_sign
                                                : exit_unspecified,
                   made.error().message()});
  }
  if (auto status = release_to_standard_output(*out); !status) return report(status.error());
  return exit_ok;
}

int run_inline_verify(const Words& argv) {
  auto args = Args::parse(argv, {{"--not-before", true}, {"--not-after", true}, {"--verifications-out", true}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop inline-verify [--not-before=DATE] [--not-after=DATE] [--verifications-out=VERIFICATIONS] "
                 "[--] CERTS... < MESSAGE > DATA\n";
    return exit_ok;
  }
  if (args->positionals().empty()) return report({exit_missing_arg, "inline-verify needs CERTS"});
  auto window = time_window(args->value("--not-before"), args->value("--not-after"));
  if (!window) return report(window.error());
  auto verifications_out = open_optional_output(args->value("--verifications-out"));
  if (!verifications_out) return report(verifications_out.error());

  auto cert_data = read_materials(args->positionals());
  if (!cert_data) return report(cert_data.error());

  auto session = Session::create(holds_secret_key(*cert_data) ? Session::Agent::needed : Session::Agent::not_needed);
  if (!session) return report(session.error());
  auto certs = session->import_all(*cert_data, false);
  if (!certs) return report(certs.error());
  // The message is read twice at most (taken apart, or handed to gpg as it is); the signed
  // content is released only once a signature is accepted.
  auto message = spool_standard_input();
  if (!message) return report(message.error());
  auto in = rewound(*message);
  if (!in) return report(in.error());
  auto content = io::SpoolFile::create();
  if (!content) return report({exit_unspecified, content.error().message()});
  auto checked = pgp::verify_message_typed(session->keyring(), *in, content->output());
  if (!checked) return report({checked.error().code() == Errc::bad_data ? exit_bad_data : exit_unspecified, checked.error().message()});
  const auto lines = verification_lines(*checked, *certs, *window);
  if (lines.empty()) return report({exit_no_signature, "no acceptable signature found"});
  if (*verifications_out) {
    (*verifications_out)->append(lines);
    if (auto status = (*verifications_out)->commit(); !status) return report(status.error());
  }
  if (auto status = release_to_standard_output(*content); !status) return report(status.error());
  return exit_ok;
}

int run_inline_detach(const Words& argv) {
  auto args = Args::parse(argv, {{"--no-armor"}, {"--signatures-out", true}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop inline-detach [--no-armor] --signatures-out=SIGNATURES < MESSAGE > DATA\n";
    return exit_ok;
  }
  if (!args->positionals().empty()) return report({exit_unsupported_option, "inline-detach takes no arguments"});
  const auto signatures_argument = args->value("--signatures-out");
  if (!signatures_argument) return report({exit_missing_arg, "inline-detach needs --signatures-out"});
  auto signatures_out = IndirectOutput::open(*signatures_argument);
  if (!signatures_out) return report(signatures_out.error());
  auto message = read_standard_input();
  if (!message) return report(message.error());

  Outcome<Detached> detached = failure(exit_bad_data, "no input");
  if (pgp::starts_cleartext_signed(*message)) {
    detached = detach_cleartext(*message);
  } else if (pgp::starts_armored(*message)) {
    auto binary = pgp::dearmor(*message);
    if (!binary) return report({exit_bad_data, binary.error().message()});
    detached = detach_packets(*binary);
  } else {
    detached = detach_packets(*message);
  }
  if (!detached) return report(detached.error());
  auto packets = pgp::split_packets(detached->signatures);
  if (!packets || packets->empty()) return report({exit_bad_data, "the message carries no readable signature"});
  for (const auto& p : *packets)
    if (p.tag != pgp::tag::signature) return report({exit_bad_data, "the signature block holds more than signatures"});

  signatures_out->append(args->flag("--no-armor") ? detached->signatures : pgp::armor(detached->signatures, pgp::ArmorKind::signature));
  if (auto status = signatures_out->commit(); !status) return report(status.error());
  if (auto status = write_standard_output(detached->data); !status) return report(status.error());
  return exit_ok;
}

}  // namespace payload::cli::sop
