#include <metrics/wire/udp.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace metrics::wire {

namespace {

struct Address {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_UNSPEC;
  bool operator==(const Address& o) const {
    return len == o.len && std::memcmp(&addr, &o.addr, len) == 0;
  }
};

// Resolves host:port; returns an empty Address and sets `error` when it cannot.
Address resolve(const std::string& host, uint16_t port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  if (rc == EAI_BADFLAGS || (rc != 0 && hints.ai_flags != 0)) {
    hints.ai_flags = 0;  // AI_ADDRCONFIG hides loopback-only setups; retry without it
    rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
  }
  Address a;
  if (rc != 0 || res == nullptr) {
    error = "cannot resolve '" + host + "': " + gai_strerror(rc);
    return a;
  }
  std::memcpy(&a.addr, res->ai_addr, res->ai_addrlen);
  a.len = static_cast<socklen_t>(res->ai_addrlen);
  a.family = res->ai_family;
  freeaddrinfo(res);
  return a;
}

std::string format(const Address& a) {
  char text[INET6_ADDRSTRLEN] = {};
  if (a.family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&a.addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (a.family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&a.addr);
    inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(in->sin6_port));
  }
  return "(none)";
}

}  // namespace

struct UdpTransport::State {
  std::string host;
  NameLookup lookup;
  uint16_t port;
  std::chrono::milliseconds resolve_interval;
  std::chrono::milliseconds write_timeout;
  Address current;
  int fd = -1;
  std::chrono::steady_clock::time_point next_resolve;
  std::string error;
  std::vector<mmsghdr> msgs;
  std::vector<iovec> iovs;

  ~State() {
    if (fd >= 0) ::close(fd);
  }

  // Opens a socket for `a` and connects it; keeps the old one on failure.
  bool open(const Address& a) {
    int s = ::socket(a.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
      error = std::string("socket(): ") + std::strerror(errno);
      return false;
    }
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(write_timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((write_timeout.count() % 1000) * 1000);
    ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int sndbuf = 4 << 20;
    ::setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (::connect(s, reinterpret_cast<const sockaddr*>(&a.addr), a.len) != 0) {
      error = "connect(" + format(a) + "): " + std::strerror(errno);
      ::close(s);
      return false;
    }
    if (fd >= 0) ::close(fd);
    fd = s;
    current = a;
    return true;
  }

  void maybe_resolve() {
    if (resolve_interval.count() <= 0) return;
    auto now = std::chrono::steady_clock::now();
    if (now < next_resolve) return;
    next_resolve = now + resolve_interval;
    std::string err;
    Address a = resolve(lookup ? lookup(host) : host, port, err);
    if (a.len == 0) return;  // keep sending to the last address that worked
    if (!(a == current)) open(a);
  }
};

UdpTransport::UdpTransport(std::string host, uint16_t port,
                           std::chrono::milliseconds resolve_interval,
                           std::chrono::milliseconds write_timeout, NameLookup lookup)
    : s_(std::make_unique<State>()) {
  s_->host = std::move(host);
  s_->lookup = std::move(lookup);
  s_->port = port;
  s_->resolve_interval = resolve_interval;
  s_->write_timeout = write_timeout;
  std::string err;
  Address a = resolve(s_->lookup ? s_->lookup(s_->host) : s_->host, port, err);
  if (a.len == 0) throw std::runtime_error(err + "; check host (or DD_AGENT_HOST)");
  if (!s_->open(a)) throw std::runtime_error(s_->error);
  s_->next_resolve = std::chrono::steady_clock::now() + resolve_interval;
}

UdpTransport::~UdpTransport() = default;

std::string UdpTransport::peer() const {
  return format(s_->current);
}

void UdpTransport::send(std::span<Buffer* const> batch, SendReport& report) noexcept {
  State& s = *s_;
  s.maybe_resolve();
  const size_t n = batch.size();
  if (n == 0) return;
  if (s.msgs.size() < n) {
    s.msgs.resize(n);
    s.iovs.resize(n);
  }
  for (size_t i = 0; i < n; ++i) {
    s.iovs[i] = iovec{batch[i]->data.get(), batch[i]->size};
    s.msgs[i] = mmsghdr{};
    s.msgs[i].msg_hdr.msg_iov = &s.iovs[i];
    s.msgs[i].msg_hdr.msg_iovlen = 1;
  }
  size_t i = 0;
  while (i < n) {
    int r = ::sendmmsg(s.fd, &s.msgs[i], static_cast<unsigned>(n - i), MSG_NOSIGNAL);
    if (r > 0) {
      for (int k = 0; k < r; ++k) {
        ++report.packets_sent;
        report.bytes_sent += batch[i + static_cast<size_t>(k)]->size;
      }
      i += static_cast<size_t>(r);
      continue;
    }
    int err = errno;
    if (err == EINTR) continue;
    // This datagram failed (refused: an earlier one met a closed port, so nobody listens;
    // EAGAIN: the write timeout passed). It is dropped and counted, as datadog-go does.
    ++report.packets_failed;
    report.bytes_failed += batch[i]->size;
    report.metrics_failed += batch[i]->metrics;
    report.last_errno = err;
    report.last_error = "sending to udp://" + format(s.current) + " failed: " + std::strerror(err);
    ++i;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      // The write timeout passed: drop the rest of the batch at once, so a batch costs at
      // most one timeout.
      for (; i < n; ++i) {
        ++report.packets_failed;
        report.bytes_failed += batch[i]->size;
        report.metrics_failed += batch[i]->metrics;
      }
    }
  }
}

}  // namespace metrics::wire
