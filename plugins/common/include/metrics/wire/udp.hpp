// UDP transport: IPv4 or IPv6, a connected socket (so an ICMP "port unreachable" shows up
// as an error on a later send and costs nothing else), the host resolved again every
// resolve_interval so that a moved agent is followed.
#pragma once

#include <metrics/wire/options.hpp>
#include <metrics/wire/transport.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace metrics::wire {

class UdpTransport final : public Transport {
 public:
  /// Maps a host name to the name or address handed to getaddrinfo; the default keeps it.
  /// Tests use it to move an agent without touching the system's name service.
  using NameLookup = std::function<std::string(const std::string& host)>;

  /// Resolves the host now; throws std::runtime_error when it cannot, with the reason.
  UdpTransport(std::string host, uint16_t port, std::chrono::milliseconds resolve_interval,
               std::chrono::milliseconds write_timeout, NameLookup lookup = {});
  ~UdpTransport() override;
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;

  void send(std::span<Buffer* const> batch, SendReport& report) noexcept override;
  std::string_view name() const noexcept override { return "udp"; }

  /// The address currently sent to, e.g. "127.0.0.1:8125" or "[::1]:8125".
  std::string peer() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace metrics::wire
