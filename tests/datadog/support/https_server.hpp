// A real HTTPS server on 127.0.0.1 for the tests (Poco's SecureServerSocket and
// HTTPServer): it records every request (headers and inflated body) and answers as a
// script says, so tests can play Datadog's intake with its faults.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dd_test {

struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string raw_body;                        // as received
  std::string body;                            // inflated when Content-Encoding asked for it
  std::chrono::steady_clock::time_point at;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Reply {
  int status = 202;
  std::string body = "{\"errors\":[]}";
  std::map<std::string, std::string> headers;
};

/// Decides the answer to the n-th request (0-based) the server has seen.
using Script = std::function<Reply(const Request&, size_t n)>;

/// Which certificate the server presents.
enum class Cert {
  trusted,     // signed by the CA the backend trusts, for localhost and 127.0.0.1
  rogue,       // from another CA
  wrong_host,  // signed by the trusted CA, but for another host name
};

class HttpsServer {
 public:
  /// `port`: 0 for any free one.
  explicit HttpsServer(Script script = {}, Cert cert = Cert::trusted, uint16_t port = 0);
  ~HttpsServer();

  uint16_t port() const noexcept { return port_; }
  /// "https://localhost:<port>", the backend's `url`.
  std::string url() const;

  std::vector<Request> requests() const;
  size_t request_count() const;
  /// Waits until at least `n` requests arrived; false on timeout.
  bool wait_for_requests(size_t n, std::chrono::milliseconds timeout) const;
  void set_script(Script script);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

/// A TCP port on 127.0.0.1 where nothing listens (connections are refused).
uint16_t closed_port();

/// A TCP listener that accepts connections into its backlog and never answers.
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  uint16_t port() const noexcept { return port_; }
  std::string url() const;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace dd_test
