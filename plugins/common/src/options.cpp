#include <metrics/wire/options.hpp>

#include <charconv>
#include <stdexcept>

namespace metrics::wire {

namespace {

uint16_t parse_port(std::string_view text, std::string_view whole) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    throw std::invalid_argument("'" + std::string(whole) + "' has port '" + std::string(text) +
                                "'; a port is a number from 1 to 65535");
  return static_cast<uint16_t>(value);
}

[[noreturn]] void bad_address(std::string_view text) {
  throw std::invalid_argument("'" + std::string(text) +
                              "' is not an address; use host, host:port, [ipv6]:port, "
                              "udp://host:port or unix:///path/to/socket");
}

}  // namespace

Endpoint parse_endpoint(std::string_view text, uint16_t default_port) {
  Endpoint e;
  e.port = default_port;
  const std::string_view whole = text;
  for (std::string_view scheme : {"unix://", "unixgram://"}) {
    if (text.starts_with(scheme)) {
      e.kind = Endpoint::Kind::uds;
      e.path = std::string(text.substr(scheme.size()));
      if (e.path.empty() || e.path.front() != '/') bad_address(whole);
      return e;
    }
  }
  if (text.starts_with("udp://")) text.remove_prefix(6);
  if (text.find("://") != std::string_view::npos) bad_address(whole);
  if (!text.empty() && text.front() == '/') {  // a bare socket path
    e.kind = Endpoint::Kind::uds;
    e.path = std::string(text);
    return e;
  }
  if (text.empty()) bad_address(whole);
  if (text.front() == '[') {  // [v6] or [v6]:port
    auto close = text.find(']');
    if (close == std::string_view::npos || close == 1) bad_address(whole);
    e.host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') bad_address(whole);
      e.port = parse_port(rest.substr(1), whole);
    }
    return e;
  }
  auto colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find(':') == colon) {  // host:port
    e.host = std::string(text.substr(0, colon));
    if (e.host.empty()) bad_address(whole);
    e.port = parse_port(text.substr(colon + 1), whole);
    return e;
  }
  e.host = std::string(text);  // a host name, IPv4, or a bare IPv6 address
  return e;
}

std::string to_string(const Endpoint& e) {
  if (e.kind == Endpoint::Kind::uds) return "unix://" + e.path;
  bool v6 = e.host.find(':') != std::string::npos;
  return "udp://" + (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port);
}

void validate(const PipelineOptions& o) {
  if (o.max_datagram_size < Defaults::min_datagram_size ||
      o.max_datagram_size > Defaults::max_datagram_size)
    throw std::invalid_argument("max_datagram_size = " + std::to_string(o.max_datagram_size) +
                                " is out of range; set it between " +
                                std::to_string(Defaults::min_datagram_size) + " and " +
                                std::to_string(Defaults::max_datagram_size) + " bytes");
  if (o.flush_interval.count() <= 0)
    throw std::invalid_argument("flush_interval_ms must be at least 1");
  if (o.sender_queue_size < 2)
    throw std::invalid_argument("sender_queue_size must be at least 2 buffers");
  if (o.endpoint.kind == Endpoint::Kind::uds && o.endpoint.path.empty())
    throw std::invalid_argument(
        "socket_path is empty; give the agent's socket, e.g. "
        "unix:///var/run/datadog/dsd.socket");
  if (o.endpoint.kind == Endpoint::Kind::udp && o.endpoint.host.empty())
    throw std::invalid_argument("host is empty; give the agent's host name or address");
}

}  // namespace metrics::wire
