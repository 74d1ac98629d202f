// as2d connection limits per client address: idle or slow connections from one address
// (a thousand sockets that never send a byte) can take at most `per_address` of the
// handler threads and queue slots, so partners at other addresses are still served.
//
// A TCPServerConnectionFilter counts a connection when it is accepted, before it is
// queued; the HTTP connection that serves it gives the count back when it ends. The total
// admitted is capped at what the dispatcher can hold (handlers + queue), so POCO never
// drops a counted connection on its own.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace as2d {

class ConnectionLimit final : public Poco::Net::TCPServerConnectionFilter {
public:
  // per_address 0: no limit per address (only the total).
  ConnectionLimit(std::size_t per_address, std::size_t total) : m_per_address(per_address), m_total(total) {}
  bool accept(const Poco::Net::StreamSocket& socket) override;
  // The address `socket` was counted under when accepted (asked once, by the factory).
  std::string counted_address(const Poco::Net::StreamSocket& socket);
  void give_back(const std::string& address);
  // How many connections were closed at once because their address had its share.
  [[nodiscard]] std::size_t refused() const;

private:
  std::size_t m_per_address;
  std::size_t m_total;
  mutable std::mutex m_mutex;
  std::map<std::string, std::size_t> m_open;
  std::map<const void*, std::string> m_accepted;  // socket -> address, until its connection exists
  std::size_t m_admitted = 0;
  std::size_t m_refused = 0;
};

// POCO's HTTPServerConnectionFactory, with each connection returning its count at the end.
class CountedConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
  CountedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers,
                           Poco::AutoPtr<ConnectionLimit> limit)
      : m_params(std::move(params)), m_handlers(std::move(handlers)), m_limit(std::move(limit)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
  Poco::Net::HTTPServerParams::Ptr m_params;
  Poco::Net::HTTPRequestHandlerFactory::Ptr m_handlers;
  Poco::AutoPtr<ConnectionLimit> m_limit;
};

}  // namespace as2d
