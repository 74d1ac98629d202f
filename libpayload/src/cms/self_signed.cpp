// payload::cms self-signed identities: key generation, an AS2-ready X.509 v3 certificate,
// and PEM output of certificates and (PKCS#8, optionally encrypted) private keys.
#include <payload/cms/self_signed.h>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

#include "openssl.h"

namespace payload::cms {

using namespace detail;

namespace {

using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
void free_general_names(GENERAL_NAMES* names) { GENERAL_NAMES_free(names); }
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, free_general_names>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, Deleter<GENERAL_NAME, GENERAL_NAME_free>>;
using Ia5Ptr = std::unique_ptr<ASN1_IA5STRING, Deleter<ASN1_IA5STRING, ASN1_IA5STRING_free>>;

constexpr std::array kKeyTypes{KeyType::rsa2048, KeyType::rsa3072, KeyType::rsa4096, KeyType::ec_p256, KeyType::ec_p384};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_control_characters(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// A host name as RFC 5280 §4.2.1.6 wants it in a dNSName ("preferred name syntax",
// RFC 1034 §3.5), optionally with a leading "*." wildcard label.
bool valid_dns_name(std::string_view name, bool allow_wildcard) {
  if (allow_wildcard && name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0 || label > 63 || name[i - 1] == '-' || name[i - label] == '-') return false;
      label = 0;
      continue;
    }
    const auto c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) && c != '-') return false;
    ++label;
  }
  return true;
}

// local-part@domain with an ASCII local part (rfc822Name is an IA5String, RFC 5280 §4.2.1.6).
bool valid_email(std::string_view address) {
  const auto at = address.find('@');
  if (at == 0 || at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) return false;
  const auto local = address.substr(0, at);
  const bool local_ok = std::all_of(local.begin(), local.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '(' && c != ')' && c != '<' && c != '>' && c != ',' && c != ';' && c != ':' &&
           c != '\\' && c != '"' && c != '[' && c != ']';
  });
  return local_ok && local.size() <= 64 && valid_dns_name(address.substr(at + 1), false);
}

Status check(const SelfSignedOptions& options) {
  if (options.common_name.empty()) return fail(Errc::usage, "the certificate needs a common name");
  if (has_control_characters(options.common_name) || has_control_characters(options.organization))
    return fail(Errc::usage, "control characters in the subject name");
  if (!options.country.empty() &&
      (options.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(options.country[0])) ||
       !std::isalpha(static_cast<unsigned char>(options.country[1]))))
    return fail(Errc::usage, "country \"" + options.country + "\" is not a two-letter ISO 3166 code");
  for (const auto& dns : options.dns_names)
    if (!valid_dns_name(dns, true)) return fail(Errc::usage, "\"" + dns + "\" is not a DNS name");
  for (const auto& email : options.emails)
    if (!valid_email(email)) return fail(Errc::usage, "\"" + email + "\" is not an e-mail address");
  if (options.validity_days < 1 || options.validity_days > 36500)
    return fail(Errc::usage, "validity must be 1 to 36500 days, not " + std::to_string(options.validity_days));
  return {};
}

Result<PkeyPtr> generate_key(KeyType type) {
  const bool rsa = type == KeyType::rsa2048 || type == KeyType::rsa3072 || type == KeyType::rsa4096;
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, rsa ? "RSA" : "EC", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "preparing key generation"));
  int set = 0;
  switch (type) {
    case KeyType::rsa2048: set = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048); break;
    case KeyType::rsa3072: set = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 3072); break;
    case KeyType::rsa4096: set = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 4096); break;
    case KeyType::ec_p256: set = EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256"); break;
    case KeyType::ec_p384: set = EVP_PKEY_CTX_set_group_name(ctx.get(), "P-384"); break;
  }
  EVP_PKEY* raw = nullptr;
  if (set <= 0 || EVP_PKEY_generate(ctx.get(), &raw) != 1)
    return tl::unexpected(openssl_error(Errc::internal, std::string("generating a ") + std::string(name(type)) + " key"));
  return PkeyPtr(raw);
}

// RFC 5280 §4.1.2.2: positive, at most 20 octets; CA/B practice: at least 64 random bits.
Status set_random_serial(X509* cert) {
  std::array<unsigned char, 16> bytes{};
  BnPtr bn;
  do {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
      return tl::unexpected(openssl_error(Errc::internal, "drawing a serial number"));
    bn.reset(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!bn) return tl::unexpected(openssl_error(Errc::internal, "drawing a serial number"));
  } while (BN_is_zero(bn.get()));
  ASN1_INTEGER* serial = X509_get_serialNumber(cert);
  if (BN_to_ASN1_INTEGER(bn.get(), serial) == nullptr)
    return tl::unexpected(openssl_error(Errc::internal, "setting the serial number"));
  return {};
}

Status set_subject(X509* cert, const SelfSignedOptions& options) {
  X509_NAME* subject = X509_get_subject_name(cert);
  auto add = [&](const char* field, int type, const std::string& value) -> Status {
    if (value.empty()) return {};
    if (value.size() > static_cast<std::size_t>(INT_MAX) ||
        X509_NAME_add_entry_by_txt(subject, field, type, reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1)
      // Too long for the attribute's upper bound (RFC 5280 App. A: 64 characters), or not UTF-8.
      return tl::unexpected(openssl_error(Errc::usage, std::string("subject ") + field + " \"" + value + "\" is not acceptable"));
    return {};
  };
  std::string country = options.country;
  std::transform(country.begin(), country.end(), country.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  // Most significant first, as X.500 names are conventionally written.
  if (auto s = add("C", MBSTRING_ASC, country); !s) return s;
  if (auto s = add("O", MBSTRING_UTF8, options.organization); !s) return s;
  if (auto s = add("CN", MBSTRING_UTF8, options.common_name); !s) return s;
  if (X509_set_issuer_name(cert, subject) != 1) return tl::unexpected(openssl_error(Errc::internal, "setting the issuer"));
  return {};
}

Status add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return tl::unexpected(openssl_error(Errc::internal, std::string("adding ") + OBJ_nid2sn(nid)));
  return {};
}

// Built from GENERAL_NAME objects, not from an OpenSSL configuration string, so that a
// name cannot smuggle in further entries.
Status add_subject_alt_name(X509* cert, const SelfSignedOptions& options) {
  if (options.dns_names.empty() && options.emails.empty()) return {};
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return tl::unexpected(openssl_error(Errc::internal, "building subjectAltName"));
  auto push = [&](int type, const std::string& value) -> Status {
    Ia5Ptr text(ASN1_IA5STRING_new());
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!text || !name || ASN1_STRING_set(text.get(), value.data(), static_cast<int>(value.size())) != 1)
      return tl::unexpected(openssl_error(Errc::internal, "building subjectAltName"));
    GENERAL_NAME_set0_value(name.get(), type, text.release());
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0)
      return tl::unexpected(openssl_error(Errc::internal, "building subjectAltName"));
    name.release();
    return {};
  };
  for (const auto& dns : options.dns_names)
    if (auto s = push(GEN_DNS, dns); !s) return s;
  for (const auto& email : options.emails)
    if (auto s = push(GEN_EMAIL, email); !s) return s;
  // Non-critical: the subject name is not empty (RFC 5280 §4.2.1.6).
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "adding subjectAltName"));
  return {};
}

Result<X509Ptr> build_certificate(EVP_PKEY* key, const SelfSignedOptions& options) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    return tl::unexpected(openssl_error(Errc::internal, "creating a certificate"));
  if (auto s = set_random_serial(cert.get()); !s) return fail(s.error());
  if (auto s = set_subject(cert.get(), options); !s) return fail(s.error());
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), options.validity_days, 0, nullptr) == nullptr)
    return tl::unexpected(openssl_error(Errc::internal, "setting the validity period"));
  if (X509_set_pubkey(cert.get(), key) != 1) return tl::unexpected(openssl_error(Errc::internal, "setting the public key"));

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  const bool rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
  // An end-entity certificate: partners must not accept it as an issuer.
  if (auto s = add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"); !s) return fail(s.error());
  // One AS2 certificate signs (and so backs non-repudiation of receipt, RFC 4130 §7) and,
  // with RSA, receives the content-encryption key.
  const char* usage = rsa ? "critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment"
                          : "critical,digitalSignature,nonRepudiation";
  if (auto s = add_extension(cert.get(), &ctx, NID_key_usage, usage); !s) return fail(s.error());
  if (auto s = add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash"); !s) return fail(s.error());
  if (auto s = add_subject_alt_name(cert.get(), options); !s) return fail(s.error());

  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) return tl::unexpected(openssl_error(Errc::internal, "signing the certificate"));
  return cert;
}

}  // namespace

std::string_view name(KeyType type) noexcept {
  switch (type) {
    case KeyType::rsa2048: return "rsa2048";
    case KeyType::rsa3072: return "rsa3072";
    case KeyType::rsa4096: return "rsa4096";
    case KeyType::ec_p256: return "ec-p256";
    case KeyType::ec_p384: return "ec-p384";
  }
  return "?";
}

std::optional<KeyType> parse_key_type(std::string_view text) noexcept {
  for (const KeyType type : kKeyTypes)
    if (iequals(text, name(type))) return type;
  return std::nullopt;
}

Result<Identity> make_self_signed(const SelfSignedOptions& options) {
  ERR_clear_error();
  if (auto s = check(options); !s) return fail(s.error());
  auto key = generate_key(options.key_type);
  if (!key) return fail(key.error());
  auto cert = build_certificate(key->get(), options);
  if (!cert) return fail(cert.error());
  auto key_handle = std::make_shared<PrivateKeyHandle>();
  key_handle->pkey = std::move(*key);
  return Identity{wrap(std::move(*cert)), PrivateKey(std::move(key_handle))};
}

std::string to_pem(const Certificate& certificate) {
  BioPtr out = memory_sink();
  if (!out || PEM_write_bio_X509(out.get(), x509(certificate)) != 1) {
    ERR_clear_error();
    return {};
  }
  return take_memory(out.get());
}

Result<std::string> to_pem(const PrivateKey& key, std::optional<std::string_view> passphrase) {
  ERR_clear_error();
  if (passphrase && passphrase->empty()) return fail(Errc::usage, "an empty passphrase does not protect the key");
  if (passphrase && passphrase->size() > static_cast<std::size_t>(INT_MAX)) return fail(Errc::usage, "passphrase too long");
  // Secure-heap memory, cleansed when freed: the buffer holds the key.
  BioPtr out(BIO_new(BIO_s_secmem()));
  if (!out) return tl::unexpected(openssl_error(Errc::internal, "creating a BIO"));
  // With a passphrase given, no callback is consulted: OpenSSL never prompts on a terminal.
  const int written =
      passphrase ? PEM_write_bio_PKCS8PrivateKey(out.get(), pkey(key), EVP_aes_256_cbc(), passphrase->data(),
                                                 static_cast<int>(passphrase->size()), nullptr, nullptr)
                 : PEM_write_bio_PKCS8PrivateKey(out.get(), pkey(key), nullptr, nullptr, 0, nullptr, nullptr);
  if (written != 1) return tl::unexpected(openssl_error(Errc::internal, "encoding the private key"));
  return take_memory(out.get());
}

}  // namespace payload::cms
