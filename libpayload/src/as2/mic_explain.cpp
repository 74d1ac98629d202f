// payload::as2 MIC-mismatch explainer (field notes 1.1; as2-specs 2, T5, T8, T9).
#include <payload/as2/mic_explain.h>

#include <algorithm>
#include <set>

#include <payload/as2/headers.h>
#include <payload/as2/http_message.h>
#include <payload/mdn/notification_options.h>
#include <payload/mime/base64.h>
#include <payload/mime/canonicalize.h>
#include <payload/mime/http.h>

#include "unwrap.h"

namespace payload::as2 {

namespace {

using detail::Origin;

// One entity of the unwrap trace and what it was to the message.
struct Role {
  std::string id;
  std::string description;
  const mime::Entity* entity = nullptr;
  bool payload = false;
  bool signed_part = false;
  bool compressed_entity = false;  // its body is the CompressedData
  bool decompressed = false;
};

bool is_lower_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// The header block with its Content-Transfer-Encoding set to `encoding` (replaced in
// place, or appended), for the "re-encoded body" variants.
std::string with_transfer_encoding(std::string_view header_bytes, std::string_view encoding) {
  std::string out;
  bool replaced = false;
  std::size_t at = 0;
  while (at < header_bytes.size()) {
    std::size_t end = header_bytes.find('\n', at);
    end = end == std::string_view::npos ? header_bytes.size() : end + 1;
    const std::string_view line = header_bytes.substr(at, end - at);
    const auto colon = line.find(':');
    if (!replaced && colon != std::string_view::npos && is_lower_equal(line.substr(0, colon), "content-transfer-encoding")) {
      out += "Content-Transfer-Encoding: ";
      out += encoding;
      out += "\r\n";
      replaced = true;
    } else {
      out += line;
    }
    at = end;
  }
  if (!replaced) {
    out += "Content-Transfer-Encoding: ";
    out += encoding;
    out += "\r\n";
  }
  return out;
}

class Candidates {
public:
  explicit Candidates(cms::DigestAlg digest) : m_digest(digest) {}

  void add(std::string variant, std::string description, std::initializer_list<std::string_view> pieces, bool rfc = false) {
    auto hasher = mdn::MicHasher::start(m_digest);
    if (!hasher) return;  // the crypto library failed: this candidate is left out
    for (const std::string_view piece : pieces) {
      if (!hasher->update(piece)) return;
    }
    auto mic = hasher->finish();
    if (!mic) return;
    if (!m_seen.insert(mic->digest).second) return;  // the same bytes under an earlier name
    m_list.push_back(MicCandidate{std::move(variant), std::move(description), rfc, std::move(*mic)});
  }

  // Every variant of one entity.
  void add_entity(const Role& role) {
    const mime::Entity& e = *role.entity;
    add(role.id + ".with-headers", role.description + ", MIME headers included", {e.raw()});
    add(role.id + ".body-only", role.description + ", body only (MIME headers left out)", {e.body()});
    if (const std::string crlf = mime::canonicalize(e.raw()); crlf != e.raw())
      add(role.id + ".with-headers.crlf", role.description + ", headers included, bare LF turned into CRLF", {crlf});
    if (const std::string crlf = mime::canonicalize(e.body()); crlf != e.body())
      add(role.id + ".body-only.crlf", role.description + ", body only, bare LF turned into CRLF", {crlf});
    auto encoding = e.transfer_encoding();
    if (!encoding) return;
    const bool identity = *encoding != mime::TransferEncoding::base64 && *encoding != mime::TransferEncoding::quoted_printable;
    if (!identity) {
      auto decoded = mime::decode_transfer_encoding(e.body(), *encoding);
      if (!decoded) return;
      add(role.id + ".body-decoded", role.description + ", body only, transfer encoding undone", {*decoded});
      if (role.payload || role.signed_part)
        add(role.id + ".reencoded-binary", role.description + ", headers included, body re-encoded as binary",
            {with_transfer_encoding(e.header_bytes(), "binary"), "\r\n", *decoded});
    } else if ((role.payload || role.signed_part) && !e.content_type().value_or(mime::ContentType{}).is_multipart()) {
      // How a JavaMail-style stack re-encodes a part before hashing (field notes 1.1).
      const std::string encoded = mime::base64_encode(e.body(), 76);
      add(role.id + ".reencoded-base64", role.description + ", headers included, body re-encoded as base64",
          {with_transfer_encoding(e.header_bytes(), "base64"), "\r\n", encoded, "\r\n"});
      add(role.id + ".reencoded-base64-no-final-crlf",
          role.description + ", headers included, body re-encoded as base64 without a final line end",
          {with_transfer_encoding(e.header_bytes(), "base64"), "\r\n", encoded});
    }
  }

  [[nodiscard]] std::vector<MicCandidate> take() { return std::move(m_list); }

private:
  cms::DigestAlg m_digest;
  std::set<std::string> m_seen;
  std::vector<MicCandidate> m_list;
};

std::vector<Role> roles_of(const std::vector<detail::TraceEntry>& trace) {
  std::vector<Role> roles;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& entry = trace[i];
    Role role;
    role.entity = &entry.entity;
    role.payload = i + 1 == trace.size();
    role.signed_part = entry.origin == Origin::signed_part;
    role.decompressed = entry.origin == Origin::decompressed;
    role.compressed_entity = i + 1 < trace.size() && trace[i + 1].origin == Origin::decompressed;
    if (role.signed_part) {
      role.id = "signed-part";
      role.description = role.compressed_entity ? "the first part of the multipart/signed (the compressed-data entity)"
                         : role.payload         ? "the first part of the multipart/signed (the payload entity)"
                                                : "the first part of the multipart/signed";
    } else if (role.payload) {
      role.id = "payload";
      role.description = "the payload entity";
    } else if (role.compressed_entity) {
      role.id = "compressed-entity";
      role.description = "the compressed-data entity";
    } else {
      switch (entry.origin) {
        case Origin::http: role.id = "http"; role.description = "the HTTP entity"; break;
        case Origin::decrypted: role.id = "decrypted"; role.description = "the decrypted entity"; break;
        case Origin::decompressed: role.id = "decompressed"; role.description = "the decompressed entity"; break;
        case Origin::signed_part: break;
      }
    }
    roles.push_back(std::move(role));
  }
  return roles;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Why a partner would have hashed `match`, given the message's shape.
std::string diagnose(const MicCandidate& match, const detail::Unwrapped& unwrapped, bool is_signed) {
  const std::string& v = match.variant;
  const auto order = unwrapped.compression ? unwrapped.compression->order : CompressionOrder::unsigned_;
  if (order == CompressionOrder::before_signing && (v.rfind("payload.", 0) == 0 || v.rfind("decompressed.", 0) == 0))
    return "it hashed the decompressed payload entity, as if the message had been compressed after signing "
           "(RFC 5402 4.2), but it was compressed before signing, where the MIC covers the signed compressed entity (RFC 5402 4.1)";
  if (order == CompressionOrder::after_signing && v.rfind("compressed-entity.", 0) == 0)
    return "it hashed the compressed entity, as if the message had been compressed before signing (RFC 5402 4.1), "
           "but it was compressed after signing, where the MIC covers the signed payload entity (RFC 5402 4.2)";
  if (v.find(".crlf") != std::string::npos)
    return "it turned bare LF into CRLF before hashing; received bytes are hashed as they are, and only text/* is "
           "canonicalised, by the sender (RFC 8551 3.1.1; field notes 1.1: pyas2-lib #47, phase2 #12)";
  if (v.find("reencoded") != std::string::npos || ends_with(v, "body-decoded"))
    return "it hashed the body in another Content-Transfer-Encoding than was sent; the MIC covers the bytes as "
           "transmitted (RFC 8551 3.1.3; field notes 1.1: BouncyCastle/JavaMail 7bit and base64 defaults)";
  if (is_signed && ends_with(v, "body-only"))
    return "it left the MIME headers of the signed part out; RFC 4130 7.3.1 includes them";
  if (!is_signed && !unwrapped.layers.empty() && ends_with(v, "body-only"))
    return "it used the rule for plain messages (body only) on an encrypted or compressed one, whose MIC includes "
           "the payload entity's headers (RFC 4130 7.3.1, RFC 5402 4.3)";
  if (!is_signed && unwrapped.layers.empty() && ends_with(v, "with-headers"))
    return "it included the MIME headers, which RFC 4130 7.3.1 leaves out for an unsigned, unencrypted message";
  return "it hashed bytes other than the ones RFC 4130 7.3.1 / RFC 5402 4 name";
}

}  // namespace

Result<MicExplanation> explain_mic(std::string wire, std::string_view returned_mic, std::string_view returned_micalg,
                                   const ExplainOptions& options) {
  auto message = parse_http_message(std::move(wire));
  if (!message) return fail(message.error());
  const auto http_headers = message->headers;
  auto outer = mime::entity_from_http(message->headers, std::move(message->body));
  if (!outer) return fail(outer.error());

  detail::UnwrapContext context;
  context.identities = &options.identities;
  context.decrypt = options.decrypt;
  context.decompress = options.decompress;
  context.keep_trace = true;
  detail::Unwrapped unwrapped;
  if (auto done = detail::unwrap(std::move(*outer), context, unwrapped); !done) {
    const Error& error = done.error().error;
    return fail(error.code() == Errc::no_key ? Errc::no_key : Errc::bad_data,
                std::string(outcome_name(done.error().outcome)) + ": " + error.message());
  }
  const std::vector<Role> roles = roles_of(unwrapped.trace);
  const bool is_signed = std::find(unwrapped.layers.begin(), unwrapped.layers.end(), Layer::signed_) != unwrapped.layers.end();

  // What the RFC rule gives. A signed message uses its signing digest (RFC 4130 7.4.3);
  // without verifying, the micalg parameter names it.
  MicExplanation explanation;
  explanation.returned_micalg = cms::parse_micalg(returned_micalg);
  const Role* rfc_role = nullptr;
  std::string rfc_piece;
  cms::DigestAlg expected_digest = cms::DigestAlg::sha256;
  if (!is_signed) {
    // What we asked for: the first micalg of our own request (i05 8.3).
    if (const auto requested = find_field(http_headers, "Disposition-Notification-Options")) {
      if (auto parsed = mdn::parse_notification_options(*requested)) {
        mdn::ReceiptPolicy any;
        any.supported_micalgs = {cms::DigestAlg::sha256, cms::DigestAlg::sha384, cms::DigestAlg::sha512,
                                 cms::DigestAlg::sha224, cms::DigestAlg::sha1,   cms::DigestAlg::md5};
        expected_digest = mdn::select_receipt_signing(&*parsed, any).mic_algorithm;
      }
    }
  }
  if (is_signed) {
    for (const Role& role : roles) {
      if (role.signed_part) rfc_role = &role;
    }
    expected_digest = cms::parse_micalg(unwrapped.declared_micalg.value_or("")).value_or(cms::DigestAlg::sha256);
  } else {
    rfc_role = &roles.back();
  }
  const mime::Entity& rfc_entity = *rfc_role->entity;
  // RFC 4130 7.3.1: only an unsigned, unencrypted (and uncompressed) message is hashed without headers.
  const bool body_only = !is_signed && unwrapped.layers.empty();
  const std::string_view rfc_bytes = body_only ? rfc_entity.body() : rfc_entity.raw();
  const std::string rfc_variant = rfc_role->id + (body_only ? ".body-only" : ".with-headers");
  const std::string rfc_description = rfc_role->description + (body_only ? ", body only" : ", MIME headers included");
  auto expected = mdn::compute_mic(rfc_bytes, expected_digest);
  if (!expected) return fail(expected.error());
  explanation.expected = std::move(*expected);

  // The supported digests all differ in length, so the length names the algorithm.
  std::optional<cms::DigestAlg> hashed_with;
  for (const auto alg : {cms::DigestAlg::md5, cms::DigestAlg::sha1, cms::DigestAlg::sha224, cms::DigestAlg::sha256,
                         cms::DigestAlg::sha384, cms::DigestAlg::sha512}) {
    if (cms::digest_size(alg) == returned_mic.size()) hashed_with = alg;
  }
  Candidates candidates(hashed_with.value_or(expected_digest));
  candidates.add(rfc_variant, rfc_description, {rfc_bytes}, true);
  for (const Role& role : roles) {
    if (role.signed_part || role.payload) candidates.add_entity(role);
  }
  for (const Role& role : roles) {
    if (!role.signed_part && !role.payload) candidates.add_entity(role);
  }
  explanation.candidates = candidates.take();

  const std::string label(returned_micalg);
  std::string summary;
  if (hashed_with) {
    for (const MicCandidate& candidate : explanation.candidates) {
      if (candidate.mic.digest == returned_mic) explanation.match = candidate;
    }
  }
  const std::string expected_name(cms::micalg(expected_digest));
  if (!hashed_with) {
    summary = "The returned MIC has " + std::to_string(returned_mic.size()) +
              " bytes, the length of no supported digest (MD5, SHA-1, SHA-224/256/384/512): it is truncated or not a digest.";
  } else if (!explanation.match) {
    summary = "None of the " + std::to_string(explanation.candidates.size()) + " variants hashed with " +
              std::string(cms::micalg(*hashed_with)) +
              " matches: the partner hashed bytes this message does not contain (another message, or a payload changed "
              "on the way), or computed the MIC in a way not covered here. The RFC MIC is " + explanation.expected.base64() +
              ", " + expected_name + ".";
  } else {
    const MicCandidate& match = *explanation.match;
    const std::string used(cms::micalg(*hashed_with));
    if (match.rfc && *hashed_with == expected_digest) {
      summary = "The returned MIC is the RFC one: " + match.description + ", " + used + ".";
    } else if (match.rfc) {
      summary = "The partner hashed the right bytes (" + match.description + ") but with " + used + " instead of " +
                expected_name + (is_signed ? ", the digest the message was signed with (RFC 4130 7.4.3, as2-specs T8)." : ".");
    } else {
      summary = "The returned MIC matches variant \"" + match.variant + "\" (" + match.description + ", " + used +
                "): " + diagnose(match, unwrapped, is_signed) + ".";
    }
  }
  if (!explanation.returned_micalg) {
    summary += " The label \"" + label + "\" names no known digest.";
  } else if (hashed_with && *explanation.returned_micalg != *hashed_with) {
    summary += " The label \"" + label + "\" says " + std::string(cms::micalg(*explanation.returned_micalg)) +
               ", but the value has the length of " + std::string(cms::micalg(*hashed_with)) + ".";
  } else if (cms::micalg(*explanation.returned_micalg) != label) {
    summary += " The label \"" + label + "\" is a non-canonical spelling of " +
               std::string(cms::micalg(*explanation.returned_micalg)) + " (compare names after normalising, as2-specs 3.3).";
  }
  explanation.summary = std::move(summary);
  return explanation;
}

}  // namespace payload::as2
