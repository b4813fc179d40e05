// One HTTPS POST to the Datadog API with Poco NetSSL: certificates always verified
// (system CAs plus `ca_file`), the host name checked, the connection kept alive between
// requests. Used only by the sender thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "options.hpp"

namespace metrics::datadog {

struct HttpRequest {
  std::string path;  // e.g. "/api/v2/series", appended to the base URL's path
  const std::string* body = nullptr;
  const char* content_encoding = "";  // "" for none
};

struct HttpResponse {
  int status = 0;                // 0: no HTTP answer (see error)
  std::string reason;            // HTTP reason phrase
  std::string error;             // transport failure, when status is 0; never contains a key
  bool tls_failure = false;      // the TLS handshake or certificate check failed
  std::string rate_limit_reset;  // X-RateLimit-Reset, when present
  std::string body;              // the first few KB of the answer, for log lines
};

class HttpTransport {
 public:
  explicit HttpTransport(const Settings& settings);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  /// Never throws; every failure is an HttpResponse with status 0 and an error text.
  HttpResponse post(const HttpRequest& request, std::chrono::milliseconds timeout);

  /// Brings the deadline of the exchange in flight (if any) forward to `deadline`. The only
  /// member that may be called from another thread (the one destroying the backend).
  void limit_deadline(std::chrono::steady_clock::time_point deadline);

  /// "https://host:port" as requests go, for log lines.
  const std::string& endpoint() const noexcept { return endpoint_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string endpoint_;
};

}  // namespace metrics::datadog
