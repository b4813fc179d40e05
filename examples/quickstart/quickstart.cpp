// A small simulated shop service, instrumented with every kind of metric call.
//
//   quickstart [CONFIG]     (default: config/logging.toml)
//
// It serves a few requests (endpoints, status codes, latencies), uses a cache (hits and
// misses), runs a background task with its own scoped tags, and has one timed operation
// fail. Point it at another config to send the same metrics elsewhere.
#include <metrics/metrics.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

struct Request {
  const char* endpoint;
  int status;
  double latency_ms;
  size_t bytes;
};

// A cache is looked up on every request, so it binds its two counters once: each call
// then carries only its value (metrics::BoundMetric).
class Cache {
 public:
  bool get(int key) {
    bool hit = key % 3 != 0;
    (hit ? hits_ : misses_).incr();
    return hit;
  }

 private:
  metrics::BoundMetric hits_ = metrics::bind("cache.hit", {.tags = {{"cache", "products"}}});
  metrics::BoundMetric misses_ = metrics::bind("cache.miss", {.tags = {{"cache", "products"}}});
};

std::string load_product(int id) {
  if (id == 13) throw std::runtime_error("product 13 is unlucky");
  return "product-" + std::to_string(id);
}

void serve(const Request& r, Cache& cache) {
  metrics::incr("http.requests", 1, {.tags = {{"endpoint", r.endpoint}, {"status", r.status}}});
  metrics::timing("http.latency", r.latency_ms, {.tags = {{"endpoint", r.endpoint}}});
  metrics::distribution("http.response_size", static_cast<double>(r.bytes),
                        {.tags = {{"endpoint", r.endpoint}}, .unit = "byte"});
  cache.get(static_cast<int>(r.latency_ms));
}

void background_reindex() {
  // Every metric of this thread while the scope lives carries task:reindex.
  metrics::ScopedTags scope({{"task", "reindex"}});
  auto timer = metrics::timer("task.duration");
  for (int batch = 0; batch < 3; ++batch) {
    metrics::incr("task.batches", 1, {.instance = "worker-1"});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  timer.add_tag("batches", 3);
}

}  // namespace

int main(int argc, char** argv) {
  const char* config = argc > 1 ? argv[1] : "config/logging.toml";
  try {
    metrics::configure(config);
  } catch (const metrics::Error& e) {
    std::fprintf(stderr, "quickstart: %s\n", e.what());
    return 1;
  }
  metrics::add_global_tags({{"region", "eu-west"}});
  std::printf("quickstart: sending metrics as configured in %s\n", config);

  Cache cache;
  const Request requests[] = {
      {"/products", 200, 12.5, 2048}, {"/products", 200, 9.1, 1024}, {"/checkout", 201, 48.0, 512},
      {"/checkout", 500, 3.2, 128},   {"/products", 404, 1.7, 64},
  };
  for (const auto& r : requests) serve(r, cache);

  metrics::gauge("queue.depth", 7, {.tags = {{"queue", "emails"}}});
  metrics::gauge("queue.depth", 3, {.tags = {{"queue", "emails"}}});
  metrics::set("users.active", "alice");
  metrics::set("users.active", "bob");
  metrics::set("users.active", "alice");

  std::thread worker(background_reindex);
  worker.join();

  // One timed operation that fails: the timer reports result:failure.
  try {
    metrics::timed("product.load", [] { return load_product(13); }, {{"source", "db"}});
  } catch (const std::exception& e) {
    std::printf("quickstart: load failed as planned: %s\n", e.what());
  }
  auto load = metrics::wraps("product.load", load_product, {{"source", "cache"}});
  std::printf("quickstart: loaded %s\n", load(7).c_str());

  metrics::event("Deploy finished", "quickstart v1 is live",
                 {.tags = {{"team", "shop"}}, .alert_type = metrics::AlertType::success});

  metrics::default_client().flush();
  auto t = metrics::default_client().telemetry();
  std::printf("quickstart: %lld calls, %lld sent, %lld sampled out\n",
              static_cast<long long>(t.calls), static_cast<long long>(t.emitted),
              static_cast<long long>(t.sampled_out));
  return 0;
}
