#include "https_server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <stdexcept>

#include "compression.hpp"
#include "pki.hpp"

namespace dd_test {

struct HttpsServer::Impl {
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<Request> requests;
  Script script;
  // The server's own threads, joined when it stops (so OpenSSL's per-thread state is
  // released and leak checkers stay quiet).
  std::unique_ptr<Poco::ThreadPool> pool = std::make_unique<Poco::ThreadPool>(1, 8);
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(HttpsServer::Impl& impl) : impl_(impl) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    Request r;
    r.at = std::chrono::steady_clock::now();
    r.method = req.getMethod();
    r.path = req.getURI();
    for (const auto& [name, value] : req) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      r.headers[lower] = value;
    }
    Poco::StreamCopier::copyToString(req.stream(), r.raw_body);
    const std::string encoding = r.header("content-encoding");
    r.body = (encoding == "gzip" || encoding == "deflate")
                 ? metrics::datadog::decompress(r.raw_body)
                 : r.raw_body;

    Script script;
    size_t n = 0;
    {
      std::lock_guard lock(impl_.mutex);
      script = impl_.script;
      n = impl_.requests.size();
    }
    Reply reply = script ? script(r, n) : Reply{};
    {
      std::lock_guard lock(impl_.mutex);
      impl_.requests.push_back(std::move(r));
    }
    impl_.arrived.notify_all();
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    resp.setContentType("application/json");
    for (const auto& [k, v] : reply.headers) resp.set(k, v);
    resp.sendBuffer(reply.body.data(), reply.body.size());
  }

 private:
  HttpsServer::Impl& impl_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(HttpsServer::Impl& impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(impl_);
  }

 private:
  HttpsServer::Impl& impl_;
};

struct SslInit {
  SslInit() { Poco::Net::initializeSSL(); }
  ~SslInit() { Poco::Net::uninitializeSSL(); }
};

}  // namespace

HttpsServer::HttpsServer(Script script, Cert cert, uint16_t port)
    : impl_(std::make_unique<Impl>()) {
  static SslInit ssl;
  impl_->script = std::move(script);
  const Pki& p = pki();
  const std::string& key = cert == Cert::rogue        ? p.rogue_server_key
                           : cert == Cert::wrong_host ? p.wrong_host_key
                                                      : p.server_key;
  const std::string& chain = cert == Cert::rogue        ? p.rogue_server_cert
                             : cert == Cert::wrong_host ? p.wrong_host_cert
                                                        : p.server_cert;
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, key,
                                                       chain, "", Poco::Net::Context::VERIFY_NONE);
  Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port), 64, ctx);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(1, 0));
  impl_->server =
      std::make_unique<Poco::Net::HTTPServer>(new Factory(*impl_), *impl_->pool, socket, params);
  impl_->server->start();
}

HttpsServer::~HttpsServer() {
  // Connections are let finish (a keep-alive one ends within its timeout) rather than
  // aborted from this thread while a worker writes to them.
  impl_->server->stopAll(false);
}

std::string HttpsServer::url() const {
  return "https://localhost:" + std::to_string(port_);
}

std::vector<Request> HttpsServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

size_t HttpsServer::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

bool HttpsServer::wait_for_requests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

void HttpsServer::set_script(Script script) {
  std::lock_guard lock(impl_->mutex);
  impl_->script = std::move(script);
}

namespace {

int listen_socket(uint16_t& port, bool listen_too) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    throw std::runtime_error("bind failed");
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  if (listen_too && ::listen(fd, 16) != 0) throw std::runtime_error("listen failed");
  return fd;
}

}  // namespace

uint16_t closed_port() {
  uint16_t port = 0;
  int fd = listen_socket(port, false);
  ::close(fd);  // bound, never listened, now closed: connections are refused
  return port;
}

SilentServer::SilentServer() {
  fd_ = listen_socket(port_, true);
}
SilentServer::~SilentServer() {
  ::close(fd_);
}
std::string SilentServer::url() const {
  return "https://localhost:" + std::to_string(port_);
}

}  // namespace dd_test
