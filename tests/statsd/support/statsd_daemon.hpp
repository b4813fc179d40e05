// The real Etsy statsd daemon (npm package statsd 0.9.0), started on free loopback ports
// with a flush interval long enough that nothing is flushed (and reset) during a test, and
// read through its admin TCP interface: `counters`, `timers`, `gauges`, `stats`.
#pragma once

#include "receivers.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace statsd_test {

/// A value of the daemon's util.inspect() dump: a number, or an array of numbers (whose
/// length counts the elided "... N more items").
struct InspectValue {
  double number = 0;
  std::vector<double> items;
  size_t count = 0;  // array length
  bool is_array = false;
};

/// Parses the flat objects the admin interface prints: { 'a.b': 1, c: [ 1, 2 ] }.
inline std::map<std::string, InspectValue> parse_inspect(const std::string& text) {
  std::map<std::string, InspectValue> out;
  size_t i = text.find('{');
  if (i == std::string::npos) throw std::runtime_error("no object in: " + text);
  ++i;
  auto skip = [&] {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ','))
      ++i;
  };
  auto number = [&]() -> double {
    size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                               text[i] == '-' || text[i] == '+' || text[i] == '.'))
      ++i;
    return std::stod(text.substr(start, i - start));
  };
  for (;;) {
    skip();
    if (i >= text.size() || text[i] == '}') break;
    std::string key;
    if (text[i] == '\'' || text[i] == '"') {
      char q = text[i++];
      while (i < text.size() && text[i] != q) {
        if (text[i] == '\\') ++i;
        key += text[i++];
      }
      ++i;
    } else {
      while (i < text.size() && text[i] != ':') key += text[i++];
    }
    skip();
    if (text[i] != ':') throw std::runtime_error("expected ':' after " + key);
    ++i;
    skip();
    InspectValue v;
    if (text[i] == '[') {
      v.is_array = true;
      ++i;
      for (;;) {
        skip();
        if (text[i] == ']') {
          ++i;
          break;
        }
        if (text.compare(i, 4, "... ") == 0) {  // "... 123 more items"
          i += 4;
          v.count += static_cast<size_t>(number());
          while (i < text.size() && text[i] != ']') ++i;
          continue;
        }
        v.items.push_back(number());
        ++v.count;
      }
    } else {
      v.number = number();
    }
    out[key] = v;
  }
  return out;
}

class StatsdDaemon {
 public:
  StatsdDaemon() {
    const std::string root = STATSD_DAEMON_DIR;
    const std::string script = root + "/node_modules/statsd/stats.js";
    if (!std::ifstream(script)) throw std::runtime_error(script + " is missing: run the fixture");
    port_ = free_port(SOCK_DGRAM);
    admin_port_ = free_port(SOCK_STREAM);
    config_ = dir_.path() / "config.js";
    std::ofstream(config_) << "{\n  port: " << port_ << ",\n  address: \"127.0.0.1\",\n"
                           << "  mgmt_port: " << admin_port_
                           << ",\n  mgmt_address: \"127.0.0.1\",\n"
                           << "  flushInterval: 3600000,\n  backends: [],\n"
                           << "  deleteIdleStats: false\n}\n";
    std::string node = "node", cfg = config_.string();
    std::vector<char*> argv{node.data(), const_cast<char*>(script.c_str()), cfg.data(), nullptr};
    if (posix_spawnp(&pid_, "node", nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start node");
    // Ready when the admin interface answers.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (admin("stats").find("uptime") != std::string::npos) return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    stop();
    throw std::runtime_error("the statsd daemon did not start within 20 s");
  }
  ~StatsdDaemon() { stop(); }
  StatsdDaemon(const StatsdDaemon&) = delete;
  StatsdDaemon& operator=(const StatsdDaemon&) = delete;

  uint16_t port() const { return port_; }

  /// Sends one admin command and returns the answer up to its "END" line.
  std::string admin(const std::string& command) const {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(admin_port_);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      throw std::runtime_error("admin connect failed");
    }
    std::string line = command + "\n";
    ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
    std::string out;
    char buf[65536];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (out.find("END\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::send(fd, "quit\n", 5, MSG_NOSIGNAL);
    ::close(fd);
    return out;
  }

  std::map<std::string, InspectValue> counters() const { return parse_inspect(admin("counters")); }
  std::map<std::string, InspectValue> gauges() const { return parse_inspect(admin("gauges")); }
  std::map<std::string, InspectValue> timers() const { return parse_inspect(admin("timers")); }
  /// A value of `stats`, e.g. "messages.bad_lines_seen".
  double stat(const std::string& name) const {
    std::string text = admin("stats");
    auto at = text.find(name + ": ");
    if (at == std::string::npos) throw std::runtime_error("no " + name + " in stats");
    return std::stod(text.substr(at + name.size() + 2));
  }
  /// Waits until the daemon has counted `lines` lines (statsd.metrics_received).
  bool wait_for_lines(double lines,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto c = counters();
      if (c["statsd.metrics_received"].number >= lines) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  static uint16_t free_port(int type) {
    int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  TempDir dir_;
  std::filesystem::path config_;
  uint16_t port_ = 0;
  uint16_t admin_port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace statsd_test
