// as2 test fixture: keys made by the openssl command.
#include "as2_fixture.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <payload/io/file.h>

#include "support/run.h"

namespace payload::test {

std::string openssl(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult result = run(argv, input);
  std::string command;
  for (const auto& a : argv) command += a + " ";
  INFO("command: " << command << "\nstderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

std::string openssl_digest(const std::string& algorithm, const std::filesystem::path& file) {
  return openssl({"dgst", "-" + algorithm, "-binary", file.string()});
}

std::filesystem::path as2_interop_dir() { return std::filesystem::path(PAYLOAD_SHARED_DIR) / "interop" / "as2"; }

namespace {

cms::Identity load_identity(const std::filesystem::path& key, const std::filesystem::path& crt) {
  auto certificate = cms::Certificate::load(crt);
  auto private_key = cms::PrivateKey::load(key);
  if (!certificate || !private_key) throw std::runtime_error("cannot load " + key.string());
  return cms::Identity{*certificate, *private_key};
}

cms::Identity make_identity(const std::filesystem::path& dir) {
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=as2 test/O=payload tests",
           "-keyout", (dir / "as2.key").string(), "-out", (dir / "as2.crt").string()});
  return load_identity(dir / "as2.key", dir / "as2.crt");
}

}  // namespace

As2Keys::As2Keys()
    : m_identity(make_identity(m_dir.path())),
      m_a(load_identity(as2_interop_dir() / "keys" / "a.key", as2_interop_dir() / "keys" / "a.crt")),
      m_b(load_identity(as2_interop_dir() / "keys" / "b.key", as2_interop_dir() / "keys" / "b.crt")) {}

const As2Keys& As2Keys::get() {
  static const As2Keys keys;
  return keys;
}

std::string find_header(const as2::HttpMessage& message, std::string_view name) {
  return as2::find_field(message.headers, name).value_or("");
}

as2::PackOptions base_pack_options() {
  as2::PackOptions options;
  options.headers.from = "PEER A";
  options.headers.to = "PEER_B";
  options.headers.subject = "as2 test";
  options.content_type = "application/edi-x12";
  options.filename = "data.x12";
  options.mdn = as2::MdnRequest{"PEER A", {cms::DigestAlg::sha256}, ""};
  return options;
}

as2::UnpackOptions base_unpack_options() {
  const auto& keys = As2Keys::get();
  as2::UnpackOptions options;
  options.identities = {keys.identity()};
  options.partner_certificates = {keys.identity().certificate};
  options.require_signed = false;
  options.require_encrypted = false;
  options.our_id = "PEER_B";
  options.partner_id = "PEER A";
  return options;
}

UnpackedFile unpack_file(std::string_view wire, const as2::UnpackOptions& options) {
  TempDir dir;
  write_file(dir / "message", wire);
  auto message = io::InputFile::open(dir / "message");
  REQUIRE(message);
  const io::UniqueFd out(::open((dir / "payload").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  REQUIRE(out.valid());
  UnpackedFile unpacked{as2::unpack(message->input(), io::Output{out.get(), dir / "payload"}, options), read_file(dir / "payload"), {}};
  if (!unpacked.result)
    unpacked.error = std::string(as2::outcome_name(unpacked.result.error().outcome)) + ": " + unpacked.result.error().error.message();
  return unpacked;
}

}  // namespace payload::test
