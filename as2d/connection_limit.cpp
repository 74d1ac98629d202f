// as2d connection limits per client address.
#include "connection_limit.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerConnection.h>

namespace as2d {

namespace {

class CountedConnection final : public Poco::Net::HTTPServerConnection {
public:
  CountedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, Poco::AutoPtr<ConnectionLimit> limit,
                    std::string address)
      : HTTPServerConnection(socket, std::move(params), std::move(handlers)), m_limit(std::move(limit)),
        m_address(std::move(address)) {}
  ~CountedConnection() override { m_limit->give_back(m_address); }

private:
  Poco::AutoPtr<ConnectionLimit> m_limit;
  std::string m_address;
};

std::string client_address(const Poco::Net::StreamSocket& socket) {
  try {
    return socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    return "?";  // already gone
  }
}

}  // namespace

bool ConnectionLimit::accept(const Poco::Net::StreamSocket& socket) {
  const auto address = client_address(socket);
  const std::lock_guard lock(m_mutex);
  auto& open = m_open[address];
  if (m_admitted >= m_total || (m_per_address > 0 && open >= m_per_address)) {
    if (open == 0) m_open.erase(address);
    ++m_refused;
    return false;
  }
  ++open;
  ++m_admitted;
  m_accepted[socket.impl()] = address;
  return true;
}

std::string ConnectionLimit::counted_address(const Poco::Net::StreamSocket& socket) {
  const std::lock_guard lock(m_mutex);
  const auto it = m_accepted.find(socket.impl());
  if (it == m_accepted.end()) return client_address(socket);
  auto address = std::move(it->second);
  m_accepted.erase(it);
  return address;
}

void ConnectionLimit::give_back(const std::string& address) {
  const std::lock_guard lock(m_mutex);
  if (m_admitted > 0) --m_admitted;
  const auto it = m_open.find(address);
  if (it == m_open.end()) return;
  if (--it->second == 0) m_open.erase(it);
}

std::size_t ConnectionLimit::refused() const {
  const std::lock_guard lock(m_mutex);
  return m_refused;
}

Poco::Net::TCPServerConnection* CountedConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket) {
  return new CountedConnection(socket, m_params, m_handlers, m_limit, m_limit->counted_address(socket));
}

}  // namespace as2d
