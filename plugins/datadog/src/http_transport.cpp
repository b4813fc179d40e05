#include "http_transport.hpp"

#include <Poco/Delegate.h>
#include <Poco/Exception.h>
#include <Poco/FunctionDelegate.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/VerificationErrorArgs.h>
#include <Poco/URI.h>

#include <Poco/Net/SecureStreamSocket.h>
#include <sys/socket.h>

#include <condition_variable>
#include <istream>
#include <mutex>
#include <ostream>
#include <thread>

#include "defaults.hpp"

namespace metrics::datadog {

namespace {

// The reason OpenSSL gave for refusing a certificate, recorded by SSLManager's
// ClientVerificationError event on the thread doing the handshake. The delegate is
// registered while any transport exists, so it never outlives this library.
thread_local std::string t_verification_error;

void on_verification_error(const void*, Poco::Net::VerificationErrorArgs& args) {
  t_verification_error =
      args.errorMessage() + " (certificate subject: " + args.certificate().subjectName() + ")";
  // args.setIgnoreError(false) is the default: a failed verification fails the handshake.
}

std::mutex g_delegate_mutex;
int g_delegate_users = 0;

void add_verification_delegate() {
  std::lock_guard lock(g_delegate_mutex);
  if (g_delegate_users++ == 0) {
    Poco::Net::initializeSSL();
    Poco::Net::SSLManager::instance().ClientVerificationError +=
        Poco::delegate(&on_verification_error);
  }
}

void remove_verification_delegate() {
  std::lock_guard lock(g_delegate_mutex);
  if (--g_delegate_users == 0) {
    Poco::Net::SSLManager::instance().ClientVerificationError -=
        Poco::delegate(&on_verification_error);
    Poco::Net::uninitializeSSL();
  }
}

using Clock = std::chrono::steady_clock;

// Bounds a whole exchange (TLS handshake, request, answer) by one deadline. Poco's socket
// timeouts apply per operation, and a handshake with a server that never answers can
// wait several of them; at the deadline the watchdog shuts the socket down, which makes
// the blocked call fail at once. The sender thread arms it with the socket's descriptor
// right after connecting and disarms it before the socket can be closed, so the
// descriptor is always the live one.
class Watchdog {
 public:
  Watchdog() : thread_([this] { run(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void start(Clock::time_point deadline) {
    std::lock_guard lock(mutex_);
    deadline_ = deadline;
    fired_ = false;
    fd_ = -1;
  }
  void watch(int fd) {
    {
      std::lock_guard lock(mutex_);
      fd_ = fd;
    }
    cv_.notify_one();
  }
  void limit(Clock::time_point deadline) {
    {
      std::lock_guard lock(mutex_);
      if (deadline < deadline_) deadline_ = deadline;
    }
    cv_.notify_one();
  }
  /// Stops watching; true when the deadline had fired.
  bool stop() {
    std::lock_guard lock(mutex_);
    fd_ = -1;
    return fired_;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      if (fd_ < 0) {
        cv_.wait(lock);
        continue;
      }
      if (Clock::now() >= deadline_) {
        ::shutdown(fd_, SHUT_RDWR);
        fired_ = true;
        fd_ = -1;
        continue;
      }
      cv_.wait_until(lock, deadline_);
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  int fd_ = -1;
  Clock::time_point deadline_{};
  bool fired_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// An HTTPS session whose connection is made here: a TCP connect, the socket handed to the
// watchdog, then the TLS handshake with certificate and host name verification, so that
// the handshake too is bounded by the exchange's deadline.
class WatchedSession : public Poco::Net::HTTPSClientSession {
 public:
  WatchedSession(const std::string& host, uint16_t port, Poco::Net::Context::Ptr context,
                 Watchdog& watchdog)
      : HTTPSClientSession(host, port, context), context_(context), watchdog_(watchdog) {}

 protected:
  void connect(const Poco::Net::SocketAddress& address) override {
    Poco::Net::StreamSocket tcp;
    tcp.connect(address, getTimeout());
    watchdog_.watch(tcp.impl()->sockfd());
    tcp.setReceiveTimeout(getTimeout());
    tcp.setSendTimeout(getTimeout());
    tcp.setNoDelay(true);
    // attach() performs the handshake and verifies the peer's certificate for getHost().
    Poco::Net::SecureStreamSocket secure =
        Poco::Net::SecureStreamSocket::attach(tcp, getHost(), context_);
    attachSocket(secure);
  }

 private:
  Poco::Net::Context::Ptr context_;
  Watchdog& watchdog_;
};

}  // namespace

struct HttpTransport::Impl {
  Poco::Net::Context::Ptr context;
  std::string host;
  uint16_t port = 443;
  std::string path_prefix;
  std::string api_key;
  std::string app_key;
  Watchdog watchdog;
  std::unique_ptr<WatchedSession> session;
  Clock::time_point last_used{};
};

HttpTransport::HttpTransport(const Settings& s) : impl_(std::make_unique<Impl>()) {
  Poco::URI uri(s.base_url);
  impl_->host = uri.getHost();
  impl_->port = uri.getPort();
  impl_->path_prefix = uri.getPath();
  while (!impl_->path_prefix.empty() && impl_->path_prefix.back() == '/')
    impl_->path_prefix.pop_back();
  impl_->api_key = s.api_key;
  impl_->app_key = s.app_key;
  endpoint_ = "https://" + uri.getAuthority();

  add_verification_delegate();
  try {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;  // always verify
    params.loadDefaultCAs = true;                                 // the system's trust store...
    params.caLocation = s.ca_file;  // ...plus the extra CAs, when given
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4";
    impl_->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    impl_->context->enableExtendedCertificateVerification(true);  // check the host name
    impl_->context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  } catch (const Poco::Exception& e) {
    remove_verification_delegate();
    throw std::invalid_argument("TLS setup failed (check ca_file): " + e.displayText());
  }
}

HttpTransport::~HttpTransport() {
  impl_->session.reset();
  impl_->context.reset();
  remove_verification_delegate();
}

void HttpTransport::limit_deadline(std::chrono::steady_clock::time_point deadline) {
  impl_->watchdog.limit(deadline);
}

HttpResponse HttpTransport::post(const HttpRequest& request, std::chrono::milliseconds timeout) {
  HttpResponse out;
  const auto start = Clock::now();
  // A connection idle for a while may have been closed by the server: start afresh.
  if (impl_->session && start - impl_->last_used > std::chrono::seconds(2)) impl_->session.reset();
  impl_->watchdog.start(start + timeout);
  try {
    if (!impl_->session) {
      impl_->session = std::make_unique<WatchedSession>(impl_->host, impl_->port, impl_->context,
                                                        impl_->watchdog);
      impl_->session->setKeepAlive(true);
    } else {
      impl_->watchdog.watch(impl_->session->socket().impl()->sockfd());
    }
    auto& session = *impl_->session;
    Poco::Timespan t(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000);
    session.setTimeout(t, t, t);

    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, impl_->path_prefix + request.path,
                               Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost(impl_->host, impl_->port);
    req.setContentType("application/json");
    req.setContentLength(static_cast<std::streamsize>(request.body->size()));
    req.set("Accept", "application/json");
    req.set("User-Agent", defaults::user_agent);
    req.set("DD-API-KEY", impl_->api_key);
    if (!impl_->app_key.empty()) req.set("DD-APPLICATION-KEY", impl_->app_key);
    if (request.content_encoding != nullptr && *request.content_encoding != '\0')
      req.set("Content-Encoding", request.content_encoding);
    req.setKeepAlive(true);

    t_verification_error.clear();
    std::ostream& os = session.sendRequest(req);
    os.write(request.body->data(), static_cast<std::streamsize>(request.body->size()));
    os.flush();

    Poco::Net::HTTPResponse resp;
    std::istream& is = session.receiveResponse(resp);
    out.status = static_cast<int>(resp.getStatus());
    out.reason = resp.getReason();
    out.rate_limit_reset = resp.get("X-RateLimit-Reset", "");
    char buf[4096];
    is.read(buf, sizeof(buf));
    out.body.assign(buf, static_cast<size_t>(is.gcount()));
    while (is.good()) is.read(buf, sizeof(buf));  // drain, so the connection can be reused
    if (impl_->watchdog.stop()) throw Poco::TimeoutException("deadline reached");
    if (!resp.getKeepAlive()) impl_->session.reset();
    impl_->last_used = Clock::now();
    return out;
  } catch (const Poco::Net::SSLException& e) {
    out.tls_failure = true;
    out.error = "TLS failure: " + e.displayText();
    if (!t_verification_error.empty())
      out.error += "; certificate verification failed: " + t_verification_error;
  } catch (const Poco::TimeoutException&) {
    out.error = "timed out after " + std::to_string(timeout.count()) + " ms";
  } catch (const Poco::Exception& e) {
    out.error = e.displayText();
    if (!t_verification_error.empty()) {
      out.tls_failure = true;
      out.error += "; certificate verification failed: " + t_verification_error;
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  if (impl_->watchdog.stop() || Clock::now() - start >= timeout) {
    out.tls_failure = false;
    out.error = "timed out after " + std::to_string(timeout.count()) + " ms";
  }
  impl_->session.reset();  // start afresh after any failure
  return out;
}

}  // namespace metrics::datadog
