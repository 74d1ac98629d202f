// AS2 pack + unpack on one thread (docs/benchmarks.md, "AS2 pack and unpack"): for a
// bounded time, packs a 10 KiB EDI-like payload with payload::as2::pack (compressed
// before signing, signed SHA-256, encrypted AES-256-CBC or AES-256-GCM, signed MDN
// requested) and unpacks it with payload::as2::unpack as the partner would, checking that
// the payload, the layers and the MIC come back. Each message is distinct (a counter is
// written into the payload). Prints messages per second and the CPU time of pack and
// unpack per message; bench/as2_pack_unpack.sh runs it beside `openssl speed rsa2048`.
// msg_per_cpu_s divides by this thread's CPU time (user + system), as `openssl speed`
// divides by its CPU (user) time: on a shared machine the wall clock also counts the
// time other processes had the core.
//
//   as2_pack_unpack --sender-key K --sender-cert C --receiver-key K --receiver-cert C
//                   [--cipher cbc|gcm] [--level 6] [--seconds 10] [--size 10240]
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include <payload/as2/pack.h>
#include <payload/as2/unpack.h>
#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

namespace {

namespace as2 = payload::as2;
namespace cms = payload::cms;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "as2_pack_unpack: %s\n", message.c_str());
  std::exit(2);
}

std::map<std::string, std::string> parse_args(int argc, char** argv) {
  std::map<std::string, std::string> args{{"cipher", "cbc"}, {"level", "6"}, {"seconds", "10"}, {"size", "10240"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (!key.starts_with("--")) die("unexpected argument " + key);
    args[key.substr(2)] = argv[i + 1];
  }
  for (const char* required : {"sender-key", "sender-cert", "receiver-key", "receiver-cert"}) {
    if (!args.count(required)) die(std::string("--") + required + " is required");
  }
  if (args["cipher"] != "cbc" && args["cipher"] != "gcm") die("--cipher is cbc or gcm");
  return args;
}

// X12-like segments with varying numbers: compresses about as real EDI does (4-6:1).
std::string edi_payload(std::size_t size) {
  std::mt19937 rng(42);
  std::string out = "ISA*00*          *00*          *ZZ*BENCHSENDER    *ZZ*BENCHRECEIVER  *261122*0300*U*00401*";
  while (out.size() < size) {
    out += "PO1*" + std::to_string(rng() % 1000) + "*" + std::to_string(1 + rng() % 500) + "*EA*" +
           std::to_string(rng() % 10000) + "." + std::to_string(rng() % 100) + "**VP*" + std::to_string(rng()) +
           "*BP*" + std::to_string(rng() % 100000) + "~\n";
  }
  out.resize(size);
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

cms::Certificate load_certificate(const std::string& path) {
  auto cert = cms::Certificate::load(path);
  if (!cert) die(cert.error().message());
  return *cert;
}

cms::PrivateKey load_key(const std::string& path) {
  auto key = cms::PrivateKey::load(path);
  if (!key) die(key.error().message());
  return *key;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = parse_args(argc, argv);
  const auto seconds = std::chrono::seconds(std::stoi(args.at("seconds")));
  const auto size = static_cast<std::size_t>(std::stoul(args.at("size")));
  const bool gcm = args.at("cipher") == "gcm";
  const int level = std::stoi(args.at("level"));
  const cms::Identity sender{load_certificate(args.at("sender-cert")), load_key(args.at("sender-key"))};
  const cms::Identity receiver{load_certificate(args.at("receiver-cert")), load_key(args.at("receiver-key"))};

  // The sender's side: what as2d_load and the CLI send.
  as2::PackOptions pack_options;
  pack_options.headers.from = "BENCH_SENDER";
  pack_options.headers.to = "BENCH_RECEIVER";
  pack_options.content_type = "application/edi-x12";
  pack_options.filename = "bench.x12";
  pack_options.compression = as2::Compression::before_signing;
  pack_options.compression_level = level;
  pack_options.mdn = as2::MdnRequest{"bench@sender.example", {cms::DigestAlg::sha256}, "", {}};
  pack_options.sign = as2::SignSpec{sender, {}, {}};
  pack_options.encrypt = as2::EncryptSpec{{receiver.certificate}, {}};
  pack_options.encrypt->options.cipher = gcm ? cms::ContentCipher::aes256_gcm : cms::ContentCipher::aes256_cbc;

  // The receiver's side: what as2d configures for a partner.
  as2::UnpackOptions unpack_options;
  unpack_options.identities = {receiver};
  unpack_options.partner_certificates = {sender.certificate};
  unpack_options.our_id = "BENCH_RECEIVER";
  unpack_options.partner_id = "BENCH_SENDER";

  const std::string base = edi_payload(size);
  std::size_t messages = 0;
  std::size_t wire_bytes = 0;
  double pack_cpu = 0;
  double unpack_cpu = 0;
  const double cpu_start = thread_cpu_seconds();
  const auto start = Clock::now();
  const auto deadline = start + seconds;
  while (Clock::now() < deadline) {
    std::string payload = base;
    const std::string counter = std::to_string(messages);
    payload.replace(payload.size() - counter.size() - 1, counter.size(), counter);

    const double t0 = thread_cpu_seconds();
    auto packed = as2::pack(payload, pack_options);
    if (!packed) die("pack: " + packed.error().message());
    const double t1 = thread_cpu_seconds();
    wire_bytes += packed->http.body.size();
    auto unpacked = as2::unpack(packed->http.headers, std::move(packed->http.body), unpack_options);
    if (!unpacked) die("unpack: " + unpacked.error().error.message());
    const double t2 = thread_cpu_seconds();
    pack_cpu += t1 - t0;
    unpack_cpu += t2 - t1;

    const auto& report = unpacked->report;
    if (unpacked->payload != payload) die("the unpacked payload differs from the packed one");
    if (report.layers != std::vector<as2::Layer>{as2::Layer::encrypted, as2::Layer::signed_, as2::Layer::compressed})
      die("unexpected layers");
    if (!report.encryption || report.encryption->cms.authenticated != gcm) die("unexpected encryption report");
    if (!report.mic || *report.mic != packed->mic) die("the receiver's MIC differs from the sender's");
    if (!report.receipt || !report.receipt->sign) die("no signed receipt was selected");
    ++messages;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = thread_cpu_seconds() - cpu_start;
  if (messages == 0) die("no message in the time given");
  std::printf("cipher=aes-256-%s zlib_level=%d size=%zu messages=%zu seconds=%.2f msg_per_s=%.1f msg_per_cpu_s=%.1f "
              "cpu_per_msg_us=%.0f pack_us=%.0f unpack_us=%.0f wire_bytes=%zu\n",
              gcm ? "gcm" : "cbc", level, size, messages, elapsed, static_cast<double>(messages) / elapsed,
              static_cast<double>(messages) / cpu, cpu / static_cast<double>(messages) * 1e6, pack_cpu / static_cast<double>(messages) * 1e6,
              unpack_cpu / static_cast<double>(messages) * 1e6, wire_bytes / messages);
  return 0;
}
