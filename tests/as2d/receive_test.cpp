// as2d receiving, end to end: the pyas2/libas2 interop messages posted to a running
// daemon; stored files, store rows and MDNs checked (signatures by `openssl cms`, MICs
// against what the producers recorded); duplicates, policy, unknown partners, auth.
#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <signal.h>

#include <payload/as2/pack.h>
#include <payload/cms/algorithms.h>
#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>
#include <payload/mdn/parse.h>

#include "as2d_fixture.h"
#include "store.h"

using namespace as2d;
using namespace as2d::test;
namespace mdn = payload::mdn;

namespace {

struct Vector {
  std::string name;
  WireMessage message;
  Poco::JSON::Object::Ptr json;

  [[nodiscard]] std::string header(const std::string& name_) const { return header_value(message.headers, name_); }
  [[nodiscard]] std::string option(const std::string& key) const { return json->optValue<std::string>(key, ""); }
  [[nodiscard]] bool flag(const std::string& key) const { return json->getValue<bool>(key); }
  [[nodiscard]] bool mdn_requested() const { return option("options").find("--mdn sync") != std::string::npos; }
};

std::vector<Vector> interop_vectors() {
  std::vector<Vector> vectors;
  for (const auto& entry : std::filesystem::directory_iterator(interop_dir() / "messages")) {
    if (entry.path().extension() != ".as2") continue;
    Vector vector;
    vector.name = entry.path().stem().string();
    vector.message = read_wire_message(entry.path());
    auto json_path = entry.path();
    json_path.replace_extension(".json");
    Poco::JSON::Parser parser;
    vector.json = parser.parse(payload::test::read_file(json_path)).extract<Poco::JSON::Object::Ptr>();
    vectors.push_back(std::move(vector));
  }
  std::sort(vectors.begin(), vectors.end(), [](const Vector& a, const Vector& b) { return a.name < b.name; });
  REQUIRE(vectors.size() >= 20);
  return vectors;
}

const Vector& vector_named(const std::vector<Vector>& vectors, const std::string& name) {
  for (const auto& v : vectors) {
    if (v.name == name) return v;
  }
  FAIL("no interop vector " << name);
  return vectors.front();
}

// The payload the producer started from; text that pyas2 sent as text/* arrives in its
// canonical form, bare LF turned into CRLF (RFC 8551 3.1.1).
std::string expected_payload(const Vector& vector) {
  const auto file = vector.option("payload");
  const auto raw = payload::test::read_file(interop_dir() / file);
  if (file != "payloads/orders-lf.csv") return raw;
  std::string crlf;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) crlf += '\r';
    crlf += raw[i];
  }
  return crlf;
}

HttpReply post(std::uint16_t port, const WireMessage& message, bool chunked = false) {
  return http(port, "POST", "/as2", message.headers, message.body, chunked);
}

bool is_signed(const HttpReply& reply) {
  return reply.header("Content-Type").value_or("").starts_with("multipart/signed");
}

// The signature of a signed MDN, checked by openssl against `certificate` alone.
void check_signature_with_openssl(const HttpReply& reply, const std::filesystem::path& certificate,
                                  const std::filesystem::path& dir) {
  const auto file = dir / "mdn.eml";
  payload::test::write_file(
      file, mime_text({{"MIME-Version", "1.0"}, {"Content-Type", *reply.header("Content-Type")}}, reply.body));
  openssl({"cms", "-verify", "-in", file.string(), "-noverify", "-nointern", "-certfile", certificate.string(), "-out",
           (dir / "mdn-content.txt").string()});
}

mdn::MdnReport parse_reply(const HttpReply& reply, const std::filesystem::path& certificate) {
  auto cert = payload::cms::Certificate::load(certificate);
  REQUIRE(cert);
  // MD5 and SHA-1 too: the interop partner lists them, so its receipts may use them.
  mdn::MdnParseOptions options;
  options.verify.allowed_digests = {payload::cms::DigestAlg::md5,    payload::cms::DigestAlg::sha1,
                                    payload::cms::DigestAlg::sha224, payload::cms::DigestAlg::sha256,
                                    payload::cms::DigestAlg::sha384, payload::cms::DigestAlg::sha512};
  auto report = mdn::parse_mdn(reply.headers, reply.body, {*cert}, options);
  INFO(reply.body);
  REQUIRE(report);
  return *report;
}

MessageRecord stored_row(const Setup& setup, const std::string& partner, const std::string& message_id) {
  auto store = MessageStore::open(setup.data() / "as2d.sqlite");
  REQUIRE(store);
  auto row = (*store)->find(partner, "in", message_id);
  REQUIRE(row);
  REQUIRE(row->has_value());
  return **row;
}

std::vector<std::filesystem::path> inbox_files(const std::filesystem::path& inbox) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(inbox, ec)) files.push_back(entry.path());
  return files;
}

WireMessage with_header(WireMessage message, const std::string& name, const std::string& value) {
  for (auto& [k, v] : message.headers) {
    if (Poco::icompare(k, name) == 0) {
      v = value;
      return message;
    }
  }
  message.headers.emplace_back(name, value);
  return message;
}

WireMessage without_header(WireMessage message, const std::string& name) {
  std::erase_if(message.headers, [&](const auto& h) { return Poco::icompare(h.first, name) == 0; });
  return message;
}

}  // namespace

TEST_CASE("every interop message is stored, recorded and answered with the producer's MIC") {
  const auto vectors = interop_vectors();
  InteropSetup setup;
  Daemon daemon(setup.write());
  const auto b_crt = interop_dir() / "keys" / "b.crt";
  std::size_t stored = 0;

  for (const auto& vector : vectors) {
    INFO("vector " << vector.name);
    const auto reply = post(daemon.port(), vector.message);
    REQUIRE(reply.status == 200);
    const auto message_id = vector.header("Message-ID");

    // The store row, and the file it points to: the payload byte for byte.
    const auto row = stored_row(setup, "a", message_id);
    CHECK(row.status == "processed");
    CHECK(row.error.empty());
    CHECK(row.size == vector.message.body.size());
    CHECK(row.message_id == message_id);
    CHECK((row.algorithms.find("encrypted=") != std::string::npos) == vector.flag("encrypted"));
    CHECK((row.algorithms.find("signed=") != std::string::npos) == vector.flag("signed"));
    CHECK((row.algorithms.find("compressed=") != std::string::npos) == vector.flag("compressed"));
    REQUIRE(std::filesystem::is_regular_file(row.file_path));
    CHECK(std::filesystem::path(row.file_path).parent_path() == setup.data() / "inbox" / "a");
    CHECK(payload::test::read_file(row.file_path) == expected_payload(vector));
    ++stored;

    if (!vector.mdn_requested()) {
      CHECK(reply.body.empty());
      CHECK_FALSE(row.mdn.has_value());
      continue;
    }
    // The MDN: ours (AS2-From/To swapped), for this message, processed, with the MIC the
    // producer recorded; signed with b.crt whenever a signed receipt was requested.
    CHECK(reply.header("AS2-From") == "PEER_B");
    CHECK(reply.header("AS2-To") == "PEER_A");
    const auto report = parse_reply(reply, b_crt);
    CHECK(report.original_message_id == message_id);
    CHECK(report.disposition.is_success());
    CHECK(report.disposition.modifiers.empty());
    REQUIRE(report.mic);
    CHECK(row.mic == report.mic->to_string());
    if (!vector.json->isNull("mic")) {
      CHECK(report.mic->base64() == vector.option("mic"));
      CHECK(report.mic->algorithm == *payload::cms::parse_micalg(vector.option("micalg")));
    }
    if (vector.header("Disposition-Notification-Options").find("signed-receipt-micalg") != std::string::npos) {
      REQUIRE(is_signed(reply));
      CHECK(report.signature == mdn::SignatureStatus::verified);
      check_signature_with_openssl(reply, b_crt, setup.dir.path());
    } else {
      CHECK_FALSE(is_signed(reply));
    }
    // The store keeps the MDN exactly as sent.
    REQUIRE(row.mdn.has_value());
    CHECK(row.mdn->ends_with("\r\n\r\n" + reply.body));
    CHECK(row.mdn->find("Message-ID: " + *reply.header("Message-ID") + "\r\n") != std::string::npos);
    CHECK(row.disposition == "automatic-action/MDN-sent-automatically; processed");
  }
  CHECK(inbox_files(setup.data() / "inbox" / "a").size() == stored);
  CHECK(daemon.events("\"name\":\"payload_stored\"").size() == stored);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("a repeated Message-ID is answered with the stored MDN, not processed again") {
  const auto vectors = interop_vectors();
  InteropSetup setup;
  Daemon daemon(setup.write());
  const auto& vector = vector_named(vectors, "signed-sha256-aes256");
  const auto first = post(daemon.port(), vector.message);
  REQUIRE(first.status == 200);
  const auto second = post(daemon.port(), vector.message);
  REQUIRE(second.status == 200);
  CHECK(second.body == first.body);
  CHECK(second.header("Message-ID") == first.header("Message-ID"));
  CHECK(second.header("Content-Type") == first.header("Content-Type"));
  // The same message with the brackets dropped is the same message (i05 5.3.3).
  auto bare_id = vector.header("Message-ID");
  bare_id = bare_id.substr(1, bare_id.size() - 2);
  const auto third = post(daemon.port(), with_header(vector.message, "Message-ID", bare_id));
  CHECK(third.body == first.body);
  CHECK(inbox_files(setup.data() / "inbox" / "a").size() == 1);
  CHECK(daemon.events("\"name\":\"duplicate_replayed\"").size() == 2);
  CHECK(stored_row(setup, "a", vector.header("Message-ID")).attempts == 1);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("a message that failed is processed again when it comes again") {
  const auto vectors = interop_vectors();
  InteropSetup setup;
  setup.partner("a").set("require_signed", "yes");
  Daemon daemon(setup.write());
  const auto& vector = vector_named(vectors, "plain-mdn-unsigned");
  const auto first = post(daemon.port(), vector.message);
  REQUIRE(first.status == 200);
  CHECK(parse_reply(first, interop_dir() / "keys" / "b.crt").disposition.has(mdn::ModifierKind::error,
                                                                               "insufficient-message-security"));
  CHECK(stored_row(setup, "a", vector.header("Message-ID")).status == "failed");

  setup.partner("a").set("require_signed", "no");
  setup.write();
  daemon.signal(SIGHUP);
  REQUIRE(daemon.wait_for_log("partners_reloaded"));
  const auto second = post(daemon.port(), vector.message);
  REQUIRE(second.status == 200);
  CHECK(parse_reply(second, interop_dir() / "keys" / "b.crt").disposition.is_success());
  const auto row = stored_row(setup, "a", vector.header("Message-ID"));
  CHECK(row.status == "processed");
  CHECK(row.attempts == 2);
  CHECK(payload::test::read_file(row.file_path) == expected_payload(vector));
  CHECK(daemon.stop() == 0);
}

TEST_CASE("policy and processing errors become error MDNs, and nothing is stored") {
  const auto vectors = interop_vectors();
  InteropSetup setup;
  // A second station identity that is not what the messages were encrypted to.
  make_identity(setup.dir.path(), "other", "OTHER");
  struct Case {
    std::string label;
    std::string vector;
    std::function<void(Setup&)> configure;
    std::function<WireMessage(WireMessage)> mutate;
    std::string modifier;
    bool signed_mdn = true;  // a signed receipt was requested with a micalg the policy allows
  };
  const auto keep = [](WireMessage m) { return m; };
  const std::vector<Case> cases{
      {"unsigned message from a partner that must sign", "plain-mdn-unsigned",
       [](Setup& s) { s.partner("a").set("require_signed", "yes"); }, keep, "insufficient-message-security"},
      {"unencrypted message from a partner that must encrypt", "signed-only-sha256",
       [](Setup& s) { s.partner("a").set("require_encrypted", "yes"); }, keep, "insufficient-message-security"},
      {"SHA-1 signature under the default policy", "signed-sha1-aes256",
       [](Setup& s) { s.partner("a").erase("allowed_digests"); }, keep, "insufficient-message-security",
       false},
      {"3DES under the default policy", "signed-sha256-3des",
       [](Setup& s) { s.partner("a").set("allowed_ciphers", "aes-256-cbc"); }, keep, "insufficient-message-security"},
      {"signed by a certificate we do not have for the partner", "signed-sha256-aes256",
       [](Setup& s) { s.partner("a").set("cert", (s.dir / "other.crt").string()); }, keep, "authentication-failed"},
      {"encrypted to a key we do not have", "signed-sha256-aes256",
       [](Setup& s) {
         s.station.set("key", (s.dir / "other.key").string()).set("cert", (s.dir / "other.crt").string());
       },
       keep, "decryption-failed"},
      {"corrupt compressed data", "compressed-only", [](Setup&) {},
       [](WireMessage m) {
         for (std::size_t i = m.body.size() / 2; i < m.body.size() / 2 + 16; ++i) m.body[i] = static_cast<char>(~m.body[i]);
         return m;
       },
       "decompression-failed"},
      {"a Message-ID with a space", "plain-mdn-unsigned", [](Setup&) {},
       [](WireMessage m) { return with_header(std::move(m), "Message-ID", "<bad id@host>"); }, "invalid-message-id"},
      {"multiple attachments (RFC 6362), which the AS2 core does not take", "plain-mdn-unsigned", [](Setup&) {},
       [](WireMessage m) {
         m = with_header(std::move(m), "Content-Type", "multipart/related; boundary=\"b\"; type=\"application/edi-x12\"");
         m.body = "--b\r\nContent-Type: application/edi-x12\r\n\r\nA\r\n--b\r\nContent-Type: application/edi-x12\r\n\r\nB"
                  "\r\n--b--\r\n";
         return m;
       },
       "unexpected-processing-error"},
      {"a payload filename that leaves the inbox", "plain-mdn-unsigned", [](Setup&) {},
       [](WireMessage m) {
         return with_header(std::move(m), "Content-Disposition", "attachment; filename=\"../../etc/cron.d/x\"");
       },
       "illegal-filename"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.label) {
      c.configure(setup);
      Daemon daemon(setup.write());
      const auto& vector = vector_named(vectors, c.vector);
      const auto message = c.mutate(vector.message);
      const auto reply = post(daemon.port(), message);
      REQUIRE(reply.status == 200);
      const auto report = parse_reply(reply, setup.station.get("cert"));
      INFO(report.explanation);
      CHECK_FALSE(report.disposition.is_success());
      CHECK(report.disposition.has(mdn::ModifierKind::error, c.modifier));
      CHECK_FALSE(report.mic);
      // A signed receipt was requested: errors are signed too (RFC 4130 7.3.1), unless the
      // requested micalg is one the policy refuses (then unsigned, i05 8.3).
      const bool signed_requested =
          vector.header("Disposition-Notification-Options").find("signed-receipt-micalg") != std::string::npos;
      CHECK(report.signature == (signed_requested && c.signed_mdn ? mdn::SignatureStatus::verified
                                                                  : mdn::SignatureStatus::unsigned_mdn));
      CHECK(inbox_files(setup.data() / "inbox" / "a").empty());
      CHECK(daemon.events("\"name\":\"message_failed\"").size() == 1);
      CHECK(daemon.events("\"name\":\"payload_stored\"").empty());
      const auto message_id = header_value(message.headers, "Message-ID");
      if (c.modifier != "invalid-message-id") {
        const auto row = stored_row(setup, "a", message_id);
        CHECK(row.status == "failed");
        CHECK(row.file_path.empty());
        CHECK(row.disposition.find(c.modifier) != std::string::npos);
      }
      CHECK(daemon.stop() == 0);
    }
  }
}

TEST_CASE("unknown partners get unknown-trading-relationship, unsigned, and nothing is stored") {
  const auto vectors = interop_vectors();
  InteropSetup setup;
  Daemon daemon(setup.write());
  const auto& vector = vector_named(vectors, "signed-sha256-aes256");

  const auto stranger = post(daemon.port(), with_header(vector.message, "AS2-From", "\"STRANGER CO\""));
  REQUIRE(stranger.status == 200);
  CHECK(stranger.header("AS2-To") == "\"STRANGER CO\"");
  auto report = parse_reply(stranger, interop_dir() / "keys" / "b.crt");
  CHECK(report.disposition.has(mdn::ModifierKind::error, "unknown-trading-relationship"));
  CHECK(report.signature == mdn::SignatureStatus::unsigned_mdn);

  const auto not_us = post(daemon.port(), with_header(vector.message, "AS2-To", "SOMEONE_ELSE"));
  REQUIRE(not_us.status == 200);
  CHECK(parse_reply(not_us, interop_dir() / "keys" / "b.crt")
            .disposition.has(mdn::ModifierKind::error, "unknown-trading-relationship"));

  // No MDN asked for: there is no disposition to carry the answer, so HTTP says it.
  const auto& plain = vector_named(vectors, "plain-nomdn");
  CHECK(post(daemon.port(), with_header(plain.message, "AS2-From", "STRANGER")).status == 403);
  // No AS2-From at all: not an AS2 message we can answer.
  CHECK(post(daemon.port(), without_header(plain.message, "AS2-From")).status == 400);

  CHECK(inbox_files(setup.data() / "inbox" / "a").empty());
  CHECK(daemon.events("\"name\":\"partner_unknown\"").size() == 3);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("basic authentication when the partner's section asks for it") {
  const auto vectors = interop_vectors();
  InteropSetup setup;
  auto hash = openssl({"passwd", "-6", "open sesame"});
  hash.pop_back();
  setup.partner("a").set("auth_user", "peer-a").set("auth_password_hash", hash);
  Daemon daemon(setup.write());
  const auto& vector = vector_named(vectors, "signed-sha256-aes256");
  const auto basic = [](const std::string& credentials) {
    return "Basic " + openssl({"base64", "-A"}, credentials);
  };

  const auto none = post(daemon.port(), vector.message);
  CHECK(none.status == 401);
  CHECK(none.header("WWW-Authenticate").value_or("").starts_with("Basic realm="));
  CHECK(post(daemon.port(), with_header(vector.message, "Authorization", basic("peer-a:open sesamE"))).status == 401);
  CHECK(post(daemon.port(), with_header(vector.message, "Authorization", basic("peer-b:open sesame"))).status == 401);
  CHECK(post(daemon.port(), with_header(vector.message, "Authorization", "Bearer abc")).status == 401);
  CHECK(post(daemon.port(), with_header(vector.message, "Authorization", basic(std::string(151, 'u') + ":open sesame")))
            .status == 401);
  CHECK(post(daemon.port(), with_header(vector.message, "Authorization", basic("peer-a:" + std::string(151, 'p'))))
            .status == 401);
  CHECK(inbox_files(setup.data() / "inbox" / "a").empty());
  CHECK(daemon.events("\"name\":\"auth_failed\"").size() == 6);

  const auto good = post(daemon.port(), with_header(vector.message, "Authorization", basic("peer-a:open sesame")));
  REQUIRE(good.status == 200);
  CHECK(parse_reply(good, interop_dir() / "keys" / "b.crt").disposition.is_success());
  CHECK(inbox_files(setup.data() / "inbox" / "a").size() == 1);
  CHECK(daemon.stop() == 0);
}

TEST_CASE("a chunked upload is received like a framed one") {
  const auto vectors = interop_vectors();
  InteropSetup setup;
  Daemon daemon(setup.write());
  const auto& vector = vector_named(vectors, "binary-compressed-after-sign");
  const auto reply = post(daemon.port(), vector.message, true);
  REQUIRE(reply.status == 200);
  CHECK(parse_reply(reply, interop_dir() / "keys" / "b.crt").disposition.is_success());
  const auto row = stored_row(setup, "a", vector.header("Message-ID"));
  CHECK(payload::test::read_file(row.file_path) == expected_payload(vector));
  CHECK(daemon.stop() == 0);
}

// Bodies over 1 MiB are unpacked from their spool file, the payload written straight into
// the inbox temporary (issue 4: large bodies are streamed to disk).
TEST_CASE("a 12 MiB signed, compressed and encrypted message is stored from its spool file") {
  const auto keys = interop_dir() / "keys";
  auto a_key = payload::cms::PrivateKey::load(keys / "a.key");
  auto a_crt = payload::cms::Certificate::load(keys / "a.crt");
  auto b_crt = payload::cms::Certificate::load(keys / "b.crt");
  REQUIRE(a_key);
  REQUIRE(a_crt);
  REQUIRE(b_crt);
  payload::as2::PackOptions options;
  options.headers.from = "PEER_A";
  options.headers.to = "PEER_B";
  options.filename = "large.bin";
  options.mdn = payload::as2::MdnRequest{"PEER_A", {payload::cms::DigestAlg::sha256}, ""};
  options.sign = payload::as2::SignSpec{payload::cms::Identity{*a_crt, *a_key}, {}, mdn::MicalgSpelling::rfc5751};
  options.encrypt = payload::as2::EncryptSpec{{*b_crt}, {}};
  options.compression = payload::as2::Compression::before_signing;
  const std::string content = payload::test::pseudo_random_bytes(std::size_t{12} << 20, 71);
  auto packed = payload::as2::pack(content, options);
  REQUIRE(packed);
  const WireMessage message{packed->http.headers, packed->http.body};

  InteropSetup setup;
  Daemon daemon(setup.write());
  SECTION("stored byte for byte, with the sender's MIC in the MDN") {
    const auto reply = post(daemon.port(), message);
    REQUIRE(reply.status == 200);
    const auto report = parse_reply(reply, keys / "b.crt");
    CHECK(report.disposition.is_success());
    REQUIRE(report.mic);
    CHECK(*report.mic == packed->mic);
    const auto row = stored_row(setup, "a", packed->message_id);
    CHECK(std::filesystem::path(row.file_path).filename() == "large.bin");
    CHECK(payload::test::read_file(row.file_path) == content);
    CHECK(inbox_files(setup.data() / "inbox" / "a").size() == 1);
  }
  SECTION("a changed byte fails it, and nothing is left in the inbox") {
    WireMessage changed = message;
    changed.body[changed.body.size() / 2] = static_cast<char>(changed.body[changed.body.size() / 2] ^ 0x01);
    const auto reply = post(daemon.port(), changed);
    REQUIRE(reply.status == 200);
    CHECK_FALSE(parse_reply(reply, keys / "b.crt").disposition.is_success());
    CHECK(inbox_files(setup.data() / "inbox" / "a").empty());
  }
  CHECK(inbox_files(setup.data() / "tmp").empty());
  CHECK(daemon.stop() == 0);
}
