// Set-up and swapping: building pipelines, publishing them, retiring the old ones.
#include <metrics/client.hpp>
#include <metrics/errors.hpp>
#include <metrics/timer.hpp>

#include "client_core.hpp"
#include "log.hpp"

namespace metrics {

namespace detail {

ClientCore::ClientCore(Config config, std::vector<Route> routes,
                       std::shared_ptr<TelemetryStore> telemetry)
    : telemetry_(std::move(telemetry)) {
  auto p = std::make_unique<Pipeline>();
  p->config = std::move(config);
  p->routes = std::move(routes);
  p->set_base_tags(global_tags_, Pipeline::ConfigTagWarnings::log);
  p->plan_direct_path();
  current_.store(p.release(), std::memory_order_release);
}

ClientCore::~ClientCore() {
  stop_watching();
  {
    std::lock_guard lock(writer_mutex_);
    for (BoundState* bound : bound_) {
      delete bound->prepared.exchange(nullptr);
      bound->core = nullptr;  // its calls do nothing from now on
    }
    bound_.clear();
  }
  // No caller may be inside a call on a client being destroyed, so no wait is needed;
  // the backends are flushed and destroyed with the pipeline.
  delete current_.exchange(nullptr);
}

std::unique_ptr<Pipeline> ClientCore::copy_current() const {
  return std::make_unique<Pipeline>(*current_.load(std::memory_order_acquire));
}

void ClientCore::publish(std::unique_ptr<Pipeline> next) {
  next->plan_direct_path();
  // Every prepared form is built before anything is published, so that a failure here
  // leaves the client as it was. A call that meets a prepared form and a pipeline of
  // different generations takes the keyword path; both old ones stay alive until no call
  // can be reading them.
  std::vector<std::unique_ptr<PreparedBound>> prepared;
  prepared.reserve(bound_.size());
  for (const BoundState* bound : bound_) prepared.push_back(prepare_bound(*bound, *next));
  std::vector<std::unique_ptr<const PreparedBound>> stale;
  stale.reserve(bound_.size());
  for (size_t i = 0; i < bound_.size(); ++i)
    stale.emplace_back(bound_[i]->prepared.exchange(prepared[i].release()));
  Pipeline* old = current_.exchange(next.release(), std::memory_order_seq_cst);
  wait_for_readers();
  stale.clear();
  delete old;  // may flush, destroy and unload backends no longer in use
}

bool ClientCore::flush(std::chrono::milliseconds timeout) noexcept {
  ReadSection section;
  const Pipeline* p = current_.load(std::memory_order_acquire);
  bool ok = true;
  for (const Route& r : p->routes) ok = r.backend->flush(timeout.count()) == METRICS_OK && ok;
  return ok;
}

ReloadResult ClientCore::swap_to(Config config) {
  auto routes = create_routes(config, telemetry_);  // the new backends exist before the switch
  auto next = std::make_unique<Pipeline>();
  next->config = std::move(config);
  next->routes = std::move(routes);
  std::lock_guard lock(writer_mutex_);
  next->internal_hook = current_.load()->internal_hook;
  next->set_base_tags(global_tags_, Pipeline::ConfigTagWarnings::log);
  std::string names;
  for (const auto& r : next->routes) names += (names.empty() ? "" : ", ") + r.backend->name();
  publish(std::move(next));
  telemetry_->add("reloads.swapped", 1);
  logger()->info("metrics: now sending to {}", names);
  return {ReloadResult::Status::swapped, "now sending to " + names};
}

ReloadResult ClientCore::apply(Config config) noexcept {
  try {
    return swap_to(std::move(config));
  } catch (const std::exception& e) {
    return fail_reload(e.what());
  } catch (...) {
    return fail_reload("unknown error");
  }
}

void ClientCore::add_global_tags(const OwnedTags& tags) {
  std::lock_guard lock(writer_mutex_);
  for (const auto& [k, v] : tags) set_tag(global_tags_, k, v);
  auto next = copy_current();
  next->set_base_tags(global_tags_, Pipeline::ConfigTagWarnings::quiet);
  publish(std::move(next));
}

void ClientCore::remove_global_tags(std::initializer_list<std::string_view> keys) {
  std::lock_guard lock(writer_mutex_);
  std::erase_if(global_tags_, [&](const auto& t) {
    return std::find(keys.begin(), keys.end(), std::string_view(t.first)) != keys.end();
  });
  auto next = copy_current();
  next->set_base_tags(global_tags_, Pipeline::ConfigTagWarnings::quiet);
  publish(std::move(next));
}

void ClientCore::set_internal_hook(InternalHook hook) {
  std::lock_guard lock(writer_mutex_);
  auto next = copy_current();
  next->internal_hook = hook;
  publish(std::move(next));
}

Config ClientCore::config() const {
  ReadSection section;
  return current_.load(std::memory_order_acquire)->config;
}

std::vector<std::string> ClientCore::backend_names() const {
  ReadSection section;
  std::vector<std::string> out;
  for (const auto& r : current_.load(std::memory_order_acquire)->routes)
    out.push_back(r.backend->name());
  return out;
}

}  // namespace detail

namespace {
std::unique_ptr<detail::ClientCore> make_core(Config config) {
  auto telemetry = std::make_shared<detail::TelemetryStore>();
  auto routes = detail::create_routes(config, telemetry);
  return std::make_unique<detail::ClientCore>(std::move(config), std::move(routes),
                                              std::move(telemetry));
}
}  // namespace

Client::Client() : Client(Config{}) {}
Client::Client(Config config) : core_(make_core(std::move(config))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

void Client::event(std::string_view title, std::string_view text,
                   const EventOptions& options) noexcept {
  core_->record_event(title, text, options);
}
Timer Client::timer(std::string_view key, TagList tags, const CallOptions& options) {
  return Timer(*this, key, tags, options);
}
bool Client::flush(std::chrono::milliseconds timeout) noexcept {
  return core_->flush(timeout);
}
void Client::add_global_tags(TagList tags) {
  core_->add_global_tags(to_owned(tags));
}
void Client::remove_global_tags(std::initializer_list<std::string_view> keys) {
  core_->remove_global_tags(keys);
}
ReloadResult Client::reload() noexcept {
  return core_->reload();
}
void Client::watch(std::chrono::milliseconds interval) {
  core_->watch(interval);
}
void Client::stop_watching() noexcept {
  core_->stop_watching();
}
ReloadResult Client::apply(Config config) noexcept {
  return core_->apply(std::move(config));
}
void Client::apply_or_throw(Config config) {
  core_->swap_to(std::move(config));
}
void Client::set_internal_hook(InternalHook hook) noexcept {
  try {
    core_->set_internal_hook(hook);
  } catch (...) {
  }
}
Telemetry Client::telemetry() const {
  return core_->telemetry();
}
Config Client::config() const {
  return core_->config();
}
std::vector<std::string> Client::backend_names() const {
  return core_->backend_names();
}

}  // namespace metrics
