// payload::as2 pack: payload -> AS2 HTTP message (RFC 4130 5, 7.3.1; RFC 5402; i05 5.2, 7).
#include <payload/as2/pack.h>

#include <payload/as2/filename.h>
#include <payload/as2/header_value.h>
#include <payload/cms/compress.h>
#include <payload/io/file.h>
#include <payload/mime/base64.h>
#include <payload/mime/canonicalize.h>
#include <payload/mime/content_type.h>
#include <payload/mime/multipart.h>
#include <payload/mime/params.h>

#include "spool.h"

namespace payload::as2 {

namespace {

// One MIME entity under construction: its fields (the Content-Transfer-Encoding among
// them) and its body, already transfer-encoded.
struct Part {
  std::vector<mime::FieldSpec> fields;
  std::string body;
};

// The header block and the empty line. Never folded (as2-specs T1).
std::string header_text(const Part& part) {
  std::string out;
  for (const auto& [name, value] : part.fields) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

// The whole entity, built in the body's own buffer: the body is taken over, so a large
// payload is not held twice once this returns.
std::string serialize(Part&& part) {
  std::string out = std::move(part.body);
  out.insert(0, header_text(part));
  part.fields.clear();
  return out;
}

// The MIC of the entity `part` serializes to, without building it.
Result<mdn::Mic> entity_mic(const Part& part, cms::DigestAlg digest) {
  auto hasher = mdn::MicHasher::start(digest);
  if (!hasher) return fail(hasher.error());
  if (auto ok = hasher->update(header_text(part)); !ok) return fail(ok.error());
  if (auto ok = hasher->update(part.body); !ok) return fail(ok.error());
  return hasher->finish();
}

std::string encode_body(std::string body, BodyEncoding encoding) {
  if (encoding == BodyEncoding::binary) return body;
  // RFC 2045 6.8: 76-character lines; the last line ends in CRLF as the others.
  std::string encoded = mime::base64_encode(body, 76);
  encoded += "\r\n";
  return encoded;
}

std::string_view encoding_name(BodyEncoding encoding) { return encoding == BodyEncoding::binary ? "binary" : "base64"; }

// `attachment; filename="NAME"`: always quoted (what partners expect to see, i05 A.1);
// names beyond ASCII go out in the RFC 2231 form.
std::string disposition(std::string_view filename) {
  bool ascii = true;
  for (const char c : filename) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (!ascii) return "attachment; " + mime::format_parameter("filename", filename);
  std::string out = "attachment; filename=\"";
  for (const char c : filename) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

// RFC 3274 / RFC 5402: application/pkcs7-mime; smime-type=compressed-data.
Result<Part> compress_part(Part&& inner, int level) {
  std::string entity = serialize(std::move(inner));
  auto compressed = entity.size() < detail::spool_threshold
                        ? cms::compress(entity, level)
                        : detail::through_spool(entity, [&entity] { std::string().swap(entity); },
                                                [level](const io::Input& in, const io::Output& out) { return cms::compress(in, out, level); });
  if (!compressed) return fail(compressed.error().with_context("compressing"));
  return Part{{{"Content-Type", "application/pkcs7-mime; smime-type=compressed-data; name=\"smime.p7z\""},
               {"Content-Transfer-Encoding", "binary"},
               {"Content-Disposition", "attachment; filename=\"smime.p7z\""}},
              std::move(*compressed)};
}

std::string micalg_token(cms::DigestAlg digest, mdn::MicalgSpelling spelling) {
  return std::string(spelling == mdn::MicalgSpelling::rfc5751 ? cms::micalg(digest) : mdn::micalg_name(digest, spelling));
}

struct Signed {
  Part part;
  mdn::Mic mic;
};

// RFC 1847 / RFC 8551 3.5 multipart/signed; the MIC covers the first part with its
// headers, exactly the bytes signed (RFC 4130 7.3.1). The multipart body is then built
// around the signed bytes in their own buffer.
Result<Signed> sign_part(Part&& inner, const SignSpec& spec) {
  std::string body = serialize(std::move(inner));
  auto signature = cms::sign_detached(body, spec.signer, spec.options);
  if (!signature) return fail(signature.error().with_context("signing"));
  auto mic = mdn::compute_mic(body, spec.options.digest);
  if (!mic) return fail(mic.error());
  Part signature_part{{{"Content-Type", "application/pkcs7-signature; name=\"smime.p7s\"; smime-type=signed-data"},
                       {"Content-Transfer-Encoding", "base64"},
                       {"Content-Disposition", "attachment; filename=\"smime.p7s\""}},
                      encode_body(std::move(*signature), BodyEncoding::base64)};
  const std::string signature_entity = serialize(std::move(signature_part));
  // RFC 2046 5.1.1: the boundary must occur in neither part. 128 random bits make a
  // collision absurd; it is still checked, as mime::build_multipart_body does.
  std::string boundary = mime::generate_boundary();
  while (body.find(boundary) != std::string::npos || signature_entity.find(boundary) != std::string::npos)
    boundary = mime::generate_boundary();
  body.insert(0, "--" + boundary + "\r\n");
  body += "\r\n--" + boundary + "\r\n";
  body += signature_entity;
  body += "\r\n--" + boundary + "--\r\n";
  return Signed{Part{{{"Content-Type", "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=" +
                                           micalg_token(spec.options.digest, spec.spelling) + "; boundary=\"" + boundary +
                                           "\""}},
                     std::move(body)},
                std::move(*mic)};
}

// RFC 8551 3.3 / 3.4: enveloped-data for CBC, authEnveloped-data for AES-GCM.
Result<Part> encrypt_part(Part&& inner, const EncryptSpec& spec) {
  std::string entity = serialize(std::move(inner));
  auto enveloped = entity.size() < detail::spool_threshold
                       ? cms::encrypt(entity, spec.recipients, spec.options)
                       : detail::through_spool(entity, [&entity] { std::string().swap(entity); },
                                               [&spec](const io::Input& in, const io::Output& out) {
                                                 return cms::encrypt(in, out, spec.recipients, spec.options);
                                               });
  if (!enveloped) return fail(enveloped.error().with_context("encrypting"));
  const char* smime_type = cms::is_authenticated(spec.options.cipher) ? "authEnveloped-data" : "enveloped-data";
  return Part{{{"Content-Type", std::string("application/pkcs7-mime; smime-type=") + smime_type + "; name=\"smime.p7m\""},
               {"Content-Transfer-Encoding", "binary"},
               {"Content-Disposition", "attachment; filename=\"smime.p7m\""}},
              std::move(*enveloped)};
}

Status check_options(const PackOptions& options, const mime::ContentType& type) {
  if (type.is_multipart())
    return fail(Errc::usage, "the payload cannot be a multipart (RFC 6362 multiple attachments are not supported)");
  if (!options.filename.empty()) {
    if (auto ok = check_filename(options.filename); !ok) return fail(Errc::usage, "filename: " + ok.error().message());
  }
  const bool enveloped = options.encrypt.has_value() || options.compression != Compression::none;
  if (options.envelope_encoding == BodyEncoding::base64 && !enveloped)
    return fail(Errc::usage, "a base64 envelope needs an encrypted or compressed message");
  if (options.encrypt && options.encrypt->recipients.empty()) return fail(Errc::usage, "encryption needs a recipient certificate");
  if (options.compression != Compression::none && (options.compression_level < 1 || options.compression_level > 9))
    return fail(Errc::usage, "the compression level must be 1 to 9, not " + std::to_string(options.compression_level));
  // i05 6.1: between AS2 1.3 peers the weak algorithms MUST NOT be generated.
  if (options.headers.version == As2Version::v1_3) {
    if (options.sign && cms::is_legacy(options.sign->options.digest))
      return fail(Errc::usage, "AS2-Version 1.3 forbids MD5 and SHA-1 signatures (i05 6.1, 2.4.2); declare 1.1 for a legacy partner");
    if (options.encrypt && options.encrypt->options.cipher == cms::ContentCipher::des_ede3_cbc)
      return fail(Errc::usage, "AS2-Version 1.3 forbids 3DES (i05 6.1); declare 1.1 for a legacy partner");
  }
  return {};
}

}  // namespace

Result<PackedMessage> pack(std::string payload, const PackOptions& options) {
  if (auto ok = check_header_value("Content-Type", options.content_type); !ok) return fail(ok.error());
  auto type = mime::parse_content_type(options.content_type);
  if (!type) return fail(Errc::usage, "Content-Type: " + type.error().message());
  if (auto ok = check_options(options, *type); !ok) return fail(ok.error());

  PackedMessage packed;
  auto as2_fields = as2_header_fields(options.headers, packed.message_id);
  if (!as2_fields) return fail(as2_fields.error());
  std::vector<mime::FieldSpec> mdn_fields;
  cms::DigestAlg unsigned_digest = cms::DigestAlg::sha256;  // i05 8.4.3
  if (options.mdn) {
    auto fields = mdn_request_fields(*options.mdn);
    if (!fields) return fail(fields.error());
    mdn_fields = std::move(*fields);
    // Unsigned message, signed receipt requested: the MIC uses the requested micalg
    // (Drummond 1Q12 #12, i05 8.3).
    if (!options.mdn->signed_receipt_micalgs.empty()) unsigned_digest = options.mdn->signed_receipt_micalgs.front();
  }

  // The payload entity. RFC 8551 3.1.1: text in canonical CRLF form, other types untouched.
  if (type->type == "text") payload = mime::canonicalize(payload);
  Part current{{{"Content-Type", options.content_type},
                {"Content-Transfer-Encoding", std::string(encoding_name(options.payload_encoding))}},
               encode_body(std::move(payload), options.payload_encoding)};
  if (!options.filename.empty()) current.fields.emplace_back("Content-Disposition", disposition(options.filename));

  const bool layered = options.sign || options.encrypt || options.compression != Compression::none;
  if (!options.sign) {
    // RFC 4130 7.3.1: plain -> the body only; RFC 5402 4.3 / 4130 7.3.1: unsigned with
    // layers -> the payload entity with its headers.
    auto mic = layered ? entity_mic(current, unsigned_digest) : mdn::compute_mic(current.body, unsigned_digest);
    if (!mic) return fail(mic.error());
    packed.mic = std::move(*mic);
    if (options.compression != Compression::none) {
      auto compressed = compress_part(std::move(current), options.compression_level);
      if (!compressed) return fail(compressed.error());
      current = std::move(*compressed);
    }
  } else {
    if (options.compression == Compression::before_signing) {
      auto compressed = compress_part(std::move(current), options.compression_level);
      if (!compressed) return fail(compressed.error());
      current = std::move(*compressed);
    }
    auto signed_part = sign_part(std::move(current), *options.sign);
    if (!signed_part) return fail(signed_part.error());
    current = std::move(signed_part->part);
    packed.mic = std::move(signed_part->mic);
    if (options.compression == Compression::after_signing) {
      auto compressed = compress_part(std::move(current), options.compression_level);
      if (!compressed) return fail(compressed.error());
      current = std::move(*compressed);
    }
  }
  if (options.encrypt) {
    auto encrypted = encrypt_part(std::move(current), *options.encrypt);
    if (!encrypted) return fail(encrypted.error());
    current = std::move(*encrypted);
  }
  if (options.envelope_encoding == BodyEncoding::base64) {
    // libas2's form: the DER in base64, announced by an HTTP-level CTE (as2-specs T4).
    for (auto& [name, value] : current.fields) {
      if (name == "Content-Transfer-Encoding") value = "base64";
    }
    current.body = encode_body(std::move(current.body), BodyEncoding::base64);
  }

  // RFC 4130 5.2: the outermost entity's MIME headers travel as HTTP headers.
  auto& headers = packed.http.headers;
  headers = std::move(*as2_fields);
  headers.insert(headers.end(), mdn_fields.begin(), mdn_fields.end());
  headers.emplace_back("MIME-Version", "1.0");
  headers.insert(headers.end(), current.fields.begin(), current.fields.end());
  packed.http.body = std::move(current.body);
  return packed;
}

Result<PackedMessage> pack_file(const std::filesystem::path& path, PackOptions options) {
  // Room for what the layers put around the payload in its own buffer (entity headers,
  // the multipart boundaries and the signature part): they are then added in place, and
  // a large payload is never held twice while it is wrapped (docs/benchmarks.md, "Sending").
  constexpr std::size_t room_for_layers = 256 * 1024;
  auto payload = io::read_file(path, room_for_layers);
  if (!payload) return fail(payload.error());
  if (options.filename.empty()) options.filename = path.filename().string();
  return pack(std::move(*payload), options);
}

}  // namespace payload::as2
