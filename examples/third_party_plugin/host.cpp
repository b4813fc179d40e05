// jsonl_host CONFIG: a tiny application that knows nothing of acme.jsonl. It links
// metrics::framework from the installed package; the TOML file names the backend by its
// dotted name, and the host loads acme.jsonl.so at run time.
#include <metrics/metrics.hpp>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CONFIG.toml\n", argv[0]);
    return 2;
  }
  try {
    metrics::Client client(metrics::Config::from_file(argv[1]));
    client.incr("orders", 1, {.tags = {{"region", "eu"}, {"status", 200}}});
    client.gauge("queue.depth", 12.5);
    client.timing("db.query", 7.25, {.instance = "replica-2"});
    client.distribution("payload", 512, {.unit = "byte"});
    client.set("users.active", "alice");
    client.event("deploy", "version \"1.2\" is live", {.tags = {{"team", "shop"}}});
    if (!client.flush()) std::fprintf(stderr, "flush did not finish in time\n");
    for (const auto& name : client.backend_names()) std::printf("backend: %s\n", name.c_str());
    std::printf("emitted: %lld\n", static_cast<long long>(client.telemetry().emitted));
    return 0;
  } catch (const std::exception& e) {  // ConfigError, LoadError: the reason is in the text
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
