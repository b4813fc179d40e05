// Real sockets the tests receive on: a UDP socket on a loopback address (IPv4 or IPv6),
// and a Unix datagram socket in a fresh temporary folder.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace statsd_test {

/// A bound datagram socket; receive() returns whole datagrams.
class DatagramReceiver {
 public:
  DatagramReceiver(const DatagramReceiver&) = delete;
  DatagramReceiver& operator=(const DatagramReceiver&) = delete;
  virtual ~DatagramReceiver() { close(); }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  /// Waits up to `timeout` for one datagram; empty optional-like: returns false on timeout.
  bool receive(std::string& out, std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    out.resize(70000);
    ssize_t n = ::recv(fd_, out.data(), out.size(), 0);
    if (n < 0) return false;
    out.resize(static_cast<size_t>(n));
    return true;
  }

  /// Every datagram that arrives until `done(all)` holds or `timeout` passes.
  std::vector<std::string> receive_until(
      const std::function<bool(const std::vector<std::string>&)>& done,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    std::vector<std::string> all;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string d;
    while (!done(all)) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      if (receive(d, left)) all.push_back(d);
    }
    return all;
  }

  /// Datagrams until `count` lines arrived in total (or the timeout).
  std::vector<std::string> receive_lines(
      size_t count, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    std::vector<std::string> lines;
    receive_until(
        [&](const std::vector<std::string>& all) {
          lines.clear();
          for (const auto& d : all) split_into(d, lines);
          return lines.size() >= count;
        },
        timeout);
    return lines;
  }

  /// Whatever arrives within `quiet` of silence.
  std::vector<std::string> drain(std::chrono::milliseconds quiet = std::chrono::milliseconds(300)) {
    std::vector<std::string> all;
    std::string d;
    while (receive(d, quiet)) all.push_back(d);
    return all;
  }

  static void split_into(const std::string& datagram, std::vector<std::string>& lines) {
    size_t start = 0;
    while (start <= datagram.size()) {
      size_t nl = datagram.find('\n', start);
      if (nl == std::string::npos) nl = datagram.size();
      if (nl > start) lines.push_back(datagram.substr(start, nl - start));
      start = nl + 1;
    }
  }

  int fd() const { return fd_; }

 protected:
  DatagramReceiver() = default;
  int fd_ = -1;
};

class UdpReceiver : public DatagramReceiver {
 public:
  /// Binds 127.0.0.1 (or ::1, or another IPv4 loopback address) on a free port, or on
  /// `port` when given.
  explicit UdpReceiver(bool ipv6 = false, uint16_t port = 0, const char* v4 = "127.0.0.1")
      : ipv6_(ipv6), v4_(v4) {
    fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    int big = 8 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ipv6) {
      sockaddr_in6 a{};
      a.sin6_family = AF_INET6;
      a.sin6_addr = in6addr_loopback;
      a.sin6_port = htons(port);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error(std::string("bind ::1: ") + std::strerror(errno));
      socklen_t len = sizeof a;
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
      port_ = ntohs(a.sin6_port);
    } else {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      ::inet_pton(AF_INET, v4, &a.sin_addr);
      a.sin_port = htons(port);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error(std::string("bind ") + v4 + ": " + std::strerror(errno));
      socklen_t len = sizeof a;
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
      port_ = ntohs(a.sin_port);
    }
  }
  uint16_t port() const { return port_; }
  int64_t iport() const { return port_; }
  std::string host() const { return ipv6_ ? "::1" : v4_; }

 private:
  bool ipv6_;
  std::string v4_;
  uint16_t port_ = 0;
};

/// A fresh temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "metrics-statsd-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class UdsReceiver : public DatagramReceiver {
 public:
  explicit UdsReceiver(std::string path) : path_(std::move(path)) { open(); }
  ~UdsReceiver() override { remove(); }

  /// Closes the socket and removes its file, as an agent that stops does.
  void remove() {
    close();
    ::unlink(path_.c_str());
  }
  /// Binds the path again, as a restarted agent does.
  void open() {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    ::unlink(path_.c_str());
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("bind " + path_ + ": " + std::strerror(errno));
    int big = 4 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace statsd_test
