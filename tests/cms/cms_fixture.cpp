// cms test fixture: a PKI made with the openssl command.
#include "cms_fixture.h"

#include <catch2/catch.hpp>

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

std::string openssl_digest(const std::string& alg, const std::filesystem::path& file) {
  return openssl({"dgst", "-" + alg, "-binary", file.string()});
}

std::filesystem::path interop_dir() { return std::filesystem::path(PAYLOAD_SHARED_DIR) / "interop" / "as2"; }

namespace {

void self_signed(const std::filesystem::path& dir, const std::string& name, const std::vector<std::string>& newkey) {
  std::vector<std::string> args{"req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=" + name + "/O=payload tests",
                                "-keyout", (dir / (name + ".key")).string(), "-out", (dir / (name + ".crt")).string()};
  args.insert(args.end(), newkey.begin(), newkey.end());
  openssl(args);
}

}  // namespace

Pki::Pki() {
  const auto& d = m_dir.path();
  self_signed(d, "rsa", {"-newkey", "rsa:2048"});
  self_signed(d, "rsa2", {"-newkey", "rsa:2048"});
  self_signed(d, "ec256", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"});
  self_signed(d, "ec384", {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"});

  // An expired certificate needs explicit dates, which only `openssl ca` takes in 3.0.
  write_file(d / "index.txt", "");
  write_file(d / "ca.cnf",
             "[ca]\ndefault_ca = test\n[test]\ndatabase = " + (d / "index.txt").string() +
                 "\nnew_certs_dir = " + d.string() +
                 "\nserial = " + (d / "serial").string() +
                 "\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n");
  write_file(d / "serial", "1000\n");
  openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=expired", "-keyout",
           (d / "expired.key").string(), "-out", (d / "expired.csr").string()});
  openssl({"ca", "-batch", "-config", (d / "ca.cnf").string(), "-selfsign", "-keyfile", (d / "expired.key").string(),
           "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-in", (d / "expired.csr").string(),
           "-out", (d / "expired.crt").string(), "-notext"});
}

const Pki& Pki::get() {
  static const Pki pki;
  return pki;
}

cms::Certificate Pki::certificate(const std::string& name) const {
  auto cert = cms::Certificate::load(crt(name));
  REQUIRE(cert);
  return *cert;
}

cms::Identity Pki::identity(const std::string& name) const {
  auto loaded = cms::PrivateKey::load(key(name));
  REQUIRE(loaded);
  return cms::Identity{certificate(name), *loaded};
}

}  // namespace payload::test
