// The caller's cost of a metric call through metrics::Client into the shipped network
// backends: the whole path an application pays (front-end, slot, C ABI, the plugin's
// own work), with a real UDP socket bound on loopback as the agent.
#include <benchmark/benchmark.h>

#include <metrics/metrics.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace {

// A bound UDP socket that nobody reads: the datagrams queue in (and overflow) its kernel
// buffer, as they would at a busy agent, and no ICMP "port unreachable" comes back.
class SilentAgent {
 public:
  SilentAgent() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0)
      throw std::runtime_error("cannot bind a loopback UDP socket");
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentAgent() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

metrics::Client dogstatsd_client(const SilentAgent& agent, bool aggregation) {
  return metrics::Client(metrics::Config::from_string(
      "[metrics]\nbackend = \"metrics.dogstatsd.DogStatsdMetricsBackend\"\n[metrics.options]\n"
      "host = \"127.0.0.1\"\nport = " +
          std::to_string(agent.port()) + "\naggregation = " + (aggregation ? "true" : "false") +
          "\ntelemetry = false\n",
      "bench.toml"));
}

void BM_client_dogstatsd_incr_two_tags_aggregated(benchmark::State& state) {
  static SilentAgent agent;
  static metrics::Client client = dogstatsd_client(agent, true);
  for (auto _ : state)
    client.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
}
BENCHMARK(BM_client_dogstatsd_incr_two_tags_aggregated)->ThreadRange(1, 2)->UseRealTime();

// The same through a BoundMetric: the plugin's share (hashing the context, the shard) stays.
void BM_client_dogstatsd_bound_incr_two_tags_aggregated(benchmark::State& state) {
  static SilentAgent agent;
  static metrics::Client client = dogstatsd_client(agent, true);
  static const metrics::BoundMetric requests =
      client.bind("requests", {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
  for (auto _ : state) requests.incr();
}
BENCHMARK(BM_client_dogstatsd_bound_incr_two_tags_aggregated)->ThreadRange(1, 2)->UseRealTime();

void BM_client_dogstatsd_incr_two_tags_unaggregated(benchmark::State& state) {
  static SilentAgent agent;
  static metrics::Client client = dogstatsd_client(agent, false);
  const auto before = client.telemetry();
  for (auto _ : state)
    client.incr("requests", 1, {.tags = {{"endpoint", "/api"}, {"status", "ok"}}});
  // An unpaced loop offers more lines than one sender thread writes: say how many of this
  // run's calls the plugin dropped (its queue full) rather than sent.
  const auto after = client.telemetry();
  const double calls = static_cast<double>(after.calls - before.calls);
  const double dropped =
      static_cast<double>(after.get("dropped.queue_full") - before.get("dropped.queue_full"));
  state.counters["dropped_share"] = calls > 0 ? dropped / calls : 0.0;
}
BENCHMARK(BM_client_dogstatsd_incr_two_tags_unaggregated)->UseRealTime();

}  // namespace
