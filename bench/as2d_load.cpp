// as2d load generator (docs/benchmarks.md, "as2d"): pre-builds distinct AS2 messages with
// libpayload (10 KiB random payload, signed SHA-256, AES-256-CBC, signed synchronous MDN
// requested with sha-256), then POSTs them to a running as2d from C keep-alive
// connections for a bounded time, each message once, and prints messages per second and
// the p50/p99 latency. Every answer must be HTTP 200 with a "processed" MDN.
//
//   as2d_load --port P --partner-key K --partner-cert C --station-cert S
//             [--from ID] [--to ID] [--connections 16] [--seconds 20] [--messages 4000] [--size 10240]
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <payload/as2/pack.h>
#include <payload/cms/certificate.h>
#include <payload/cms/private_key.h>

namespace {

namespace as2 = payload::as2;
namespace cms = payload::cms;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "as2d_load: %s\n", message.c_str());
  std::exit(2);
}

std::map<std::string, std::string> parse_args(int argc, char** argv) {
  std::map<std::string, std::string> args{{"from", "BENCH_PARTNER"}, {"to", "BENCH_STATION"}, {"connections", "16"},
                                          {"seconds", "20"},         {"messages", "4000"},    {"size", "10240"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (!key.starts_with("--")) die("unexpected argument " + key);
    args[key.substr(2)] = argv[i + 1];
  }
  for (const char* required : {"port", "partner-key", "partner-cert", "station-cert"}) {
    if (!args.count(required)) die(std::string("--") + required + " is required");
  }
  return args;
}

// User + system CPU time of this whole process so far, in seconds.
double process_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = parse_args(argc, argv);
  const auto port = static_cast<Poco::UInt16>(std::stoi(args.at("port")));
  const int connections = std::stoi(args.at("connections"));
  const auto seconds = std::chrono::seconds(std::stoi(args.at("seconds")));
  const auto count = static_cast<std::size_t>(std::stoul(args.at("messages")));
  const auto size = static_cast<std::size_t>(std::stoul(args.at("size")));

  auto key = cms::PrivateKey::load(args.at("partner-key"));
  auto cert = cms::Certificate::load(args.at("partner-cert"));
  auto station = cms::Certificate::load(args.at("station-cert"));
  if (!key || !cert || !station) die("cannot load the keys and certificates");

  as2::PackOptions options;
  options.headers.from = args.at("from");
  options.headers.to = args.at("to");
  options.content_type = "application/edi-x12";
  options.mdn = as2::MdnRequest{"bench@partner.example", {cms::DigestAlg::sha256}, "", {}};
  options.sign = as2::SignSpec{cms::Identity{*cert, *key}, {}, {}};
  options.encrypt = as2::EncryptSpec{{*station}, {}};
  options.encrypt->options.cipher = cms::ContentCipher::aes256_cbc;

  std::fprintf(stderr, "packing %zu distinct %zu-byte messages...\n", count, size);
  std::vector<as2::HttpMessage> messages;
  messages.reserve(count);
  std::mt19937_64 rng(std::random_device{}());
  for (std::size_t i = 0; i < count; ++i) {
    std::string payload(size, '\0');
    for (auto& c : payload) c = static_cast<char>('A' + rng() % 26);
    options.filename = "bench-" + std::to_string(i) + ".x12";
    auto packed = as2::pack(std::move(payload), options);
    if (!packed) die("pack: " + packed.error().message());
    messages.push_back(std::move(packed->http));
  }

  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  std::mutex mutex;
  std::vector<double> latencies_ms;
  const double cpu_at_start = process_cpu_seconds();  // the packing above is not the generator's load
  const auto start = Clock::now();
  const auto deadline = start + seconds;
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&] {
      Poco::Net::HTTPClientSession session("127.0.0.1", port);
      session.setKeepAlive(true);
      session.setTimeout(Poco::Timespan(120, 0));
      std::vector<double> mine;
      while (Clock::now() < deadline) {
        const auto i = next.fetch_add(1);
        if (i >= messages.size()) break;
        const auto& message = messages[i];
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/as2", Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : message.headers) request.set(name, value);
        request.setContentLength64(static_cast<Poco::Int64>(message.body.size()));
        request.setKeepAlive(true);
        const auto sent = Clock::now();
        try {
          session.sendRequest(request).write(message.body.data(), static_cast<std::streamsize>(message.body.size()));
          Poco::Net::HTTPResponse response;
          std::string body;
          Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
          if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK ||
              body.find("automatic-action/MDN-sent-automatically; processed\r\n") == std::string::npos)
            ++failures;
        } catch (const Poco::Exception& e) {
          std::fprintf(stderr, "as2d_load: %s\n", e.displayText().c_str());
          ++failures;
          session.reset();
        }
      }
      const std::lock_guard lock(mutex);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = process_cpu_seconds() - cpu_at_start;
  if (next.load() >= messages.size())
    std::fprintf(stderr, "as2d_load: all %zu messages were sent before the time was up: give more --messages\n",
                 messages.size());
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto percentile = [&](double p) {
    if (latencies_ms.empty()) return 0.0;
    return latencies_ms[std::min(latencies_ms.size() - 1, static_cast<std::size_t>(p * latencies_ms.size()))];
  };
  std::printf(
      "connections=%d messages=%zu seconds=%.1f msg_per_s=%.1f p50_ms=%.1f p99_ms=%.1f failures=%d "
      "load_cpu_ms_per_msg=%.3f\n",
      connections, latencies_ms.size(), elapsed, latencies_ms.size() / elapsed, percentile(0.50), percentile(0.99),
      failures.load(), latencies_ms.empty() ? 0.0 : 1000 * cpu / static_cast<double>(latencies_ms.size()));
  return failures.load() == 0 ? 0 : 1;
}
