// `payload sop sign`, `verify`, `encrypt` and `decrypt`.
#include <algorithm>
#include <cctype>
#include <iostream>

#include <payload/pgp/armor.h>
#include <payload/pgp/keys.h>
#include <payload/pgp/message.h>
#include <payload/pgp/packet.h>
#include <payload/pgp/signature.h>
#include <payload/pgp/stateless.h>

#include "sop_args.h"
#include "sop_commands.h"
#include "sop_inputs.h"
#include "sop_verifications.h"

namespace payload::cli::sop {
namespace {

std::vector<std::string> fingerprints_of(const std::vector<Imported>& imported) {
  std::vector<std::string> out;
  for (const auto& i : imported)
    for (const auto& f : i.fingerprints)
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  return out;
}

// The exit code for a failed signing operation.
int signing_exit(Errc code) {
  switch (code) {
    case Errc::bad_passphrase: return exit_key_is_protected;
    case Errc::key_unusable: return exit_key_cannot_sign;
    case Errc::unsupported: return exit_unsupported_asymmetric_algo;
    default: return exit_unspecified;
  }
}

// RFC 3156 5: micalg="pgp-sha256"; with several digests there is no single value.
std::string micalg(const pgp::SignReport& report) {
  std::string value;
  for (const auto& s : report.signatures) {
    std::string name = "pgp-" + s.digest;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!value.empty() && value != name) return {};
    value = name;
  }
  return value;
}

// SIGNATURES must be signature packets and nothing else: given a signed message, gpg would
// check the message's own content instead of the data on standard input.
Outcome<std::string> signatures_only(const std::string& argument, const std::string& content) {
  std::string binary = content;
  if (pgp::starts_armored(content)) {
    auto decoded = pgp::dearmor(content);
    if (!decoded) return failure(exit_bad_data, decoded.error().with_context(argument));
    binary = std::move(*decoded);
  }
  auto packets = pgp::split_packets(binary);
  if (!packets) return failure(exit_bad_data, packets.error().with_context(argument));
  if (packets->empty()) return failure(exit_bad_data, argument + ": no OpenPGP signature");
  for (const auto& p : *packets)
    if (p.tag != pgp::tag::signature && p.tag != pgp::tag::marker && p.tag != pgp::tag::padding)
      return failure(exit_bad_data, argument + ": not OpenPGP signatures (packet tag " + std::to_string(p.tag) + ")");
  return binary;
}

Outcome<io::SpoolFile> spool_of(std::string_view bytes) {
  auto spool = io::SpoolFile::create();
  if (!spool) return failure(exit_unspecified, spool.error());
  if (auto status = io::write_all(spool->output().fd, bytes); !status) return failure(exit_unspecified, status.error());
  return std::move(*spool);
}

// Recipients must have a usable encryption key.
Done require_encryption_capable(pgp::Keyring& keyring, const std::vector<Imported>& certs) {
  for (const auto& cert : certs) {
    for (const auto& fpr : cert.fingerprints) {
      auto key = pgp::find_key(keyring, fpr, false);
      if (!key) return failure(exit_unspecified, key.error());
      if (key->capabilities.find('E') == std::string::npos || key->expired || key->revoked)
        return failure(exit_cert_cannot_encrypt, cert.argument + ": " + fpr + " has no usable encryption key (expired, revoked or signing-only)");
    }
  }
  return {};
}

bool is_session_key(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == 0 || colon == std::string::npos || colon + 1 == text.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (i < colon ? !std::isdigit(c) : i > colon && !std::isxdigit(c)) return false;
  }
  return true;
}

}  // namespace

int run_sign(const Words& argv) {
  auto args = Args::parse(argv, {{"--no-armor"}, {"--as", true}, {"--micalg-out", true}, {"--with-key-password", true, true}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop sign [--no-armor] [--as=binary|text] [--micalg-out=MICALG] [--with-key-password=PASSWORD...] "
                 "[--] KEYS... < DATA > SIGNATURES\n";
    return exit_ok;
  }
  const std::string as = args->value("--as").value_or("binary");
  if (as != "binary" && as != "text") return report({exit_unsupported_option, "--as must be binary or text, not " + as});
  if (args->positionals().empty()) return report({exit_missing_arg, "sign needs KEYS"});
  auto micalg_out = open_optional_output(args->value("--micalg-out"));
  if (!micalg_out) return report(micalg_out.error());
  auto passwords = read_password_candidates(args->values("--with-key-password"));
  if (!passwords) return report(passwords.error());

  auto key_data = read_materials(args->positionals());
  if (!key_data) return report(key_data.error());

  auto session = Session::create(Session::Agent::needed);
  if (!session) return report(session.error());
  auto keys = session->import_all(*key_data, true);
  if (!keys) return report(keys.error());
  const auto signers = fingerprints_of(*keys);

  std::optional<io::SpoolFile> text;
  io::Input in{STDIN_FILENO, {}, 0};
  if (as == "text") {
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
  options.mode = pgp::SignMode::detached;
  options.armor = !args->flag("--no-armor");
  options.text_mode = as == "text";
  auto made = pgp::sign(session->keyring(), options, in, out->output());
  if (!made) return report({signing_exit(made.error().code()), made.error().message()});
  if (*micalg_out) {
    (*micalg_out)->append(micalg(*made));
    if (auto status = (*micalg_out)->commit(); !status) return report(status.error());
  }
  if (auto status = release_to_standard_output(*out); !status) return report(status.error());
  return exit_ok;
}

int run_verify(const Words& argv) {
  auto args = Args::parse(argv, {{"--not-before", true}, {"--not-after", true}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop verify [--not-before=DATE] [--not-after=DATE] [--] SIGNATURES CERTS... < DATA > VERIFICATIONS\n";
    return exit_ok;
  }
  const auto& positionals = args->positionals();
  if (positionals.size() < 2) return report({exit_missing_arg, "verify needs SIGNATURES and at least one CERTS"});
  auto window = time_window(args->value("--not-before"), args->value("--not-after"));
  if (!window) return report(window.error());
  auto content = read_indirect(positionals.front());
  if (!content) return report(content.error());
  auto signatures = signatures_only(positionals.front(), *content);
  if (!signatures) return report(signatures.error());

  auto cert_data = read_materials(std::vector<std::string>(positionals.begin() + 1, positionals.end()));
  if (!cert_data) return report(cert_data.error());

  auto session = Session::create(holds_secret_key(*cert_data) ? Session::Agent::needed : Session::Agent::not_needed);
  if (!session) return report(session.error());
  auto certs = session->import_all(*cert_data, false);
  if (!certs) return report(certs.error());
  auto sig_spool = spool_of(*signatures);
  if (!sig_spool) return report(sig_spool.error());
  auto sig_input = rewound(*sig_spool);
  if (!sig_input) return report(sig_input.error());
  auto checked = pgp::verify_detached_typed(session->keyring(), io::Input{STDIN_FILENO, {}, 0}, *sig_input);
  if (!checked) return report({checked.error().code() == Errc::bad_data ? exit_bad_data : exit_unspecified, checked.error().message()});
  const auto lines = verification_lines(*checked, *certs, *window);
  if (lines.empty()) return report({exit_no_signature, "no acceptable signature found"});
  if (auto status = write_standard_output(lines); !status) return report(status.error());
  return exit_ok;
}

int run_encrypt(const Words& argv) {
  auto args = Args::parse(argv, {{"--as", true},
                                 {"--no-armor"},
                                 {"--with-password", true, true},
                                 {"--sign-with", true, true},
                                 {"--with-key-password", true, true},
                                 {"--profile", true}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop encrypt [--as=binary|text] [--no-armor] [--with-password=PASSWORD] [--sign-with=KEYS...]\n"
                 "                           [--with-key-password=PASSWORD...] [--profile=PROFILE] [--] [CERTS...] < DATA > CIPHERTEXT\n";
    return exit_ok;
  }
  const std::string as = args->value("--as").value_or("binary");
  if (as != "binary" && as != "text") return report({exit_unsupported_option, "--as must be binary or text, not " + as});
  const std::string profile = args->value("--profile").value_or("default");
  if (profile != "default" && profile != "zlib")
    return report({exit_unsupported_profile, "encrypt: unknown profile " + profile + " (see list-profiles encrypt)"});
  const auto password_args = args->values("--with-password");
  if (password_args.size() > 1)
    return report({exit_unsupported_option, "--with-password: GnuPG writes one password packet per message; give one"});
  if (args->positionals().empty() && password_args.empty()) return report({exit_missing_arg, "encrypt needs CERTS or --with-password"});
  std::optional<Secret> message_password;
  if (!password_args.empty()) {
    auto password = read_new_password(password_args.front());
    if (!password) return report(password.error());
    message_password = std::move(*password);
  }
  auto key_passwords = read_password_candidates(args->values("--with-key-password"));
  if (!key_passwords) return report(key_passwords.error());

  auto cert_data = read_materials(args->positionals());
  if (!cert_data) return report(cert_data.error());
  auto key_data = read_materials(args->values("--sign-with"));
  if (!key_data) return report(key_data.error());

  const bool agent = !key_data->empty() || message_password || holds_secret_key(*cert_data);
  auto session = Session::create(agent ? Session::Agent::needed : Session::Agent::not_needed);
  if (!session) return report(session.error());
  auto certs = session->import_all(*cert_data, false);
  if (!certs) return report(certs.error());
  if (auto status = require_encryption_capable(session->keyring(), *certs); !status) return report(status.error());
  auto keys = session->import_all(*key_data, true);
  if (!keys) return report(keys.error());
  const auto signers = fingerprints_of(*keys);
  // gpg answers one passphrase prompt per operation: with a message password the signing
  // keys are unlocked beforehand, in this call's own agent.
  if (!signers.empty() && (!key_passwords->empty() || message_password)) {
    if (auto status = session->unlock_signing_keys(signers, *key_passwords); !status) return report(status.error());
  }

  pgp::EncryptOptions options;
  options.recipients = fingerprints_of(*certs);
  options.signers = signers;
  options.symmetric_passphrase = message_password;
  options.armor = !args->flag("--no-armor");
  options.text_mode = as == "text";
  options.algorithms.cipher = pgp::Cipher::aes256;
  options.algorithms.compression = profile == "zlib" ? pgp::Compression::zlib : pgp::Compression::none;
  auto out = io::SpoolFile::create();
  if (!out) return report({exit_unspecified, out.error().message()});
  auto made = pgp::encrypt(session->keyring(), options, io::Input{STDIN_FILENO, {}, 0}, out->output());
  if (!made) {
    const auto code = made.error().code();
    const int exit = code == Errc::key_unusable     ? (signers.empty() ? exit_cert_cannot_encrypt : exit_key_cannot_sign)
                     : code == Errc::bad_passphrase ? exit_key_is_protected
                     : code == Errc::unsupported    ? exit_unsupported_asymmetric_algo
                                                    : exit_unspecified;
    return report({exit, made.error().message()});
  }
  if (auto status = release_to_standard_output(*out); !status) return report(status.error());
  return exit_ok;
}

int run_decrypt(const Words& argv) {
  auto args = Args::parse(argv, {{"--session-key-out", true},
                                 {"--with-session-key", true, true},
                                 {"--with-password", true, true},
                                 {"--verifications-out", true},
                                 {"--verify-with", true, true},
                                 {"--verify-not-before", true},
                                 {"--verify-not-after", true},
                                 {"--with-key-password", true, true}});
  if (!args) return report(args.error());
  if (args->help()) {
    std::cout << "Usage: payload sop decrypt [--session-key-out=SESSIONKEY] [--with-session-key=SESSIONKEY...]\n"
                 "         [--with-password=PASSWORD...] [--with-key-password=PASSWORD...]\n"
                 "         [--verifications-out=VERIFICATIONS --verify-with=CERTS...] [--verify-not-before=DATE]\n"
                 "         [--verify-not-after=DATE] [--] [KEYS...] < CIPHERTEXT > DATA\n";
    return exit_ok;
  }
  const auto verify_with = args->values("--verify-with");
  const auto session_key_args = args->values("--with-session-key");
  const auto password_args = args->values("--with-password");
  if (args->positionals().empty() && password_args.empty() && session_key_args.empty())
    return report({exit_missing_arg, "decrypt needs KEYS, --with-password or --with-session-key"});
  if (args->value("--verifications-out").has_value() != !verify_with.empty())
    return report({exit_incomplete_verification, "--verifications-out and --verify-with go together"});
  auto window = time_window(args->value("--verify-not-before"), args->value("--verify-not-after"));
  if (!window) return report(window.error());
  auto verifications_out = open_optional_output(args->value("--verifications-out"));
  if (!verifications_out) return report(verifications_out.error());
  auto session_key_out = open_optional_output(args->value("--session-key-out"));
  if (!session_key_out) return report(session_key_out.error());

  std::vector<std::string> session_keys;
  for (const auto& argument : session_key_args) {
    auto content = read_indirect(argument);
    if (!content) return report(content.error());
    std::string key = *content;
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (!is_session_key(key)) return report({exit_bad_data, argument + ": not a session key (ALGORITHM:HEX)"});
    session_keys.push_back(std::move(key));
  }
  auto message_passwords = read_password_candidates(password_args);
  if (!message_passwords) return report(message_passwords.error());
  auto key_passwords = read_password_candidates(args->values("--with-key-password"));
  if (!key_passwords) return report(key_passwords.error());

  auto key_data = read_materials(args->positionals());
  if (!key_data) return report(key_data.error());
  auto cert_data = read_materials(verify_with);
  if (!cert_data) return report(cert_data.error());

  const bool agent = !key_data->empty() || !message_passwords->empty() || holds_secret_key(*cert_data);
  auto session = Session::create(agent ? Session::Agent::needed : Session::Agent::not_needed);
  if (!session) return report(session.error());
  if (auto keys = session->import_all(*key_data, true); !keys) return report(keys.error());
  auto imported_certs = session->import_all(*cert_data, false);
  if (!imported_certs) return report(imported_certs.error());
  const auto& certs = *imported_certs;

  // Session keys first, then every message password with every key password.
  std::vector<pgp::StatelessDecryptOptions> attempts;
  for (const auto& key : session_keys) {
    pgp::StatelessDecryptOptions attempt;
    attempt.session_key = key;
    attempts.push_back(std::move(attempt));
  }
  if (!args->positionals().empty() || !message_passwords->empty()) {
    std::vector<std::optional<std::string>> messages(message_passwords->begin(), message_passwords->end());
    std::vector<std::optional<std::string>> keys(key_passwords->begin(), key_passwords->end());
    if (messages.empty()) messages.emplace_back();
    if (keys.empty()) keys.emplace_back();
    for (const auto& m : messages)
      for (const auto& k : keys) {
        pgp::StatelessDecryptOptions attempt;
        attempt.message_passphrase = m;
        attempt.key_passphrase = k;
        attempts.push_back(std::move(attempt));
      }
  }
  // More than one attempt reads the message more than once.
  std::optional<io::SpoolFile> ciphertext;
  if (attempts.size() > 1) {
    auto spooled = spool_standard_input();
    if (!spooled) return report(spooled.error());
    ciphertext.emplace(std::move(*spooled));
  }

  std::optional<pgp::StatelessDecryptReport> result;
  std::optional<io::SpoolFile> plaintext;
  bool locked = false;
  std::string last_error = "no key, password or session key to try";
  for (auto& attempt : attempts) {
    attempt.export_session_key = session_key_out->has_value();
    // To verify, the decrypted message itself is taken (verify_message_typed: gpg 2.2
    // misjudges text signatures of other implementations inside messages).
    attempt.unwrap = !certs.empty();
    io::Input in{STDIN_FILENO, {}, 0};
    if (ciphertext) {
      auto input = rewound(*ciphertext);
      if (!input) return report(input.error());
      in = *input;
    }
    auto spool = io::SpoolFile::create();
    if (!spool) return report({exit_unspecified, spool.error().message()});
    auto decrypted = pgp::decrypt_stateless(session->keyring(), attempt, in, spool->output());
    if (decrypted) {
      result = std::move(*decrypted);
      plaintext.emplace(std::move(*spool));
      break;
    }
    last_error = decrypted.error().message();
    switch (decrypted.error().code()) {
      case Errc::bad_data: return report({exit_bad_data, last_error});
      case Errc::bad_passphrase: locked = true; break;
      case Errc::no_key: break;
      default: return report({exit_unspecified, last_error});
    }
  }
  if (!result) return report({locked ? exit_key_is_protected : exit_cannot_decrypt, "cannot decrypt: " + last_error});

  if (*verifications_out) {
    auto inner = rewound(*plaintext);
    if (!inner) return report(inner.error());
    auto content = io::SpoolFile::create();
    if (!content) return report({exit_unspecified, content.error().message()});
    auto checked = pgp::verify_message_typed(session->keyring(), *inner, content->output());
    if (!checked) return report({exit_no_signature, "no acceptable signature: " + checked.error().message()});
    const auto lines = verification_lines(*checked, certs, *window);
    if (lines.empty()) return report({exit_no_signature, "no acceptable signature by the --verify-with certificates"});
    (*verifications_out)->append(lines);
    if (auto status = (*verifications_out)->commit(); !status) return report(status.error());
    plaintext.emplace(std::move(*content));
  }
  if (*session_key_out) {
    if (result->session_key.empty()) return report({exit_unspecified, "gpg did not report the session key"});
    (*session_key_out)->append(result->session_key + "\n");
    if (auto status = (*session_key_out)->commit(); !status) return report(status.error());
  }
  if (auto status = release_to_standard_output(*plaintext); !status) return report(status.error());
  return exit_ok;
}

}  // namespace payload::cli::sop
