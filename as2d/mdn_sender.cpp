// as2d asynchronous MDN delivery.
#include "mdn_sender.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "config_loader.h"
#include "http_client.h"
#include "proxy.h"

namespace as2d {

namespace {

constexpr int batch = 16;
constexpr std::chrono::seconds http_timeout{60};
constexpr std::chrono::seconds max_retry_delay{3600};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Wire {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The stored MDN (header lines, empty line, body) back into its parts.
bool split_wire(const std::string& wire, Wire& out) {
  const auto end = wire.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::size_t at = 0;
  while (at < end) {
    const auto eol = wire.find("\r\n", at);
    const auto line = std::string_view(wire).substr(at, eol - at);
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos) return false;
    out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    at = eol + 2;
  }
  out.body = wire.substr(end + 4);
  return true;
}

// POSTs the MDN; "" when the partner answered 2xx, else why not.
std::string post(const MdnDelivery& delivery, const Partner* partner) {
  Wire wire;
  if (!split_wire(delivery.mdn, wire)) return "the stored MDN is unreadable";
  PostRequest request;
  request.url = delivery.url;
  request.headers = std::move(wire.headers);
  request.body = wire.body;
  if (partner != nullptr) request.ca_file = partner->config.async_mdn_ca;
  request.timeout = http_timeout;
  auto proxy = proxy_for(delivery.url, process_environment());
  if (!proxy) return proxy.error().message();
  request.proxy = std::move(*proxy);
  auto reply = http_post(request);
  if (!reply) return reply.error().message();
  if (reply->status >= 200 && reply->status < 300) return {};
  return "HTTP " + std::to_string(reply->status) + " " + reply->reason;
}

}  // namespace

std::chrono::seconds retry_delay(std::chrono::seconds initial, int attempts) noexcept {
  auto delay = initial;
  for (int i = 1; i < attempts && delay < max_retry_delay; ++i) delay *= 2;
  return std::min(delay, max_retry_delay);
}

MdnSender::~MdnSender() { stop(); }

void MdnSender::start() { m_thread = std::thread([this] { run(); }); }

void MdnSender::stop() {
  {
    const std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void MdnSender::wake() {
  {
    const std::lock_guard lock(m_mutex);
    m_woken = true;
  }
  m_changed.notify_all();
}

void MdnSender::attempt(const MdnDelivery& delivery) {
  const auto partners = m_partners();
  const Partner* partner = nullptr;
  for (const auto& p : partners->all()) {
    if (p.config.name == delivery.partner) partner = &p;
  }
  const auto error = post(delivery, partner);
  const int attempts = delivery.attempts + 1;
  const auto now = unix_now();
  if (error.empty()) {
    (void)m_store.update_mdn(delivery.id, delivery_delivered, attempts, "", now);
    m_audit.emit(Event::async_mdn_delivered, {{"partner", delivery.partner},
                                              {"message_id", delivery.message_id},
                                              {"url", delivery.url},
                                              {"attempts", attempts}});
    return;
  }
  if (now - delivery.created_at >= m_station.async_mdn_give_up.count()) {
    (void)m_store.update_mdn(delivery.id, delivery_given_up, attempts, error, now);
    m_audit.emit(Event::async_mdn_given_up, {{"partner", delivery.partner},
                                             {"message_id", delivery.message_id},
                                             {"url", delivery.url},
                                             {"attempts", attempts},
                                             {"error", error}});
    return;
  }
  const auto delay = retry_delay(m_station.async_mdn_retry, attempts);
  (void)m_store.update_mdn(delivery.id, delivery_pending, attempts, error, now + delay.count());
  m_audit.emit(Event::async_mdn_retry, {{"partner", delivery.partner},
                                        {"message_id", delivery.message_id},
                                        {"url", delivery.url},
                                        {"attempts", attempts},
                                        {"error", error},
                                        {"retry_in_seconds", static_cast<std::int64_t>(delay.count())}});
}

void MdnSender::run() {
  while (true) {
    {
      const std::lock_guard lock(m_mutex);
      if (m_stopping) return;
      m_woken = false;
    }
    auto due = m_store.due_mdns(unix_now(), batch);
    if (due) {
      for (const auto& delivery : *due) {
        {
          const std::lock_guard lock(m_mutex);
          if (m_stopping) return;
        }
        attempt(delivery);
      }
    }
    // Sleep until the next delivery is due (at most a minute: the clock may jump), a new
    // one is queued, or the daemon stops.
    auto wait = std::chrono::seconds(60);
    if (due && static_cast<int>(due->size()) == batch) wait = std::chrono::seconds(0);
    if (auto next = m_store.next_mdn_due(); next && *next)
      wait = std::min(wait, std::chrono::seconds(std::max<std::int64_t>(1, **next - unix_now())));
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, wait, [this] { return m_stopping || m_woken; });
  }
}

}  // namespace as2d
