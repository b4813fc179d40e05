// The sender's ceiling: UdpTransport sending batches of 64 full datagrams to a loopback
// receiver that drains on another thread. Argument: datagram size in bytes.
#include "support/receivers.hpp"

#include <metrics/wire/udp.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstring>
#include <thread>

using namespace metrics::wire;

static void BM_UdpTransport_Send64(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  statsd_test::UdpReceiver rx;
  int big = 64 << 20;
  ::setsockopt(rx.fd(), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> received{0};
  std::thread reader([&] {
    std::string d;
    while (!stop)
      if (rx.receive(d, std::chrono::milliseconds(50))) received.fetch_add(1);
  });
  UdpTransport t("127.0.0.1", rx.port(), std::chrono::milliseconds(0),
                 std::chrono::milliseconds(100));
  std::vector<std::unique_ptr<Buffer>> buffers;
  std::vector<Buffer*> batch;
  for (int i = 0; i < 64; ++i) {
    buffers.push_back(std::make_unique<Buffer>(size));
    std::memset(buffers.back()->data.get(), 'a', size);
    buffers.back()->size = size;
    batch.push_back(buffers.back().get());
  }
  int64_t failed = 0;
  for (auto _ : state) {
    SendReport r;
    t.send(batch, r);
    failed += static_cast<int64_t>(r.packets_failed);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  reader.join();
  state.SetItemsProcessed(state.iterations() * 64);
  state.SetBytesProcessed(state.iterations() * 64 * static_cast<int64_t>(size));
  state.counters["failed"] = static_cast<double>(failed);
  state.counters["received_fraction"] =
      static_cast<double>(received.load()) / static_cast<double>(state.iterations() * 64);
}
BENCHMARK(BM_UdpTransport_Send64)->Arg(1432)->Arg(8192)->UseRealTime();

BENCHMARK_MAIN();
