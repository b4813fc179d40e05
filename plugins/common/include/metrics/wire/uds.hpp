// Unix datagram transport: connects lazily, and after an error that means the agent went
// away (its socket removed, refused) closes and connects again on a later send, at most
// once per reconnect interval.
#pragma once

#include <metrics/wire/options.hpp>
#include <metrics/wire/transport.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace metrics::wire {

class UdsTransport final : public Transport {
 public:
  UdsTransport(std::string path, std::chrono::milliseconds write_timeout,
               std::chrono::milliseconds reconnect_interval = Defaults::reconnect_interval);
  ~UdsTransport() override;
  UdsTransport(const UdsTransport&) = delete;
  UdsTransport& operator=(const UdsTransport&) = delete;

  void send(std::span<Buffer* const> batch, SendReport& report) noexcept override;
  std::string_view name() const noexcept override { return "uds"; }

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace metrics::wire
