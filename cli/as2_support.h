// What `payload as2` and `payload mdn` share: our identities and the partner's
// certificates from files, algorithm names, MIC values as typed by a user, and writing a
// small text result atomically.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/cms/algorithms.h>
#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>
#include <payload/core/error.h>
#include <payload/mdn/mic.h>

#include "common.h"

namespace payload::cli {

// `payload mdn verify`: the MDN is authentic and its MIC matches, but the partner reports
// a negative disposition (processed/error, failed/failure). docs/exit-codes.md.
inline constexpr int exit_negative_disposition = 11;
// `payload as2 send`: the MDN is authentic but its Received-Content-MIC is not the MIC
// recorded when the message was packed.
inline constexpr int exit_mic_mismatch = 12;
// `payload as2 send`: no HTTP answer (connection, TLS, timeout) or an answer other than 2xx.
inline constexpr int exit_transport = 13;

// Our identities from --key/--cert pairs, in order; one passphrase (the common passphrase
// options) unlocks every encrypted key; each key must belong to its certificate.
Result<std::vector<cms::Identity>> load_as2_identities(const std::vector<std::string>& keys,
                                                       const std::vector<std::string>& certs, const CommonOptions& common);
// Every certificate of each file (PEM bundles contribute all of theirs).
Result<std::vector<cms::Certificate>> load_as2_certificates(const std::vector<std::string>& files);

// "sha-256", "sha256", "SHA-256", "sha_256", ... (cms::parse_micalg). Errors: usage.
Result<cms::DigestAlg> parse_as2_digest(std::string_view text);
// "aes-256-cbc", ... ("3des" too). Errors: usage.
Result<cms::ContentCipher> parse_as2_cipher(std::string_view text);
// "rsa-pkcs1v15", "rsa-oaep-sha256", ... Errors: usage.
Result<cms::KeyTransport> parse_as2_key_transport(std::string_view text);

// A MIC as the user gives it: "BASE64, ALG" (pack's output, a Received-Content-MIC) or the
// base64 value alone, whose algorithm follows from its length (every supported digest has
// its own length). Errors: usage.
Result<mdn::Mic> parse_user_mic(std::string_view text);

// Writes `bytes` to `path` through a temporary file renamed into place ("-": stdout).
Status write_output(const std::string& path, std::string_view bytes, bool force);

// Whether notes go to stderr (not with --quiet or --json).
[[nodiscard]] inline bool show_notes(const CommonOptions& common) { return !common.quiet && !common.json; }

[[nodiscard]] std::string iso_time_point(std::chrono::system_clock::time_point at);

}  // namespace payload::cli
