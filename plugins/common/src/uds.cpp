#include <metrics/wire/uds.hpp>

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace metrics::wire {

struct UdsTransport::State {
  std::string path;
  std::chrono::milliseconds write_timeout;
  std::chrono::milliseconds reconnect_interval;
  int fd = -1;
  std::chrono::steady_clock::time_point next_attempt{};

  ~State() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  bool connect(std::string& error) {
    auto now = std::chrono::steady_clock::now();
    if (now < next_attempt) {
      error = "not connected to unix://" + path + "; next attempt soon";
      return false;
    }
    next_attempt = now + reconnect_interval;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
      error = "socket path unix://" + path + " is longer than " +
              std::to_string(sizeof addr.sun_path - 1) + " bytes";
      return false;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int s = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
      error = std::string("socket(AF_UNIX): ") + std::strerror(errno);
      return false;
    }
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(write_timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((write_timeout.count() % 1000) * 1000);
    ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      error = "connecting to unix://" + path + " failed: " + std::strerror(errno) +
              " (is the agent running and its dogstatsd socket enabled?)";
      ::close(s);
      return false;
    }
    fd = s;
    return true;
  }
};

UdsTransport::UdsTransport(std::string path, std::chrono::milliseconds write_timeout,
                           std::chrono::milliseconds reconnect_interval)
    : s_(std::make_unique<State>()) {
  s_->path = std::move(path);
  s_->write_timeout = write_timeout;
  s_->reconnect_interval = reconnect_interval;
  std::string ignored;
  s_->connect(ignored);  // the agent may start later: a failure here is not an error yet
  s_->next_attempt = {};
}

UdsTransport::~UdsTransport() = default;

void UdsTransport::send(std::span<Buffer* const> batch, SendReport& report) noexcept {
  State& s = *s_;
  bool timed_out = false;
  for (Buffer* b : batch) {
    auto fail = [&](int err, std::string message) {
      ++report.packets_failed;
      report.bytes_failed += b->size;
      report.metrics_failed += b->metrics;
      report.last_errno = err;
      report.last_error = std::move(message);
    };
    if (timed_out) {
      // The agent did not take one datagram within the write timeout: the rest of this
      // batch is dropped at once, so a batch costs at most one timeout.
      ++report.packets_failed;
      report.bytes_failed += b->size;
      report.metrics_failed += b->metrics;
      continue;
    }
    if (s.fd < 0) {
      std::string error;
      if (!s.connect(error)) {
        fail(ENOTCONN, std::move(error));
        continue;
      }
    }
    for (;;) {
      ssize_t r = ::send(s.fd, b->data.get(), b->size, MSG_NOSIGNAL);
      if (r >= 0) {
        ++report.packets_sent;
        report.bytes_sent += b->size;
        break;
      }
      int err = errno;
      if (err == EINTR) continue;
      fail(err, "sending to unix://" + s.path + " failed: " + std::strerror(err));
      if (err == EAGAIN || err == EWOULDBLOCK) timed_out = true;
      if (err != EAGAIN && err != EWOULDBLOCK && err != ENOBUFS && err != EMSGSIZE) {
        // The agent went away (socket removed, refused, reset): connect again later.
        s.close();
        s.next_attempt = {};
      }
      break;
    }
  }
}

}  // namespace metrics::wire
