#include "sig/sig_pki.h"

#include "cms/cms_fixture.h"

namespace payload::test {

SigPki::SigPki() {
  const auto& d = m_dir.path();
  // Explicit start dates need `openssl ca` in OpenSSL 3.0.
  write_file(d / "index.txt", "");
  write_file(d / "serial", "2000\n");
  write_file(d / "ca.cnf", "[ca]\ndefault_ca = test\n[test]\ndatabase = " + (d / "index.txt").string() +
                               "\nnew_certs_dir = " + d.string() + "\nserial = " + (d / "serial").string() +
                               "\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n");
  openssl({"req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=future", "-keyout", (d / "future.key").string(),
           "-out", (d / "future.csr").string()});
  openssl({"ca", "-batch", "-config", (d / "ca.cnf").string(), "-selfsign", "-keyfile", (d / "future.key").string(),
           "-startdate", "20990101000000Z", "-enddate", "21000101000000Z", "-in", (d / "future.csr").string(), "-out",
           (d / "future.crt").string(), "-notext"});
  openssl({"req", "-x509", "-nodes", "-days", "30", "-newkey", "rsa:2048", "-subj", "/CN=nosign", "-addext",
           "keyUsage=critical,keyEncipherment", "-keyout", (d / "nosign.key").string(), "-out", (d / "nosign.crt").string()});
  openssl({"req", "-x509", "-nodes", "-days", "30", "-newkey", "rsa:2048", "-subj", "/CN=nonrep", "-addext",
           "keyUsage=critical,nonRepudiation", "-keyout", (d / "nonrep.key").string(), "-out", (d / "nonrep.crt").string()});
  // An encrypted PKCS#8 key (passphrase "secret words").
  openssl({"pkcs8", "-topk8", "-in", (d / "nonrep.key").string(), "-v2", "aes-256-cbc", "-passout", "pass:secret words", "-out",
           (d / "encrypted.key").string()});
}

const SigPki& SigPki::get() {
  static const SigPki pki;
  return pki;
}

}  // namespace payload::test
