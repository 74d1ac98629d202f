// Private to src/as2: layer detection and removal (RFC 4130 5, 7.3.1; RFC 5402; RFC 8551 3).
#include "unwrap.h"

#include <algorithm>

#include <payload/mime/base64.h>
#include <payload/mime/multipart.h>
#include <payload/mime/transfer_encoding.h>

#include "cms_sniff.h"
#include "spool.h"

namespace payload::as2::detail {

namespace {

tl::unexpected<Failure> failure(Outcome outcome, Errc code, std::string message) {
  return tl::unexpected<Failure>(Failure{outcome, Error(code, std::move(message))});
}
tl::unexpected<Failure> failure(Outcome outcome, const Error& error, std::string_view context) {
  return tl::unexpected<Failure>(Failure{outcome, error.with_context(context)});
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// What an entity that does not even parse means depends on where it came from: garbage
// out of a decryption is a decryption failure (a corrupted CBC ciphertext can decrypt
// without a padding error), out of a decompression a decompression failure.
Outcome malformed_outcome(Origin origin) {
  switch (origin) {
    case Origin::decrypted: return Outcome::decryption_failed;
    case Origin::decompressed: return Outcome::decompression_failed;
    case Origin::http:
    case Origin::signed_part: break;
  }
  return Outcome::unexpected_processing_error;
}

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::http: return "HTTP entity";
    case Origin::decrypted: return "decrypted entity";
    case Origin::decompressed: return "decompressed entity";
    case Origin::signed_part: return "signed part";
  }
  return "entity";
}

}  // namespace

Result<DecodedBody> decode_body(const mime::Entity& entity, const io::MappedFile* file) {
  auto encoding = entity.transfer_encoding();
  if (!encoding) return fail(encoding.error());
  DecodedBody decoded;
  if (*encoding == mime::TransferEncoding::base64 && file != nullptr && file->contains(entity.body()) &&
      entity.body().size() >= spool_threshold) {
    auto spool = io::SpoolFile::create();
    if (!spool) return fail(spool.error());
    mime::Base64Decoder decoder;
    std::string bytes;
    const auto flush = [&]() -> Status {
      auto written = io::write_all(spool->output().fd, bytes);
      bytes.clear();
      return written;
    };
    auto done = visit_in_windows(entity.body(), file, [&](std::string_view window) -> Status {
      if (auto ok = decoder.update(window, bytes); !ok) return ok;
      return flush();
    });
    if (!done) return fail(done.error());
    if (auto ok = decoder.finish(bytes); !ok) return fail(ok.error());
    if (auto ok = flush(); !ok) return fail(ok.error());
    auto mapped = io::MappedFile::map(spool->output().fd);
    if (!mapped) return fail(mapped.error());
    decoded.file = std::move(*mapped);
    decoded.view = decoded.file->bytes();
    return decoded;
  }
  if (*encoding == mime::TransferEncoding::base64 || *encoding == mime::TransferEncoding::quoted_printable) {
    auto text = mime::decode_transfer_encoding(entity.body(), *encoding);
    if (!text) return fail(text.error());
    decoded.owned = std::move(*text);
    decoded.view = decoded.owned;
  } else {
    // RFC 4130 5.2.1: 7bit, 8bit, binary or none are all the bytes as they are.
    decoded.view = entity.body();
  }
  return decoded;
}

Result<mdn::Mic> compute_mic(std::string_view bytes, const io::MappedFile* file, cms::DigestAlg algorithm) {
  if (file == nullptr || !file->contains(bytes)) return mdn::compute_mic(bytes, algorithm);
  auto hasher = mdn::MicHasher::start(algorithm);
  if (!hasher) return fail(hasher.error());
  if (auto ok = visit_in_windows(bytes, file, [&](std::string_view window) { return hasher->update(window); }); !ok)
    return fail(ok.error());
  return hasher->finish();
}

namespace {

// The entity of a layer's output: parsed from the bytes in memory, or over the mapped spool file.
Result<mime::Entity> parse_layer(Result<std::string> plain) {
  if (!plain) return tl::unexpected(plain.error());
  return mime::Entity::parse(std::move(*plain));
}
Result<mime::Entity> parse_layer(const std::shared_ptr<const io::MappedFile>& plain) {
  return mime::Entity::parse(plain, plain->bytes(), 0, plain->bytes().size());
}

// RFC 1847, RFC 8551 3.1.3: the signed part verified exactly as received. A large one in
// a mapped file is verified by the stream form from a copy the kernel makes, so that
// OpenSSL's pass over it does not make the whole part resident.
Result<cms::VerifyReport> verify_signed_part(std::string_view content, const io::MappedFile* file,
                                             std::string_view signature, const std::vector<cms::Certificate>& partners,
                                             const cms::VerifyOptions& options) {
  if (file == nullptr || !file->contains(content) || content.size() < spool_threshold)
    return cms::verify_detached(content, signature, partners, options);
  auto copy = spool_copy(content, *file);
  if (!copy) return fail(copy.error());
  return cms::verify_detached(io::Input{copy->output().fd, {}, content.size()}, signature, partners, options);
}

}  // namespace

tl::expected<void, Failure> unwrap(mime::Entity outer, const UnwrapContext& context, Unwrapped& out,
                                   std::shared_ptr<const io::MappedFile> outer_file) {
  static const std::vector<cms::Identity> no_identities;
  const auto& identities = context.identities != nullptr ? *context.identities : no_identities;
  Origin origin = Origin::http;
  // Optional so a large layer's buffer can be released once it is spooled.
  std::optional<mime::Entity> current(std::move(outer));
  std::shared_ptr<const io::MappedFile> current_file = std::move(outer_file);  // under `current`, if mapped
  // Each layer at most once (checked below), so this ends after three layers at most.
  for (;;) {
    if (context.keep_trace) out.trace.push_back(TraceEntry{origin, *current});
    auto type = current->content_type();
    if (!type) return failure(malformed_outcome(origin), type.error(), std::string(origin_name(origin)) + ": Content-Type");

    if (type->is("application/pkcs7-mime") || type->is("application/x-pkcs7-mime")) {
      const std::string smime_type(type->parameter("smime-type").value_or(""));
      const std::string smime = lowercase(smime_type);
      // A layer we cannot even read fails as what it claims to be (Drummond K.2, K.3).
      const Outcome claimed = smime == "compressed-data"                                      ? Outcome::decompression_failed
                              : (smime == "enveloped-data" || smime == "authenveloped-data") ? Outcome::decryption_failed
                                                                                             : Outcome::unexpected_processing_error;
      auto der = decode_body(*current, current_file.get());
      if (!der) return failure(claimed, der.error(), "application/pkcs7-mime body");
      // Once a large layer is spooled, its bytes are not needed in memory any more.
      const auto release = [&] {
        *der = DecodedBody{};
        if (!context.keep_trace) {
          current.reset();
          current_file.reset();
        }
      };
      // The spooled form of a layer: its output mapped, and that mapping under the next entity.
      std::shared_ptr<const io::MappedFile> spooled;
      const auto spool = [&](const StreamOperation& operation) -> Result<std::string> {
        auto mapped = through_mapped_spool(der->view, der->file != nullptr ? der->file : current_file, release, operation);
        if (!mapped) return fail(mapped.error());
        spooled = std::move(*mapped);
        return std::string();
      };
      // `plain` is the in-memory output, or empty when the output went to `spooled`.
      const auto next_entity = [&](Result<std::string> plain) -> Result<mime::Entity> {
        current_file = spooled;
        if (spooled == nullptr) return parse_layer(std::move(plain));
        return parse_layer(spooled);
      };
      switch (sniff_cms(der->view)) {
        case CmsKind::enveloped_data:
        case CmsKind::auth_enveloped_data: {
          if (out.encryption) return failure(Outcome::unexpected_processing_error, Errc::bad_data, "encrypted twice");
          cms::DecryptReport report;
          auto plain = der->view.size() < spool_threshold
                           ? cms::decrypt(der->view, identities, context.decrypt, &report)
                           : spool([&](const io::Input& in, const io::Output& spool_out) -> Status {
                               auto done = cms::decrypt(in, spool_out, identities, context.decrypt);
                               if (!done) return fail(done.error());
                               report = *done;
                               return {};
                             });
          // A cipher the partner policy refuses is "not enveloped as agreed" (i05 8.5.4).
          if (!plain)
            return failure(plain.error().code() == Errc::unsupported ? Outcome::insufficient_message_security
                                                                     : Outcome::decryption_failed,
                           plain.error(), "decrypting");
          der = DecodedBody{};  // the ciphertext is no longer needed
          auto next = next_entity(std::move(plain));
          if (!next) return failure(Outcome::decryption_failed, next.error(), "the decrypted content is not a MIME entity");
          out.layers.push_back(Layer::encrypted);
          out.encryption = EncryptionReport{report, smime_type};
          current = std::move(*next);
          origin = Origin::decrypted;
          continue;
        }
        case CmsKind::compressed_data: {
          if (out.compression) return failure(Outcome::unexpected_processing_error, Errc::bad_data, "compressed twice");
          cms::DecompressReport report;
          auto plain = der->view.size() < spool_threshold
                           ? cms::decompress(der->view, context.decompress, &report)
                           : spool([&](const io::Input& in, const io::Output& spool_out) -> Status {
                               auto done = cms::decompress(in, spool_out, context.decompress);
                               if (!done) return fail(done.error());
                               report = *done;
                               return {};
                             });
          if (!plain) return failure(Outcome::decompression_failed, plain.error(), "decompressing");
          der = DecodedBody{};
          auto next = next_entity(std::move(plain));
          if (!next) return failure(Outcome::decompression_failed, next.error(), "the decompressed content is not a MIME entity");
          // RFC 5402 4.1: compressed inside the signature = compressed before signing.
          const bool inside_signature =
              std::find(out.layers.begin(), out.layers.end(), Layer::signed_) != out.layers.end();
          out.layers.push_back(Layer::compressed);
          out.compression = CompressionReport{inside_signature ? CompressionOrder::before_signing : CompressionOrder::unsigned_,
                                              report};
          current = std::move(*next);
          origin = Origin::decompressed;
          continue;
        }
        case CmsKind::signed_data:
          return failure(Outcome::unexpected_processing_error, Errc::unsupported,
                         "enveloping SignedData (smime-type=signed-data) is not supported: AS2 signs with multipart/signed");
        case CmsKind::unknown: break;
      }
      return failure(claimed, Errc::bad_data, "application/pkcs7-mime body is not a known CMS structure");
    }

    if (type->is("multipart/signed")) {
      // RFC 1847 2.1: exactly two parts, the second the signature.
      if (out.layers.end() != std::find(out.layers.begin(), out.layers.end(), Layer::signed_))
        return failure(Outcome::unexpected_processing_error, Errc::bad_data, "signed twice");
      // Over a mapped file, the boundary search gives back the pages it has passed.
      const io::MappedFile* file = current_file.get();
      auto parts = file == nullptr ? mime::split_multipart(*current)
                                   : mime::split_multipart(*current, [file](std::string_view scanned) { file->release(scanned); });
      if (!parts) return failure(Outcome::authentication_failed, parts.error(), "multipart/signed");
      if (parts->size() != 2)
        return failure(Outcome::authentication_failed, Errc::bad_data,
                       "multipart/signed has " + std::to_string(parts->size()) + " parts, not 2 (RFC 1847 2.1)");
      auto signature_type = (*parts)[1].content_type();
      if (!signature_type || !(signature_type->is("application/pkcs7-signature") ||
                               signature_type->is("application/x-pkcs7-signature")))
        return failure(Outcome::authentication_failed, Errc::bad_data,
                       "the second part of multipart/signed is not application/pkcs7-signature");
      auto signature = decode_body((*parts)[1]);
      if (!signature) return failure(Outcome::authentication_failed, signature.error(), "signature part");
      out.declared_micalg = std::string(type->parameter("micalg").value_or(""));
      const mime::Entity& content = (*parts)[0];
      if (context.partners != nullptr) {
        auto verified = verify_signed_part(content.raw(), file, signature->view, *context.partners, context.verify);
        // A digest the policy refuses is "not signed as agreed" (i05 8.5.4); everything
        // else is the sender not authenticated (RFC 4130 7.5.4, Drummond K.1).
        if (!verified)
          return failure(verified.error().code() == Errc::unsupported ? Outcome::insufficient_message_security
                                                                      : Outcome::authentication_failed,
                         verified.error(), "verifying the signature");
        const cms::SignerReport& signer = verified->signers.front();
        // RFC 4130 7.3.1: the MIC is the digest of the signed part, headers included, in
        // the signer's digest; it must equal the signed messageDigest (as2-specs 2).
        auto mic = compute_mic(content.raw(), file, signer.digest);
        if (!mic) return failure(Outcome::unexpected_processing_error, mic.error(), "MIC");
        if (mic->digest != signer.message_digest)
          return failure(Outcome::integrity_check_failed, Errc::bad_data,
                         "the signed messageDigest differs from the digest of the received signed part");
        out.signature = SignatureReport{signer, *out.declared_micalg};
        out.signed_mic = std::move(*mic);
      }
      out.layers.push_back(Layer::signed_);
      if (out.compression) out.compression->order = CompressionOrder::after_signing;  // RFC 5402 4.2
      current = content;
      origin = Origin::signed_part;
      continue;
    }

    if (type->is_multipart())
      return failure(Outcome::unexpected_processing_error, Errc::unsupported,
                     type->media_type() + " payload: multiple attachments (RFC 6362) are not supported");
    out.payload = std::move(*current);
    out.payload_file = std::move(current_file);
    return {};
  }
}

}  // namespace payload::as2::detail
