// `payload hook run`: each step against the other implementations (gpg, openssl), and
// each failure a partner or an operator can cause, with the documented exit code, the
// quarantine and its .reason file, and the audit trail.
#include <catch2/catch.hpp>

#include <algorithm>

#include "cms/cms_fixture.h"
#include "hook/hook_fixture.h"
#include "support/run.h"
#include "support/temp_dir.h"

using namespace payload::test;

namespace {

const std::string kInvoice = "UNH+1+INVOIC:D:96A:UN'\nBGM+380+42'\nUNT+3+1'\n";

const std::string kPolicies = R"(
# Outbound: encrypt for the partner, signed by us, into the outbox under a unique name.
[outbound]
steps = encrypt, move
keyring = @KEYRING@
quarantine = @DIR@/quarantine
encrypt.recipients = @PARTNER@
encrypt.sign_with = @OURS@
encrypt.armor = yes
move.to = @DIR@/out
move.uuid_prefix = yes

[keep]
steps = encrypt
keyring = @KEYRING@
quarantine = @DIR@/quarantine
encrypt.recipients = @PARTNER@
encrypt.keep_original = yes

# Inbound: decrypt, requiring the partner's signature, then deliver.
[inbound]
steps = decrypt, move
keyring = @KEYRING@
quarantine = @DIR@/quarantine
decrypt.require_signers = @PARTNER@
move.to = @DIR@/out

[inbound-wrong-signer]
steps = decrypt, move
keyring = @KEYRING@
quarantine = @DIR@/quarantine
decrypt.require_signers = @OURS@
move.to = @DIR@/out

[verify]
steps = verify, move
keyring = @KEYRING@
quarantine = @DIR@/quarantine
verify.signers = @PARTNER@
move.to = @DIR@/out

[verify-ours]
steps = verify, move
keyring = @KEYRING@
quarantine = @DIR@/quarantine
verify.signers = @OURS@
move.to = @DIR@/out

[vanish]
steps = run, encrypt
keyring = @KEYRING@
quarantine = @DIR@/quarantine
run.command = sh -c "rm -f \"$PAYLOAD_HOOK_FILE\""
encrypt.recipients = @PARTNER@

[unwritable]
steps = move
quarantine = @DIR@/quarantine
move.to = @DIR@/blocker/sub

[collide]
steps = move
quarantine = @DIR@/quarantine
move.to = @DIR@/out

[notify]
steps = move, run
quarantine = @DIR@/quarantine
move.to = @DIR@/out
run.command = sh -c "env | grep ^PAYLOAD_HOOK_ | sort > \"$0\"" @DIR@/env.txt

[failing-command]
steps = run, move
quarantine = @DIR@/quarantine
move.to = @DIR@/out
run.command = false

[upload-only]
events = post-upload
steps = move
quarantine = @DIR@/quarantine
move.to = @DIR@/out
)";

struct Station : HookStation {
  Station() { policies(kPolicies); }
};

}  // namespace

TEST_CASE("hook encrypt: the partner decrypts with gpg and checks our signature, the original is gone, the trail has every step") {
  Station s;
  const auto file = s.upload("invoice.edi", kInvoice);
  const auto r = s.hook("outbound", {file.string()});
  REQUIRE(r.exit_code == kHookOk);
  CHECK(contains(r.out, "ok " + file.string() + " -> "));
  CHECK_FALSE(std::filesystem::exists(file));
  const auto delivered = HookStation::names(s.out);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].size() == 36 + 1 + std::string("invoice.edi.asc").size());  // UUID prefix
  CHECK(delivered[0].substr(36) == "-invoice.edi.asc");
  const auto result = s.partners.gpg_run({"--status-fd", "2", "--decrypt", (s.out / delivered[0]).string()});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == kInvoice);
  CHECK(contains(result.err, "GOODSIG"));
  CHECK(contains(result.err, s.partners.our_fpr.substr(24)));
  // Every step left one line, with the file's size and sha256.
  const auto audit = s.audit();
  for (const char* id : {"\"event\":4000", "\"event\":4010", "\"event\":4013", "\"event\":4030"}) CHECK(contains(audit, id));
  CHECK(contains(audit, "\"sha256\":\""));
  CHECK(contains(audit, "\"size\":" + std::to_string(kInvoice.size())));
  CHECK(contains(audit, "\"hook_event\":\"post-upload\""));
  CHECK(contains(audit, "\"policy\":\"outbound\""));
  CHECK(HookStation::names(s.in).empty());  // no journal, lock or temporary left
}

TEST_CASE("hook encrypt with keep_original leaves the original beside a binary .pgp") {
  Station s;
  const auto file = s.upload("report.csv", kInvoice);
  const auto r = s.hook("keep", {file.string()});
  REQUIRE(r.exit_code == kHookOk);
  CHECK(HookStation::names(s.in) == std::vector<std::string>{"report.csv", "report.csv.pgp"});
  CHECK(read_file(file) == kInvoice);
  const auto head = read_file(s.in / "report.csv.pgp").substr(0, 1);
  CHECK((static_cast<unsigned char>(head[0]) & 0x80) != 0);  // binary OpenPGP, not armor
  CHECK(s.partner_decrypts(s.in / "report.csv.pgp") == kInvoice);
}

TEST_CASE("hook decrypt: a message gpg signed and encrypted is delivered when the partner signed it") {
  Station s;
  write_file(s.partners.dir / "plain.edi", kInvoice);
  const auto file = s.in / "order.edi.pgp";
  s.partners.gpg({"--trust-model", "always", "-e", "-s", "-r", s.partners.our_fpr, "-u", s.partners.partner_fpr, "-o",
                  file.string(), (s.partners.dir / "plain.edi").string()});
  const auto r = s.hook("inbound", {file.string()});
  REQUIRE(r.exit_code == kHookOk);
  CHECK(read_file(s.out / "order.edi") == kInvoice);
  CHECK_FALSE(std::filesystem::exists(file));
  CHECK(contains(s.audit(), "\"event\":4011"));
}

TEST_CASE("hook decrypt: a wrong signer puts the file in quarantine with a reason") {
  Station s;
  write_file(s.partners.dir / "plain.edi", kInvoice);
  const auto file = s.in / "order.edi.pgp";
  s.partners.gpg({"--trust-model", "always", "-e", "-s", "-r", s.partners.our_fpr, "-u", s.partners.partner_fpr, "-o",
                  file.string(), (s.partners.dir / "plain.edi").string()});
  const auto original = read_file(file);
  const auto r = s.hook("inbound-wrong-signer", {file.string()});
  REQUIRE(r.exit_code == kHookQuarantined);
  CHECK(contains(r.out, "quarantined "));
  CHECK(HookStation::names(s.quarantine) == std::vector<std::string>{"order.edi.pgp", "order.edi.pgp.reason"});
  CHECK(read_file(s.quarantine / "order.edi.pgp") == original);  // the file as it came, not a partial plaintext
  const auto reason = read_file(s.quarantine / "order.edi.pgp.reason");
  CHECK(contains(reason, "failed: decrypt: "));
  CHECK(contains(reason, "error: bad_signature"));
  CHECK(contains(reason, "event: 4020"));
  CHECK(contains(reason, "time: 20"));
  CHECK(HookStation::names(s.out).empty());
  CHECK(HookStation::names(s.in).empty());
  CHECK(contains(s.audit(), "\"event\":4021"));
}

TEST_CASE("hook decrypt: a tampered message is quarantined and no plaintext is left anywhere") {
  Station s;
  write_file(s.partners.dir / "plain.edi", std::string(20000, 'x'));
  const auto file = s.in / "order.edi.pgp";
  s.partners.gpg({"--trust-model", "always", "--compress-algo", "none", "-e", "-s", "-r", s.partners.our_fpr, "-u",
                  s.partners.partner_fpr, "-o", file.string(), (s.partners.dir / "plain.edi").string()});
  auto bytes = read_file(file);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
  write_file(file, bytes);
  const auto r = s.hook("inbound", {file.string()});
  REQUIRE(r.exit_code == kHookQuarantined);
  CHECK(HookStation::names(s.quarantine) == std::vector<std::string>{"order.edi.pgp", "order.edi.pgp.reason"});
  CHECK(HookStation::names(s.in).empty());
  CHECK(HookStation::names(s.out).empty());
}

TEST_CASE("hook verify: a detached gpg signature by the partner passes and travels with the file") {
  Station s;
  const auto file = s.upload("price.csv", kInvoice);
  s.partners.gpg({"--armor", "--detach-sign", "-u", s.partners.partner_fpr, "-o", (s.in / "price.csv.asc").string(), file.string()});
  const auto r = s.hook("verify", {file.string()});
  REQUIRE(r.exit_code == kHookOk);
  CHECK(HookStation::names(s.out) == std::vector<std::string>{"price.csv", "price.csv.asc"});
  CHECK(contains(s.audit(), "\"event\":4012"));
}

TEST_CASE("hook verify: a tampered file, a missing signature and a wrong signer are quarantined") {
  Station s;
  SECTION("tampered") {
    const auto file = s.upload("price.csv", kInvoice);
    s.partners.gpg({"--detach-sign", "-u", s.partners.partner_fpr, "-o", (s.in / "price.csv.sig").string(), file.string()});
    write_file(file, kInvoice + "BGM+380+43'\n");
    const auto r = s.hook("verify", {file.string()});
    CHECK(r.exit_code == kHookQuarantined);
    CHECK(HookStation::names(s.quarantine) == std::vector<std::string>{"price.csv", "price.csv.reason", "price.csv.sig"});
  }
  SECTION("missing signature") {
    const auto file = s.upload("price.csv", kInvoice);
    const auto r = s.hook("verify", {file.string()});
    CHECK(r.exit_code == kHookQuarantined);
    CHECK(contains(read_file(s.quarantine / "price.csv.reason"), "missing signature"));
  }
  SECTION("wrong signer") {
    const auto file = s.upload("price.csv", kInvoice);
    s.partners.gpg({"--detach-sign", "-u", s.partners.partner_fpr, "-o", (s.in / "price.csv.sig").string(), file.string()});
    const auto r = s.hook("verify-ours", {file.string()});
    CHECK(r.exit_code == kHookQuarantined);
    CHECK(std::filesystem::exists(s.quarantine / "price.csv.reason"));
  }
  CHECK(HookStation::names(s.out).empty());
  CHECK(HookStation::names(s.in).empty());
}

TEST_CASE("hook verify: CMS .p7s made by openssl passes, one by an expired certificate is quarantined") {
  Station s;
  const auto& pki = Pki::get();
  const auto file = s.upload("price.csv", kInvoice);
  const bool expired = GENERATE(false, true);
  const std::string who = expired ? "expired" : "rsa";
  openssl({"cms", "-sign", "-binary", "-outform", "DER", "-in", file.string(), "-signer", pki.crt(who).string(), "-inkey",
           pki.key(who).string(), "-out", (s.in / "price.csv.p7s").string()});
  s.policies(kPolicies + "\n[cms]\nsteps = verify, move\nquarantine = @DIR@/quarantine\nverify.certificates = " +
             pki.crt(who).string() + "\nmove.to = @DIR@/out\n");
  const auto r = s.hook("cms", {file.string()});
  if (expired) {
    REQUIRE(r.exit_code == kHookQuarantined);
    CHECK(contains(read_file(s.quarantine / "price.csv.reason"), "error: key_unusable"));
  } else {
    REQUIRE(r.exit_code == kHookOk);
    CHECK(HookStation::names(s.out) == std::vector<std::string>{"price.csv", "price.csv.p7s"});
  }
}

TEST_CASE("hook verify: a raw RSA-PSS signature made by openssl passes, over a changed file it is quarantined") {
  Station s;
  const auto& pki = Pki::get();
  const auto file = s.upload("price.csv", kInvoice);
  openssl({"dgst", "-sha256", "-sigopt", "rsa_padding_mode:pss", "-sign", pki.key("rsa").string(), "-out",
           (s.in / "price.csv.sig").string(), file.string()});
  s.policies(kPolicies + "\n[raw]\nsteps = verify, move\nquarantine = @DIR@/quarantine\nverify.certificates = " +
             pki.crt("rsa").string() + "\nmove.to = @DIR@/out\n");
  const bool tamper = GENERATE(false, true);
  if (tamper) write_file(file, kInvoice + "x");
  const auto r = s.hook("raw", {file.string()});
  CHECK(r.exit_code == (tamper ? kHookQuarantined : kHookOk));
  CHECK(std::filesystem::exists((tamper ? s.quarantine : s.out) / "price.csv.sig"));
}

TEST_CASE("hook encrypt S/MIME: openssl cms -decrypt reads the .p7m, also when we sign first") {
  Station s;
  const auto& pki = Pki::get();
  const bool sign = GENERATE(false, true);
  std::string policy = "\n[smime]\nsteps = encrypt\nquarantine = @DIR@/quarantine\nencrypt.format = smime\nencrypt.certificates = " +
                       pki.crt("rsa").string() + "\n";
  if (sign) policy += "encrypt.sign_certificate = " + pki.crt("rsa2").string() + "\nencrypt.sign_key = " + pki.key("rsa2").string() + "\n";
  s.policies(kPolicies + policy);
  const auto file = s.upload("invoice.edi", kInvoice);
  REQUIRE(s.hook("smime", {file.string()}).exit_code == kHookOk);
  const auto p7m = s.in / "invoice.edi.p7m";
  const auto opened = openssl({"cms", "-decrypt", "-binary", "-inform", "DER", "-in", p7m.string(), "-recip",
                               pki.crt("rsa").string(), "-inkey", pki.key("rsa").string()});
  if (!sign) {
    CHECK(opened == kInvoice);
  } else {
    write_file(s.partners.dir / "signed.der", opened);
    const auto content = openssl({"cms", "-verify", "-binary", "-inform", "DER", "-in", (s.partners.dir / "signed.der").string(),
                                  "-CAfile", pki.crt("rsa2").string()});
    CHECK(content == kInvoice);
  }
}

TEST_CASE("hook decrypt S/MIME: an envelope made by openssl is opened with our certificate") {
  Station s;
  const auto& pki = Pki::get();
  s.policies(kPolicies + "\n[smime-in]\nsteps = decrypt, move\nquarantine = @DIR@/quarantine\ndecrypt.certificate = " +
             pki.crt("rsa").string() + "\ndecrypt.key = " + pki.key("rsa").string() + "\nmove.to = @DIR@/out\n");
  const auto plain = s.partners.dir / "plain.edi";
  write_file(plain, kInvoice);
  openssl({"cms", "-encrypt", "-binary", "-aes-256-cbc", "-outform", "DER", "-in", plain.string(), "-out",
           (s.in / "invoice.edi.p7m").string(), pki.crt("rsa").string()});
  REQUIRE(s.hook("smime-in", {(s.in / "invoice.edi.p7m").string()}).exit_code == kHookOk);
  CHECK(read_file(s.out / "invoice.edi") == kInvoice);
}

TEST_CASE("hook a file that vanishes during the run is bad input (exit 2), nothing is quarantined") {
  Station s;
  const auto file = s.upload("gone.txt", kInvoice);
  const auto r = s.hook("vanish", {file.string()});
  CHECK(r.exit_code == kHookBadInput);
  CHECK(contains(r.out, "bad_input "));
  CHECK(HookStation::names(s.in).empty());
  CHECK(HookStation::names(s.quarantine).empty());
}

TEST_CASE("hook a file that does not exist is bad input (exit 2)") {
  Station s;
  const auto r = s.hook("collide", {(s.in / "nothing.txt").string()});
  CHECK(r.exit_code == kHookBadInput);
  CHECK(contains(r.out, "No such file"));
  CHECK(contains(s.audit(), "\"event\":4003"));
}

TEST_CASE("hook a destination that cannot be written quarantines the file with the reason") {
  Station s;
  write_file(s.partners.dir / "blocker", "a file where the destination folder should be");
  const auto file = s.upload("invoice.edi", kInvoice);
  const auto r = s.hook("unwritable", {file.string()});
  REQUIRE(r.exit_code == kHookQuarantined);
  CHECK(read_file(s.quarantine / "invoice.edi") == kInvoice);
  CHECK(contains(read_file(s.quarantine / "invoice.edi.reason"), "failed: move: "));
}

TEST_CASE("hook a name already taken in the destination gets a numbered name, nothing is replaced") {
  Station s;
  std::filesystem::create_directories(s.out);
  write_file(s.out / "invoice.edi", "earlier upload");
  const auto file = s.upload("invoice.edi", kInvoice);
  REQUIRE(s.hook("collide", {file.string()}).exit_code == kHookOk);
  CHECK(read_file(s.out / "invoice.edi") == "earlier upload");
  CHECK(read_file(s.out / "invoice-1.edi") == kInvoice);
}

TEST_CASE("hook the run step sees the result in its environment, a failing command quarantines") {
  Station s;
  const auto file = s.upload("invoice.edi", kInvoice);
  REQUIRE(s.hook("notify", {file.string()}).exit_code == kHookOk);
  const auto env = read_file(s.partners.dir / "env.txt");
  CHECK(contains(env, "PAYLOAD_HOOK_FILE=" + (s.out / "invoice.edi").string() + "\n"));
  CHECK(contains(env, "PAYLOAD_HOOK_ORIGINAL=" + file.string() + "\n"));
  CHECK(contains(env, "PAYLOAD_HOOK_EVENT=post-upload\n"));
  CHECK(contains(env, "PAYLOAD_HOOK_POLICY=notify\n"));
  CHECK(contains(env, "PAYLOAD_HOOK_SIZE=" + std::to_string(kInvoice.size()) + "\n"));

  const auto second = s.upload("other.edi", kInvoice);
  const auto r = s.hook("failing-command", {second.string()});
  CHECK(r.exit_code == kHookQuarantined);
  CHECK(contains(read_file(s.quarantine / "other.edi.reason"), "exited with status 1"));
}

TEST_CASE("hook configuration errors exit 3 and leave the file as it was") {
  Station s;
  const auto file = s.upload("invoice.edi", kInvoice);
  SECTION("unknown policy") {
    const auto r = s.hook("no-such-policy", {file.string()});
    CHECK(r.exit_code == kHookConfig);
    CHECK(contains(r.err, "no policy [no-such-policy]"));
  }
  SECTION("an event the policy does not take") {
    CHECK(s.hook("upload-only", {file.string()}, "pre-download").exit_code == kHookConfig);
  }
  SECTION("a policy without quarantine, with a misspelt key") {
    s.policies("[p]\nsteps = move\nmove.to = /tmp\n");
    CHECK(contains(s.hook("p", {file.string()}).err, "quarantine is required"));
    s.policies("[p]\nsteps = move\nquarantine = q\nmove.to = /tmp\nmove.uuid_prefx = yes\n");
    const auto r = s.hook("p", {file.string()});
    CHECK(r.exit_code == kHookConfig);
    CHECK(contains(r.err, "hooks.ini:5: [p] unknown key move.uuid_prefx"));
  }
  SECTION("a recipient that is not in the keyring") {
    s.policies("[p]\nsteps = encrypt\nkeyring = @KEYRING@\nquarantine = q\nencrypt.recipients = 0123456789ABCDEF0123456789ABCDEF01234567\n");
    CHECK(s.hook("p", {file.string()}).exit_code == kHookConfig);
  }
  CHECK(HookStation::names(s.in) == std::vector<std::string>{"invoice.edi"});
  CHECK(read_file(file) == kInvoice);
}

TEST_CASE("hook --json gives one structured result per file and the worst exit code") {
  Station s;
  const auto good = s.upload("a.edi", kInvoice);
  auto argv = s.hook_argv("collide", {good.string(), (s.in / "missing.edi").string()});
  argv.push_back("--json");
  const auto r = run(argv);
  CHECK(r.exit_code == kHookBadInput);
  CHECK(contains(r.out, "\"outcome\":\"ok\""));
  CHECK(contains(r.out, "\"outcome\":\"bad_input\""));
  CHECK(contains(r.out, "\"exit_code\":2"));
}

TEST_CASE("hook a run command that outlives run.timeout is killed and the file quarantined") {
  Station s;
  s.policies(kPolicies + "\n[slow-command]\nsteps = run\nquarantine = @DIR@/quarantine\nrun.command = sleep 30\nrun.timeout = 1\n");
  const auto file = s.upload("invoice.edi", kInvoice);
  const auto r = s.hook("slow-command", {file.string()});
  CHECK(r.exit_code == kHookQuarantined);
  CHECK(contains(read_file(s.quarantine / "invoice.edi.reason"), "still running after 1 s: killed"));
}

TEST_CASE("hook --policy FILE takes a file with one policy, the text trail has one line per event") {
  Station s;
  const auto single = s.partners.dir / "single.ini";
  write_file(single, "[deliver]\nsteps = move\nquarantine = quarantine\nmove.to = out\n");
  const auto file = s.upload("invoice.edi", kInvoice);
  const auto r = run({payload_cli(), "hook", "run", "--policy", single.string(), "--event", "post-download", "--log",
                      s.log.string(), file.string()});
  REQUIRE(r.exit_code == kHookOk);
  CHECK(read_file(s.out / "invoice.edi") == kInvoice);  // relative paths: from the policy file's folder
  const auto trail = s.audit();
  CHECK(contains(trail, " 4000 hook_started run_id="));
  CHECK(contains(trail, " policy=deliver hook_event=post-download "));
  CHECK(contains(trail, " 4013 moved "));
  CHECK(contains(trail, " 4030 hook_finished "));
  CHECK(std::count(trail.begin(), trail.end(), '\n') == 3);
  // A file with several policies needs a name.
  const auto many = run({payload_cli(), "hook", "run", "--policy", s.ini.string(), "--event", "post-upload", file.string()});
  CHECK(many.exit_code == kHookConfig);
  CHECK(contains(many.err, "policies; name one"));
}

TEST_CASE("hook check lists the policies and refuses a certificate that cannot be read") {
  Station s;
  const auto ok = run({payload_cli(), "hook", "check", "--policies", s.ini.string()});
  CHECK(ok.exit_code == kHookOk);
  CHECK(contains(ok.out, "outbound: encrypt, move\n"));
  CHECK(contains(ok.out, "notify: move, run\n"));
  s.policies("[p]\nsteps = verify\nquarantine = q\nverify.certificates = missing.pem\n");
  const auto bad = run({payload_cli(), "hook", "check", "--policies", s.ini.string()});
  CHECK(bad.exit_code == kHookConfig);
  CHECK(contains(bad.err, "missing.pem"));
}

TEST_CASE("hook verify: a detached signature by an expired OpenPGP key is quarantined as key_unusable") {
  Station s;
  const auto file = s.upload("price.csv", kInvoice);
  // Made in 2020 with a one-day lifetime, signed while it was valid.
  auto& p = s.partners;
  p.gpg({"--faked-system-time", "20200101T000000", "--passphrase", "", "--quick-gen-key", "Old <old@partner.test>", "ed25519", "sign", "1d"});
  auto fpr = p.gpg({"--with-colons", "--list-keys", "old@partner.test"});
  fpr = fpr.substr(fpr.find("\nfpr:") + 5);
  fpr = fpr.substr(fpr.find_first_not_of(':'), 40);
  REQUIRE(fpr.size() == 40);
  p.gpg({"--faked-system-time", "20200101T020000", "--detach-sign", "-u", fpr, "-o", (s.in / "price.csv.sig").string(), file.string()});
  const auto exported = p.dir / "old.asc";
  write_file(exported, p.gpg({"--armor", "--export", fpr}));
  REQUIRE(run({payload_cli(), "pgp", "key", "import", exported.string(), "-q", "--home", p.ours.string()}).exit_code == 0);
  s.policies(kPolicies + "\n[old]\nsteps = verify, move\nkeyring = @KEYRING@\nquarantine = @DIR@/quarantine\nverify.signers = " + fpr +
             "\nmove.to = @DIR@/out\n");
  const auto r = s.hook("old", {file.string()});
  REQUIRE(r.exit_code == kHookQuarantined);
  CHECK(contains(read_file(s.quarantine / "price.csv.reason"), "error: key_unusable"));
  CHECK(HookStation::names(s.out).empty());
}
