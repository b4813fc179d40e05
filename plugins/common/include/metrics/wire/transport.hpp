// The interface of a datagram transport (udp.hpp, uds.hpp): send whole buffers, in order,
// from the sender thread only.
#pragma once

#include <metrics/wire/buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace metrics::wire {

/// What one send call did. A datagram either left whole or failed whole.
struct SendReport {
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_failed = 0;
  uint64_t bytes_failed = 0;
  uint64_t metrics_failed = 0;
  int last_errno = 0;      // of the last failure, 0 when none
  std::string last_error;  // a sentence for the log, empty when none
};

class Transport {
 public:
  virtual ~Transport() = default;
  /// Sends each buffer as one datagram. Called from one thread at a time; may wait up to
  /// the write timeout per datagram, never longer.
  virtual void send(std::span<Buffer* const> batch, SendReport& report) noexcept = 0;
  /// "udp" or "uds", as datadog-go's client_transport telemetry tag says.
  virtual std::string_view name() const noexcept = 0;
};

}  // namespace metrics::wire
