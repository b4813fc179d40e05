#include <metrics/metrics.hpp>

#include <spdlog/spdlog.h>

namespace metrics {

Client& default_client() noexcept {
  // spdlog's registry is created first so that it is destroyed after this client, whose
  // destructor flushes backends that may log.
  static Client client = (spdlog::get("metrics"), Client());
  return client;
}

void configure(const std::filesystem::path& path) {
  configure(Config::from_file(path));
}

void configure(Config config) {
  default_client().apply_or_throw(std::move(config));
}

}  // namespace metrics
