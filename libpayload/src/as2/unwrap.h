// Private to src/as2: the layer engine shared by unpack (which verifies and reports) and
// the MIC explainer (which only needs the entities met on the way).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <payload/as2/outcome.h>
#include <payload/as2/unpack.h>
#include <payload/io/mapped_file.h>
#include <payload/mime/entity.h>

namespace payload::as2::detail {

struct Failure {
  Outcome outcome;
  Error error;
};

// How an entity was reached.
enum class Origin { http, decrypted, decompressed, signed_part };

struct TraceEntry {
  Origin origin;
  mime::Entity entity;
};

struct UnwrapContext {
  const std::vector<cms::Identity>* identities = nullptr;
  // nullptr: split multipart/signed without verifying (the explainer).
  const std::vector<cms::Certificate>* partners = nullptr;
  cms::VerifyOptions verify;
  cms::DecryptOptions decrypt;
  cms::DecompressLimits decompress;
  bool keep_trace = false;  // keeps every entity (and its buffer) alive
};

struct Unwrapped {
  std::vector<Layer> layers;  // outermost first
  std::optional<EncryptionReport> encryption;
  std::optional<SignatureReport> signature;
  std::optional<CompressionReport> compression;
  std::optional<mdn::Mic> signed_mic;       // RFC 4130 7.3.1, when verified
  std::optional<std::string> declared_micalg;  // multipart/signed micalg parameter
  std::optional<mime::Entity> payload;      // the innermost entity
  std::shared_ptr<const io::MappedFile> payload_file;  // the file mapped under it, if any
  std::vector<TraceEntry> trace;            // with keep_trace, outermost first, payload last
};

// A body with its transfer encoding undone: a view into the entity for the identity
// encodings, else an owned copy, or for a large base64 body in a mapped file a view of
// the spool file it was decoded into (window by window, the text's pages given back).
struct DecodedBody {
  std::string owned;
  std::string_view view;
  std::shared_ptr<const io::MappedFile> file;  // under `view` when it was decoded into one
};
// `file`: the mapped file under `entity`, if any.
[[nodiscard]] Result<DecodedBody> decode_body(const mime::Entity& entity, const io::MappedFile* file = nullptr);

// mdn::compute_mic over `bytes`; when they lie in `file`, window by window with the
// pages given back (visit_in_windows).
[[nodiscard]] Result<mdn::Mic> compute_mic(std::string_view bytes, const io::MappedFile* file, cms::DigestAlg algorithm);

// Unwraps `outer` layer by layer into `out`; on failure `out` holds what was found.
// `outer_file`: the mapped file `outer` was parsed from, if it was (large layers are then
// read from the file instead of through the mapping).
[[nodiscard]] tl::expected<void, Failure> unwrap(mime::Entity outer, const UnwrapContext& context, Unwrapped& out,
                                                 std::shared_ptr<const io::MappedFile> outer_file = nullptr);

}  // namespace payload::as2::detail
