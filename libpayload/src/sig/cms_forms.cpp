// Private to src/sig: CMS SignedData in DER, PEM and S/MIME form.
#include "cms_forms.h"
#include "text.h"

#include <algorithm>
#include <cctype>

#include <payload/mime/base64.h>
#include <payload/mime/entity.h>
#include <payload/mime/multipart.h>

namespace payload::sig::detail {

namespace {


bool is_smime_signature(std::string_view media_type) {
  return media_type == "application/pkcs7-signature" || media_type == "application/x-pkcs7-signature" ||
         media_type == "application/pkcs7-mime" || media_type == "application/x-pkcs7-mime";
}

// The base64 between the BEGIN and END lines of a PEM block.
Result<std::string> pem_body(std::string_view text) {
  text = skip_space(text);
  const auto begin_end = text.find('\n');
  const auto end = text.find("-----END");
  if (begin_end == std::string_view::npos || end == std::string_view::npos || end < begin_end)
    return fail(Errc::bad_data, "incomplete PEM block");
  return mime::base64_decode(text.substr(begin_end + 1, end - begin_end - 1));
}

}  // namespace

bool starts_signed_data(std::string_view der) noexcept {
  // ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, ... } (RFC 5652 3), DER or BER.
  static constexpr std::string_view kSignedData("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 11);
  if (der.size() < 2 + kSignedData.size() || static_cast<unsigned char>(der[0]) != 0x30) return false;
  const auto length = static_cast<unsigned char>(der[1]);
  std::size_t at = 2;
  if (length > 0x84) return false;
  if (length > 0x80) at += length & 0x7fU;  // long form; 0x80 (indefinite) has no length bytes
  return der.substr(at, kSignedData.size()) == kSignedData;
}

std::optional<std::string> mime_media_type(std::string_view text) {
  // Only a header block that starts at the first byte: "Name: value" lines.
  const auto colon = text.find(':');
  const auto first_line = text.find('\n');
  if (colon == std::string_view::npos || colon == 0 || (first_line != std::string_view::npos && colon > first_line))
    return std::nullopt;
  if (!std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'; }))
    return std::nullopt;
  auto entity = mime::Entity::parse(std::string(text));
  if (!entity || entity->headers().find("Content-Type") == nullptr) return std::nullopt;
  auto type = entity->content_type();
  if (!type) return std::nullopt;
  return type->media_type();
}

bool starts_pem_cms(std::string_view text) noexcept {
  text = skip_space(text);
  return starts_with(text, "-----BEGIN PKCS7-----") || starts_with(text, "-----BEGIN CMS-----");
}

Result<std::string> signed_data_der(std::string bytes) {
  if (starts_signed_data(bytes)) return bytes;
  if (starts_pem_cms(bytes)) {
    auto der = pem_body(bytes);
    if (!der) return fail(Errc::bad_data, "unreadable PEM CMS block: " + der.error().message());
    return der;
  }
  const auto media = mime_media_type(bytes);
  if (!media || !is_smime_signature(*media)) return fail(Errc::bad_data, "not a CMS SignedData (DER, PEM or S/MIME)");
  auto entity = mime::Entity::parse(std::move(bytes));
  if (!entity) return fail(entity.error());
  auto der = entity->decoded_body();
  if (!der) return fail(Errc::bad_data, "unreadable S/MIME body: " + der.error().message());
  return der;
}

Result<MultipartSigned> split_multipart_signed(std::string bytes) {
  auto entity = mime::Entity::parse(std::move(bytes));
  if (!entity) return fail(entity.error());
  auto parts = mime::split_multipart(*entity);
  if (!parts) return fail(parts.error());
  if (parts->size() != 2) return fail(Errc::bad_data, "a multipart/signed message has " + std::to_string(parts->size()) +
                                                         " parts instead of content and signature");
  auto signature = (*parts)[1].decoded_body();
  if (!signature) return fail(Errc::bad_data, "unreadable signature part: " + signature.error().message());
  return MultipartSigned{std::string((*parts)[0].raw()), std::move(*signature)};
}

}  // namespace payload::sig::detail
