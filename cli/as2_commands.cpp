// `payload as2 pack`, `payload as2 unpack` and `payload as2 explain`: AS2 messages
// (RFC 4130, RFC 5402, draft-ietf-ediint-rfc4130bis "i05") in their wire form, the HTTP
// header block, an empty line and the body.
#include <algorithm>
#include <iostream>
#include <memory>
#include <ostream>

#include <Poco/JSON/Array.h>

#include <payload/as2/mic_explain.h>
#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>
#include <payload/as2/version.h>
#include <payload/io/file.h>
#include <payload/mdn/build.h>
#include <payload/mdn/disposition.h>
#include <payload/mdn/notification_options.h>

#include "as2_support.h"
#include "commands.h"
#include "common.h"

namespace payload::cli {
namespace {

// ---- pack -------------------------------------------------------------------------------

struct PackArgs {
  CommonOptions common;
  std::string input;
  std::string output;
  bool force = false;
  std::string from, to;
  std::string key, cert, partner_cert;
  std::string sign = "sha-256";
  bool pss = false;
  std::string encrypt = "aes-256-cbc";
  std::string key_transport = "rsa-pkcs1v15";
  std::string compress = "none";
  std::vector<std::string> mdn{"sync"};
  std::string mdn_sign;  // empty: the --sign digest (sha-256 when unsigned)
  std::string content_type = "application/octet-stream";
  std::string filename;
  std::string message_id;
  std::string subject = "AS2 message";
  std::string as2_version = "1.3";
  bool allow_legacy = false;
};

// `--mdn` takes one value (none, sync, async URL's "async" needs a second). CLI11 hands
// over up to two values greedily, so `--mdn sync FILE` puts FILE into the list: give it
// back to the positional argument.
Status settle_mdn_values(PackArgs& args) {
  auto& v = args.mdn;
  if (v.empty()) return fail(Errc::usage, "--mdn needs none, sync or async URL");
  if (v[0] == "async") {
    if (v.size() != 2) return fail(Errc::usage, "--mdn async needs the URL for the receipt (--mdn async https://...)");
    return {};
  }
  if (v[0] != "none" && v[0] != "sync") return fail(Errc::usage, "--mdn " + v[0] + ": expected none, sync or async URL");
  if (v.size() == 2) {
    if (!args.input.empty()) return fail(Errc::usage, "--mdn " + v[0] + " takes no URL (" + v[1] + ")");
    args.input = v[1];
    v.resize(1);
  }
  return {};
}

bool is_none(const std::string& value) { return value == "none"; }

Result<as2::PackOptions> pack_options(PackArgs& args) {
  if (auto status = settle_mdn_values(args); !status) return fail(status.error());
  if (args.input.empty()) return fail(Errc::usage, "name the payload FILE");
  if (args.output.empty()) return fail(Errc::usage, "give the message file with -o");
  as2::PackOptions options;
  options.headers.from = args.from;
  options.headers.to = args.to;
  options.headers.message_id = args.message_id;
  options.headers.subject = args.subject;
  const auto version = as2::parse_version(args.as2_version);
  if (!version) return fail(Errc::usage, "--as2-version: 1.0, 1.1 or 1.3");
  options.headers.version = *version;
  options.content_type = args.content_type;
  options.filename = args.filename;

  if (args.compress == "none") options.compression = as2::Compression::none;
  else if (args.compress == "before-sign") options.compression = as2::Compression::before_signing;
  else if (args.compress == "after-sign") options.compression = as2::Compression::after_signing;
  else return fail(Errc::usage, "--compress " + args.compress + ": expected none, before-sign or after-sign");

  std::optional<cms::DigestAlg> sign_digest;
  if (!is_none(args.sign)) {
    auto digest = parse_as2_digest(args.sign);
    if (!digest) return fail(digest.error());
    sign_digest = *digest;
    if (args.key.empty() || args.cert.empty()) return fail(Errc::usage, "signing needs --key and --cert (or --sign none)");
    auto identities = load_as2_identities({args.key}, {args.cert}, args.common);
    if (!identities) return fail(identities.error());
    as2::SignSpec spec{identities->front(), {}, mdn::MicalgSpelling::rfc5751};
    spec.options.digest = *digest;
    spec.options.scheme = args.pss ? cms::SignatureScheme::rsa_pss : cms::SignatureScheme::rsa_pkcs1v15;
    spec.options.allow_legacy_digest = args.allow_legacy;
    options.sign = std::move(spec);
  } else if (args.pss) {
    return fail(Errc::usage, "--pss needs a signature (--sign DIGEST)");
  }

  if (!is_none(args.encrypt)) {
    auto cipher = parse_as2_cipher(args.encrypt);
    if (!cipher) return fail(cipher.error());
    auto transport = parse_as2_key_transport(args.key_transport);
    if (!transport) return fail(transport.error());
    if (args.partner_cert.empty()) return fail(Errc::usage, "encryption needs --partner-cert (or --encrypt none)");
    auto partner = cms::Certificate::load(args.partner_cert);
    if (!partner) return fail(partner.error());
    as2::EncryptSpec spec;
    spec.recipients = {*partner};
    spec.options.cipher = *cipher;
    spec.options.key_transport = *transport;
    spec.options.allow_legacy_cipher = args.allow_legacy;
    options.encrypt = std::move(spec);
  }

  if (args.mdn[0] != "none") {
    as2::MdnRequest request;
    request.notification_to = args.from;
    if (args.mdn[0] == "async") request.async_url = args.mdn[1];
    // Default: the signing digest (i05 8.3, T8: sign with the digest you list first), but
    // never MD5 or SHA-1, which are only accepted, not requested (i05 2.4.2).
    const std::string mdn_sign = !args.mdn_sign.empty()                           ? args.mdn_sign
                                 : sign_digest && !cms::is_legacy(*sign_digest) ? args.sign
                                                                                : std::string("sha-256");
    if (!is_none(mdn_sign)) {
      auto digest = parse_as2_digest(mdn_sign);
      if (!digest) return fail(digest.error());
      request.signed_receipt_micalgs = {*digest};
    }
    options.mdn = std::move(request);
  }
  return options;
}

int run_pack(PackArgs args) {
  auto options = pack_options(args);
  if (!options) return report_error(options.error(), args.common);
  auto packed = as2::pack_file(args.input, std::move(*options));
  if (!packed) return report_error(packed.error().with_context(args.input), args.common);
  if (auto status = write_output(args.output, packed->http.wire(), args.force); !status)
    return report_error(status.error(), args.common);
  const std::string mic = packed->mic.to_string();
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("input", args.input);
    o->set("output", args.output);
    o->set("message_id", packed->message_id);
    o->set("mic", mic);
    o->set("mic_base64", packed->mic.base64());
    o->set("micalg", std::string(mdn::micalg_name(packed->mic.algorithm)));
    print_json(o);
  } else if (args.output != "-") {
    std::cout << "Message-ID: " << packed->message_id << "\n" << "MIC: " << mic << std::endl;
  } else if (!args.common.quiet) {
    std::cerr << "Message-ID: " << packed->message_id << "\n" << "MIC: " << mic << std::endl;
  }
  return exit_ok;
}

// ---- unpack -----------------------------------------------------------------------------

struct UnpackArgs {
  CommonOptions common;
  std::string input;
  std::string output;
  std::string mdn_out;
  bool force = false;
  std::vector<std::string> keys, certs, partner_certs;
  bool require_signed = false;
  bool require_encrypted = false;
  std::vector<std::string> allow_digests;
  std::vector<std::string> allow_ciphers;
  std::string our_id, partner_id;
  std::uint64_t max_decompressed = cms::DecompressLimits{}.max_output;
};

std::string_view layer_name(as2::Layer layer) {
  switch (layer) {
    case as2::Layer::encrypted: return "encrypted";
    case as2::Layer::signed_: return "signed";
    case as2::Layer::compressed: return "compressed";
  }
  return "?";
}

std::string_view order_name(as2::CompressionOrder order) {
  switch (order) {
    case as2::CompressionOrder::unsigned_: return "unsigned";
    case as2::CompressionOrder::before_signing: return "before-sign";
    case as2::CompressionOrder::after_signing: return "after-sign";
  }
  return "?";
}

Poco::JSON::Object::Ptr report_json(const as2::Report& report) {
  auto o = json_object();
  const auto& h = report.headers;
  o->set("as2_version", h.version_text.empty() ? std::string("1.0") : h.version_text);
  o->set("as2_from", h.from);
  o->set("as2_to", h.to);
  o->set("message_id", h.message_id);
  o->set("subject", h.subject);
  o->set("date", h.date);
  Poco::JSON::Array::Ptr layers = new Poco::JSON::Array;
  for (const auto layer : report.layers) layers->add(std::string(layer_name(layer)));
  o->set("layers", layers);
  if (report.encryption) {
    auto e = json_object();
    e->set("smime_type", report.encryption->smime_type);
    e->set("cipher", std::string(cms::name(report.encryption->cms.cipher)));
    e->set("key_transport", std::string(cms::name(report.encryption->cms.key_transport)));
    e->set("authenticated", report.encryption->cms.authenticated);
    e->set("recipient_subject", report.encryption->cms.recipient_subject);
    e->set("recipient_serial", report.encryption->cms.recipient_serial);
    o->set("encryption", e);
  } else {
    o->set("encryption", Poco::Dynamic::Var());
  }
  if (report.signature) {
    const auto& s = report.signature->signer;
    auto j = json_object();
    j->set("subject", s.subject);
    j->set("serial", s.serial);
    j->set("digest", std::string(cms::micalg(s.digest)));
    j->set("scheme", std::string(cms::name(s.scheme)));
    j->set("declared_micalg", report.signature->declared_micalg);
    j->set("signing_time", s.signing_time ? iso_time_point(*s.signing_time) : std::string());
    o->set("signature", j);
  } else {
    o->set("signature", Poco::Dynamic::Var());
  }
  if (report.compression) {
    auto c = json_object();
    c->set("order", std::string(order_name(report.compression->order)));
    c->set("compressed_bytes", report.compression->cms.compressed_bytes);
    c->set("content_bytes", report.compression->cms.content_bytes);
    o->set("compression", c);
  } else {
    o->set("compression", Poco::Dynamic::Var());
  }
  o->set("content_type", report.content_type);
  o->set("content_transfer_encoding", report.content_transfer_encoding);
  o->set("filename", report.filename ? Poco::Dynamic::Var(*report.filename) : Poco::Dynamic::Var());
  o->set("mic", report.mic ? Poco::Dynamic::Var(report.mic->to_string()) : Poco::Dynamic::Var());
  auto m = json_object();
  m->set("requested", h.mdn_requested());
  m->set("mode", !h.mdn_requested() ? std::string("none") : h.async_mdn() ? std::string("async") : std::string("sync"));
  m->set("url", h.receipt_delivery_option ? Poco::Dynamic::Var(*h.receipt_delivery_option) : Poco::Dynamic::Var());
  m->set("options", h.disposition_notification_options ? Poco::Dynamic::Var(*h.disposition_notification_options)
                                                       : Poco::Dynamic::Var());
  if (report.receipt) {
    m->set("signed", report.receipt->sign && !report.receipt->failure);
    m->set("micalg", report.receipt->sign ? Poco::Dynamic::Var(std::string(cms::micalg(report.receipt->mic_algorithm)))
                                          : Poco::Dynamic::Var());
  }
  o->set("mdn", m);
  return o;
}

void print_report(const as2::Report& report, std::ostream& out) {
  const auto& h = report.headers;
  out << "from: " << h.from << "\nto: " << h.to << "\nmessage-id: " << h.message_id << "\n";
  out << "as2-version: " << (h.version_text.empty() ? std::string("1.0 (absent)") : h.version_text) << "\n";
  if (report.encryption) {
    const auto& e = report.encryption->cms;
    out << "encrypted: " << cms::name(e.cipher) << ", key transport " << cms::name(e.key_transport) << ", for "
        << e.recipient_subject << "\n";
  } else {
    out << "encrypted: no\n";
  }
  if (report.signature) {
    const auto& s = report.signature->signer;
    out << "signed: by " << s.subject << " (serial " << s.serial << "), " << cms::micalg(s.digest) << ", "
        << cms::name(s.scheme) << " (micalg " << report.signature->declared_micalg << ")\n";
  } else {
    out << "signed: no\n";
  }
  if (report.compression) out << "compressed: " << order_name(report.compression->order) << "\n";
  else out << "compressed: no\n";
  if (!report.content_type.empty()) out << "content-type: " << report.content_type << "\n";
  if (report.filename) out << "filename: " << *report.filename << "\n";
  if (report.mic) out << "mic: " << report.mic->to_string() << "\n";
  if (h.mdn_requested()) {
    out << "mdn requested: " << (h.async_mdn() ? "async to " + *h.receipt_delivery_option : std::string("sync"));
    if (report.receipt && report.receipt->sign && !report.receipt->failure)
      out << ", signed with " << cms::micalg(report.receipt->mic_algorithm);
    else out << ", unsigned";
    out << "\n";
  } else {
    out << "mdn requested: no\n";
  }
}

// The receiver's answer (RFC 4130 7.4, i05 8.3.1): the disposition of the outcome, signed
// when the request asked for a signed receipt we can give, even for errors; a request we
// cannot honour gets its failed/failure disposition unsigned (i05 8.5.3).
struct Receipt {
  mdn::Disposition disposition;
  std::string wire;
  bool is_signed = false;
};

Result<Receipt> make_receipt(const as2::Report& report, const mdn::Disposition& outcome_disposition,
                             const std::vector<cms::Identity>& identities, const mdn::ReceiptPolicy& policy,
                             const std::string& error_text) {
  const auto& h = report.headers;
  mdn::ReceiptSigning signing;
  if (report.receipt) {
    signing = *report.receipt;
  } else {
    // The headers failed before unpack chose: decide from the raw request (a header that
    // does not parse is a request not understood: an unsigned receipt).
    std::optional<mdn::NotificationOptions> requested;
    if (h.disposition_notification_options) {
      if (auto parsed = mdn::parse_notification_options(*h.disposition_notification_options)) requested = std::move(*parsed);
    }
    signing = mdn::select_receipt_signing(requested ? &*requested : nullptr, policy);
  }
  mdn::MdnContent content;
  content.disposition = signing.failure ? *signing.failure : outcome_disposition;
  if (content.disposition.is_success()) content.mic = report.mic;
  if (!signing.failure && !content.disposition.is_success() && !error_text.empty())
    content.explanation = "The AS2 message " + h.message_id + " was received but could not be processed: " + error_text;
  mdn::MdnOptions options;
  const bool sign = signing.sign && !signing.failure;
  if (sign) {
    if (identities.empty()) return fail(Errc::usage, "a signed receipt was requested: give --key and --cert to sign it");
    mdn::MdnSigning s{identities.front(), {}};
    s.options.digest = signing.mic_algorithm;
    s.options.allow_legacy_digest = cms::is_legacy(signing.mic_algorithm);
    options.signing = std::move(s);
  }
  const mdn::MdnRequest request{h.message_id, h.from_raw.empty() ? h.from : h.from_raw, h.to_raw.empty() ? h.to : h.to_raw};
  auto built = mdn::build_mdn(request, content, options);
  if (!built) return fail(built.error().with_context("MDN"));
  std::string wire;
  for (const auto& [name, value] : built->headers()) wire += name + ": " + value + "\r\n";
  wire += "\r\n";
  wire += built->body;
  return Receipt{content.disposition, std::move(wire), sign};
}

int run_unpack(const UnpackArgs& args) {
  if (args.input.empty()) return report_error(Error(Errc::usage, "name the MESSAGE file"), args.common);
  as2::UnpackOptions options;
  if (!args.keys.empty() || !args.certs.empty()) {
    auto identities = load_as2_identities(args.keys, args.certs, args.common);
    if (!identities) return report_error(identities.error(), args.common);
    options.identities = std::move(*identities);
  }
  auto partners = load_as2_certificates(args.partner_certs);
  if (!partners) return report_error(partners.error(), args.common);
  options.partner_certificates = std::move(*partners);
  for (const auto& text : args.allow_digests) {
    auto digest = parse_as2_digest(text);
    if (!digest) return report_error(digest.error(), args.common);
    auto& allowed = options.verify.allowed_digests;
    if (std::find(allowed.begin(), allowed.end(), *digest) == allowed.end()) allowed.push_back(*digest);
    // A legacy partner that signs with it asks for receipts with it too.
    auto& micalgs = options.receipt_policy.supported_micalgs;
    if (std::find(micalgs.begin(), micalgs.end(), *digest) == micalgs.end()) micalgs.push_back(*digest);
  }
  for (const auto& text : args.allow_ciphers) {
    auto cipher = parse_as2_cipher(text);
    if (!cipher) return report_error(cipher.error(), args.common);
    auto& allowed = options.decrypt.allowed_ciphers;
    if (std::find(allowed.begin(), allowed.end(), *cipher) == allowed.end()) allowed.push_back(*cipher);
  }
  options.require_signed = args.require_signed;
  options.require_encrypted = args.require_encrypted;
  if (args.max_decompressed == 0) return report_error(Error(Errc::usage, "--max-decompressed must be at least 1"), args.common);
  options.decompress.max_output = args.max_decompressed;
  if (!args.our_id.empty()) options.our_id = args.our_id;
  if (!args.partner_id.empty()) options.partner_id = args.partner_id;

  auto in = open_input(args.input);
  if (!in) return report_error(in.error(), args.common);
  // The payload is released only after the whole message was processed: unpack writes it
  // to the target's temporary file (or stdout spool), which is committed below.
  auto target = OutputTarget::open(args.output, args.force, true);
  if (!target) return report_error(target.error(), args.common);

  // The message is mapped, not read: memory does not hold it whole.
  auto result = as2::unpack(in->input(), target->output(), options);
  const as2::Report& report = result ? result->report : result.error().report;
  const mdn::Disposition disposition =
      result ? mdn::processed() : mdn::processed_error(as2::disposition_modifier(result.error().outcome));
  std::ostream& notes = target->is_stdout() ? std::cerr : std::cout;

  // The receipt a receiver would send, also for failures (when one was requested).
  std::optional<Receipt> receipt;
  std::optional<Error> receipt_error;
  if (!args.mdn_out.empty() && report.headers.mdn_requested()) {
    auto made = make_receipt(report, disposition, options.identities, options.receipt_policy,
                             result ? std::string() : result.error().error.message());
    if (!made) receipt_error = made.error();
    else if (auto status = write_output(args.mdn_out, made->wire, args.force); !status) receipt_error = status.error();
    else receipt = std::move(*made);
  }
  auto details = report_json(report);
  details->set("input", args.input);
  details->set("disposition", disposition.to_string());
  details->set("mdn_disposition", receipt ? Poco::Dynamic::Var(receipt->disposition.to_string()) : Poco::Dynamic::Var());
  details->set("mdn_out", receipt ? Poco::Dynamic::Var(args.mdn_out) : Poco::Dynamic::Var());
  if (receipt) details->set("mdn_signed", receipt->is_signed);

  if (!result) {
    const auto& failure = result.error();
    details->set("outcome", std::string(as2::outcome_name(failure.outcome)));
    if (show_notes(args.common)) {
      print_report(report, std::cerr);
      std::cerr << "disposition: " << disposition.to_string() << "\n";
      if (receipt && !(receipt->disposition == disposition))
        std::cerr << "mdn disposition: " << receipt->disposition.to_string() << " (the receipt request cannot be honoured)\n";
      if (receipt) std::cerr << "mdn: " << args.mdn_out << (receipt->is_signed ? " (signed)" : " (unsigned)") << "\n";
      else if (!args.mdn_out.empty() && !report.headers.mdn_requested()) std::cerr << "mdn: none requested, none written\n";
    }
    if (receipt_error && !args.common.json) std::cerr << "payload: " << receipt_error->message() << std::endl;
    return report_error(failure.error.with_context(args.input), args.common, details);
  }
  if (receipt_error) return report_error(*receipt_error, args.common, details);
  if (auto status = target->commit(); !status) return report_error(status.error(), args.common);
  details->set("outcome", std::string("processed"));
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", true);
    o->set("output", target->name());
    for (const auto& key : details->getNames()) o->set(key, details->get(key));
    print_json(o);
  } else if (!args.common.quiet) {
    print_report(report, notes);
    notes << "disposition: " << disposition.to_string() << "\n";
    if (receipt && !(receipt->disposition == disposition))
      notes << "mdn disposition: " << receipt->disposition.to_string() << " (the receipt request cannot be honoured)\n";
    if (receipt) notes << "mdn: " << args.mdn_out << (receipt->is_signed ? " (signed)" : " (unsigned)") << "\n";
    else if (!args.mdn_out.empty()) notes << "mdn: none requested, none written\n";
    notes << std::flush;
  }
  return exit_ok;
}

// ---- explain ----------------------------------------------------------------------------

struct ExplainArgs {
  CommonOptions common;
  std::string input;
  std::vector<std::string> keys, certs;
  std::string mic;
};

int run_explain(const ExplainArgs& args) {
  auto returned = parse_user_mic(args.mic);
  if (!returned) return report_error(returned.error(), args.common);
  // The partner's label as written, when given: the explainer reports its spelling.
  std::string label(mdn::micalg_name(returned->algorithm));
  if (const auto comma = args.mic.rfind(','); comma != std::string::npos) {
    std::string tail = args.mic.substr(comma + 1);
    const auto first = tail.find_first_not_of(" \t");
    const auto last = tail.find_last_not_of(" \t");
    if (first != std::string::npos) label = tail.substr(first, last - first + 1);
  }
  as2::ExplainOptions options;
  if (!args.keys.empty() || !args.certs.empty()) {
    auto identities = load_as2_identities(args.keys, args.certs, args.common);
    if (!identities) return report_error(identities.error(), args.common);
    options.identities = std::move(*identities);
  }
  auto wire = io::read_file(args.input);
  if (!wire) return report_error(wire.error(), args.common);
  auto explanation = as2::explain_mic(std::move(*wire), returned->digest, label, options);
  if (!explanation) return report_error(explanation.error().with_context(args.input), args.common);
  const int code = explanation->match ? exit_ok : exit_bad_data;
  if (args.common.json) {
    auto o = json_object();
    o->set("ok", explanation->match.has_value());
    o->set("input", args.input);
    o->set("expected", explanation->expected.to_string());
    o->set("returned", returned->to_string());
    if (explanation->match) {
      auto m = json_object();
      m->set("variant", explanation->match->variant);
      m->set("description", explanation->match->description);
      m->set("rfc", explanation->match->rfc);
      o->set("match", m);
    } else {
      o->set("match", Poco::Dynamic::Var());
    }
    Poco::JSON::Array::Ptr candidates = new Poco::JSON::Array;
    for (const auto& c : explanation->candidates) {
      auto j = json_object();
      j->set("variant", c.variant);
      j->set("description", c.description);
      j->set("rfc", c.rfc);
      j->set("mic", c.mic.to_string());
      candidates->add(j);
    }
    o->set("candidates", candidates);
    o->set("summary", explanation->summary);
    o->set("exit_code", code);
    print_json(o);
  } else {
    std::cout << "expected (RFC): " << explanation->expected.to_string() << "\n";
    std::cout << "returned:       " << returned->to_string() << "\n";
    if (explanation->match) {
      std::cout << "match: " << explanation->match->variant << (explanation->match->rfc ? " (the RFC rule)" : "") << ": "
                << explanation->match->description << "\n";
    } else {
      std::cout << "match: none of " << explanation->candidates.size() << " variants\n";
    }
    std::cout << explanation->summary << std::endl;
  }
  return code;
}

}  // namespace

void register_as2_commands(CLI::App& app, int& exit_code) {
  auto* as2 = app.add_subcommand("as2", "AS2 messages: pack, unpack, explain a MIC mismatch");
  as2->require_subcommand(1);

  auto p = std::make_shared<PackArgs>();
  auto* pack = as2->add_subcommand("pack", "Build an AS2 message (wire form: HTTP headers, empty line, body)");
  pack->add_option("file", p->input, "The payload file");
  pack->add_option("-o,--output", p->output, "The message file, written atomically (- for stdout)");
  pack->add_flag("-f,--force", p->force, "Replace existing output files");
  pack->add_option("--from", p->from, "Our AS2 id (AS2-From)")->required();
  pack->add_option("--to", p->to, "The partner's AS2 id (AS2-To)")->required();
  pack->add_option("--key", p->key, "Our private key, to sign (PEM or DER)");
  pack->add_option("--cert", p->cert, "Our certificate, to sign");
  pack->add_option("--partner-cert", p->partner_cert, "The partner's certificate, to encrypt to");
  pack->add_option("--sign", p->sign, "Signature digest: sha-256 (default), sha-384, sha-512, sha-224; sha1/md5 need --allow-legacy; none");
  pack->add_flag("--pss", p->pss, "Sign with RSASSA-PSS instead of PKCS#1 v1.5");
  pack->add_option("--encrypt", p->encrypt, "aes-256-cbc (default), aes-128-cbc, aes-192-cbc, aes-128-gcm, aes-256-gcm; des-ede3-cbc needs --allow-legacy; none");
  pack->add_option("--key-transport", p->key_transport, "rsa-pkcs1v15 (default), rsa-oaep-sha256, rsa-oaep-sha512, rsa-oaep-sha1");
  pack->add_option("--compress", p->compress, "none (default), before-sign, after-sign");
  pack->add_option("--mdn", p->mdn, "none, sync (default), or async URL")->expected(1, 2);
  pack->add_option("--mdn-sign", p->mdn_sign, "Ask for a signed receipt with this MIC algorithm (default: the --sign digest; sha-256 when unsigned or legacy), or none for an unsigned one");
  pack->add_option("--content-type", p->content_type, "The payload's Content-Type (default application/octet-stream)");
  pack->add_option("--filename", p->filename, "The Content-Disposition filename (default: the file's own name)");
  pack->add_option("--message-id", p->message_id, "Message-ID with brackets (default: generated)");
  pack->add_option("--subject", p->subject, "Subject (default \"AS2 message\")");
  pack->add_option("--as2-version", p->as2_version, "1.3 (default; no MD5, SHA-1 or 3DES), 1.1 or 1.0 for legacy partners");
  pack->add_flag("--allow-legacy", p->allow_legacy, "Allow generating SHA-1/MD5 signatures and 3DES (needs --as2-version 1.1 or 1.0)");
  add_common_options(*pack, p->common, true);
  pack->callback([p, &exit_code] { exit_code = run_pack(*p); });

  auto u = std::make_shared<UnpackArgs>();
  auto* unpack = as2->add_subcommand("unpack", "Open an AS2 message, write its payload and the MDN a receiver would answer with");
  unpack->add_option("message", u->input, "The message in wire form (- for stdin)");
  unpack->add_option("-o,--output", u->output, "The payload file, written only when processing succeeded")->required();
  unpack->add_option("--mdn-out", u->mdn_out, "Write the MDN (wire form) here, also for failures, when the message asked for one");
  unpack->add_flag("-f,--force", u->force, "Replace existing output files");
  unpack->add_option("--key", u->keys, "Our private key (repeatable, paired in order with --cert: certificate rollover)")->allow_extra_args(false);
  unpack->add_option("--cert", u->certs, "Our certificate (repeatable)")->allow_extra_args(false);
  unpack->add_option("--partner-cert", u->partner_certs, "The partner's certificate(s) (repeatable, PEM bundles allowed)")->allow_extra_args(false);
  unpack->add_flag("--require-signed", u->require_signed, "Refuse an unsigned message (insufficient-message-security)");
  unpack->add_flag("--require-encrypted", u->require_encrypted, "Refuse an unencrypted message (insufficient-message-security)");
  unpack->add_option("--allow-digest", u->allow_digests, "Also accept this signature digest (sha1, md5) (repeatable)")->allow_extra_args(false);
  unpack->add_option("--allow-cipher", u->allow_ciphers, "Also accept this content cipher (des-ede3-cbc) (repeatable)")->allow_extra_args(false);
  unpack->add_option("--our-id", u->our_id, "Require AS2-To to be this id");
  unpack->add_option("--partner-id", u->partner_id, "Require AS2-From to be this id");
  unpack->add_option("--max-decompressed", u->max_decompressed,
                     "Refuse a compressed layer whose content exceeds BYTES (default 1 GiB; a bomb guard)");
  add_common_options(*unpack, u->common, true);
  unpack->callback([u, &exit_code] { exit_code = run_unpack(*u); });

  auto x = std::make_shared<ExplainArgs>();
  auto* explain = as2->add_subcommand("explain", "Find which MIC variant a partner computed for a message we sent or received");
  explain->add_option("message", x->input, "The message in wire form")->required();
  explain->add_option("--mic", x->mic, "The MIC the partner returned: \"BASE64, ALG\" or BASE64")->required();
  explain->add_option("--key", x->keys, "A private key the message was encrypted to (repeatable, paired with --cert)")->allow_extra_args(false);
  explain->add_option("--cert", x->certs, "Its certificate (repeatable)")->allow_extra_args(false);
  add_common_options(*explain, x->common, true);
  explain->callback([x, &exit_code] { exit_code = run_explain(*x); });
}

}  // namespace payload::cli
