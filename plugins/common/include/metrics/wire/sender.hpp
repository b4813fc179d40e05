// The sender: hands batches of full buffers to the transport and counts what left and what
// did not, by cause. Runs on the pipeline's thread only.
#pragma once

#include <metrics/sdk/host.hpp>
#include <metrics/wire/options.hpp>
#include <metrics/wire/telemetry.hpp>
#include <metrics/wire/transport.hpp>

#include <memory>
#include <span>

namespace metrics::wire {

class Sender {
 public:
  Sender(std::unique_ptr<Transport> transport, Telemetry& telemetry, sdk::Host host);

  /// Sends every buffer (each one datagram) and counts the result.
  void send(std::span<Buffer* const> batch) noexcept;
  /// Counts buffers that will never be sent (the shutdown deadline passed).
  void abandon(std::span<Buffer* const> batch) noexcept;

  std::string_view transport_name() const noexcept { return transport_->name(); }

 private:
  std::unique_ptr<Transport> transport_;
  Telemetry& telemetry_;
  sdk::Host host_;
};

/// The transport an endpoint asks for: UdpTransport or UdsTransport.
std::unique_ptr<Transport> make_transport(const PipelineOptions& o);

}  // namespace metrics::wire
