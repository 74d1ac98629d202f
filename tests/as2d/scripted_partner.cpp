#include "scripted_partner.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace as2d::test {

std::string ScriptedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return value;
  }
  return {};
}

struct ScriptedPartner::Impl {
  Script script;
  mutable std::mutex mutex;
  std::vector<ScriptedRequest> requests;
  Poco::Net::ServerSocket socket;
  // The server's own threads, joined on destruction: a handler still running (a script
  // that sleeps past the client's timeout) must not outlive the test's objects.
  Poco::ThreadPool pool{1, 16};
  std::unique_ptr<Poco::Net::HTTPServer> http;
};

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
public:
  explicit Handler(ScriptedPartner::Impl& impl) : m_impl(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    ScriptedRequest received;
    for (const auto& [name, value] : request) received.headers.emplace_back(name, value);
    Poco::StreamCopier::copyToString(request.stream(), received.body);
    int number = 0;
    {
      const std::lock_guard lock(m_impl.mutex);
      m_impl.requests.push_back(received);
      number = static_cast<int>(m_impl.requests.size());
    }
    const auto reply = m_impl.script(received, number);
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    response.sendBuffer(reply.body.data(), reply.body.size());
  }

private:
  ScriptedPartner::Impl& m_impl;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit Factory(ScriptedPartner::Impl& impl) : m_impl(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(m_impl);
  }

private:
  ScriptedPartner::Impl& m_impl;
};

}  // namespace

ScriptedPartner::ScriptedPartner(Script script) : m_impl(std::make_unique<Impl>()) {
  m_impl->script = std::move(script);
  m_impl->socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), true, false);
  m_impl->socket.listen(16);
  m_impl->http =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(*m_impl), m_impl->pool, m_impl->socket, new Poco::Net::HTTPServerParams);
  m_impl->http->start();
}

ScriptedPartner::~ScriptedPartner() {
  m_impl->http->stopAll(true);
  m_impl->pool.joinAll();
}

std::uint16_t ScriptedPartner::port() const { return m_impl->socket.address().port(); }

std::vector<ScriptedRequest> ScriptedPartner::requests() const {
  const std::lock_guard lock(m_impl->mutex);
  return m_impl->requests;
}

}  // namespace as2d::test
