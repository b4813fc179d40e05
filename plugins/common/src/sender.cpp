#include <metrics/wire/sender.hpp>
#include <metrics/wire/udp.hpp>
#include <metrics/wire/uds.hpp>

namespace metrics::wire {

Sender::Sender(std::unique_ptr<Transport> transport, Telemetry& telemetry, sdk::Host host)
    : transport_(std::move(transport)), telemetry_(telemetry), host_(host) {}

void Sender::send(std::span<Buffer* const> batch) noexcept {
  if (batch.empty()) return;
  SendReport r;
  transport_->send(batch, r);
  telemetry_.sent(r.packets_sent, r.bytes_sent);
  if (r.packets_failed != 0) {
    telemetry_.dropped(DropReason::writer, r.metrics_failed, r.packets_failed, r.bytes_failed);
    // The host rate-limits repeated messages.
    host_.log(sdk::LogLevel::warn, r.last_error +
                                       "; the datagram is dropped and counted as "
                                       "dropped.writer");
  }
}

void Sender::abandon(std::span<Buffer* const> batch) noexcept {
  uint64_t metrics = 0, bytes = 0;
  for (Buffer* b : batch) {
    metrics += b->metrics;
    bytes += b->size;
  }
  if (!batch.empty()) telemetry_.dropped(DropReason::shutdown, metrics, batch.size(), bytes);
}

std::unique_ptr<Transport> make_transport(const PipelineOptions& o) {
  if (o.endpoint.kind == Endpoint::Kind::uds)
    return std::make_unique<UdsTransport>(o.endpoint.path, o.write_timeout);
  return std::make_unique<UdpTransport>(o.endpoint.host, o.endpoint.port, o.resolve_interval,
                                        o.write_timeout);
}

}  // namespace metrics::wire
