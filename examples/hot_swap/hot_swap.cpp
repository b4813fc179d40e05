// Hot swap, live: emits a counter ten times a second and follows its config file.
//
//   hot_swap CONFIG [SECONDS]
//
// Edit CONFIG while it runs (say, switch config/logging.toml's format to "json", or point
// `backend` at another module) and the next lines come out through the new backend; the
// file is watched, and `kill -HUP <pid>` reloads at once. A config that does not load is
// reported and the running backend stays.
#include <metrics/metrics.hpp>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {
std::atomic<bool> g_reload_requested{false};
std::atomic<bool> g_stop{false};
extern "C" void on_sighup(int) {
  g_reload_requested = true;
}
extern "C" void on_sigint(int) {
  g_stop = true;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: hot_swap CONFIG [SECONDS]\n");
    return 2;
  }
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 3600;
  metrics::Client client;
  try {
    client.apply(metrics::Config::from_file(argv[1]));
  } catch (const metrics::Error& e) {
    std::fprintf(stderr, "hot_swap: %s\n", e.what());
    return 1;
  }
  client.watch(std::chrono::milliseconds(250));
  std::signal(SIGHUP, on_sighup);
  std::signal(SIGINT, on_sigint);
  std::printf("hot_swap: pid %d, edit %s or send SIGHUP to reload\n", static_cast<int>(::getpid()),
              argv[1]);
  std::fflush(stdout);

  for (int tick = 0; tick < seconds * 10 && !g_stop; ++tick) {
    if (g_reload_requested.exchange(false)) {
      // The handler only sets a flag: reload() takes locks and allocates.
      auto r = client.reload();
      std::printf("hot_swap: SIGHUP reload: %s%s\n",
                  r.status == metrics::ReloadResult::Status::failed ? "failed: " : "",
                  r.message.c_str());
      std::fflush(stdout);
    }
    client.incr("demo.ticks", 1, {.tags = {{"tick", tick % 3}}});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  client.flush();
  auto t = client.telemetry();
  std::printf("hot_swap: %lld ticks sent, %lld reloads, %lld failed reloads\n",
              static_cast<long long>(t.emitted), static_cast<long long>(t.get("reloads.swapped")),
              static_cast<long long>(t.get("reloads.failed")));
  return 0;
}
