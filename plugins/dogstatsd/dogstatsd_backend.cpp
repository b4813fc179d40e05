#include <metrics/dogstatsd/backend.hpp>
#include <metrics/wire/aggregator.hpp>
#include <metrics/wire/format.hpp>
#include <metrics/wire/pipeline.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace metrics::dogstatsd {

namespace {

using wire::Defaults;
using wire::MetricType;

const char* env(const char* name) noexcept {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

uint16_t env_port(uint16_t fallback) {
  const char* p = env("DD_DOGSTATSD_PORT");
  if (p == nullptr) return fallback;
  char* end = nullptr;
  long v = std::strtol(p, &end, 10);
  if (*end != '\0' || v < 1 || v > 65535)
    throw std::invalid_argument(std::string("DD_DOGSTATSD_PORT='") + p +
                                "' is not a port (1 to 65535)");
  return static_cast<uint16_t>(v);
}

// The context key: a hash of type, name, instance and tags, read where they lie.
uint64_t context_hash(MetricType type, const sdk::Sample& s) noexcept {
  const auto& raw = s.raw();
  uint64_t h =
      wire::hash_step(wire::hash_seed(static_cast<uint64_t>(type)), raw.name.data, raw.name.size);
  h = wire::hash_step(h ^ 1, raw.instance.data, raw.instance.size);
  for (size_t i = 0; i < raw.tag_count; ++i) {
    h = wire::hash_step(h ^ 2, raw.tags[i].key.data, raw.tags[i].key.size);
    h = wire::hash_step(h ^ 3, raw.tags[i].value.data, raw.tags[i].value.size);
  }
  return wire::hash_final(h);
}

}  // namespace

wire::Endpoint choose_endpoint(const sdk::Options& o) {
  auto port_from_config = [&]() -> int {
    if (o.from_config("statsd_port")) return static_cast<int>(o.integer("statsd_port"));
    if (o.from_config("port")) return static_cast<int>(o.integer("port"));
    return 0;
  };
  const int config_port = port_from_config();
  auto port = [&] {
    return config_port != 0 ? static_cast<uint16_t>(config_port) : env_port(Defaults::port);
  };

  if (o.from_config("socket_path")) {
    std::string path = o.string("socket_path");
    if (!path.starts_with("unix://") && !path.starts_with("unixgram://")) path = "unix://" + path;
    return wire::parse_endpoint(path);
  }
  for (const char* key : {"statsd_host", "host"}) {
    if (o.from_config(key)) {
      wire::Endpoint e = wire::parse_endpoint(o.string(key), port());
      if (config_port != 0 && e.kind == wire::Endpoint::Kind::udp)
        e.port = static_cast<uint16_t>(config_port);
      return e;
    }
  }
  if (const char* url = env("DD_DOGSTATSD_URL")) {
    wire::Endpoint e = wire::parse_endpoint(url, port());
    if (config_port != 0 && e.kind == wire::Endpoint::Kind::udp)
      e.port = static_cast<uint16_t>(config_port);
    return e;
  }
  wire::Endpoint e;
  if (const char* host = env("DD_AGENT_HOST"))
    e = wire::parse_endpoint(host, port());
  else
    e.host = o.string("host", Defaults::host);
  if (e.kind == wire::Endpoint::Kind::udp) e.port = port();
  return e;
}

struct DogStatsdMetricsBackend::Impl {
  sdk::Host host;
  wire::Endpoint endpoint;
  std::vector<std::pair<std::string, std::string>> constant_pairs;
  std::vector<std::string> constant_keys;
  wire::ConstantTags constant;
  bool aggregation = true;
  MetricType timing_type = MetricType::distribution;
  std::unique_ptr<wire::Pipeline> pipeline;
  wire::Aggregator* aggregator = nullptr;  // the pipeline's, when aggregation is on

  const wire::ConstantTags* constants() const noexcept {
    return constant.encoded.empty() ? nullptr : &constant;
  }

  wire::ContextLines make_lines(const sdk::Sample& s) const {
    wire::ContextLines l;
    l.head = wire::encode([&](wire::Writer& w) { wire::append_dogstatsd_name(w, s.name()); },
                          s.name().size());
    size_t cap = 16 + s.instance().size() + constant.encoded.size();
    for (auto t : s.tags()) cap += t.key.size() + t.value.size() + 2;
    l.tail = wire::encode(
        [&](wire::Writer& w) {
          wire::append_dogstatsd_tags(w, s.raw().tags, s.raw().tag_count, s.instance(),
                                      constants());
        },
        cap);
    return l;
  }

  int32_t aggregate(MetricType type, const sdk::Sample& s, double value) {
    aggregator->add(type, context_hash(type, s), value, s.set_member(),
                    [&] { return make_lines(s); });
    return METRICS_OK;
  }
};

DogStatsdMetricsBackend::DogStatsdMetricsBackend(const sdk::CreateContext& ctx)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  const auto& o = ctx.options;
  m.host = ctx.host;
  m.endpoint = choose_endpoint(o);

  // Constant tags: the config's, then the unified service tags from the environment
  // (a config tag of the same key wins), then the entity id as datadog-go sends it.
  m.constant_pairs = o.tags("tags");
  auto add_env_tag = [&](const char* var, const char* key) {
    const char* v = env(var);
    if (v == nullptr) return;
    for (const auto& [k, _] : m.constant_pairs)
      if (k == key) return;
    m.constant_pairs.emplace_back(key, v);
  };
  add_env_tag("DD_ENV", "env");
  add_env_tag("DD_SERVICE", "service");
  add_env_tag("DD_VERSION", "version");
  add_env_tag("DD_ENTITY_ID", "dd.internal.entity_id");
  for (const auto& [k, _] : m.constant_pairs) m.constant_keys.push_back(k);
  m.constant.encoded = wire::encode_constant_tags(m.constant_pairs);
  m.constant.keys = m.constant_keys;

  std::string timing = o.string("timing_type", "d");
  if (timing == "d")
    m.timing_type = MetricType::distribution;
  else if (timing == "ms")
    m.timing_type = MetricType::timing;
  else if (timing == "h")
    m.timing_type = MetricType::histogram;
  else
    throw std::invalid_argument("timing_type must be d, ms or h, not '" + timing + "'");

  wire::PipelineOptions p;
  p.endpoint = m.endpoint;
  int64_t max = o.integer("max_datagram_size", 0);
  p.max_datagram_size = max != 0 ? static_cast<size_t>(max)
                        : m.endpoint.kind == wire::Endpoint::Kind::uds
                            ? Defaults::max_datagram_size_uds
                            : Defaults::max_datagram_size_udp;
  p.flush_interval = std::chrono::milliseconds(o.integer("flush_interval_ms", 100));
  p.resolve_interval = std::chrono::milliseconds(o.integer("resolve_interval_ms", 30000));
  const bool uds = m.endpoint.kind == wire::Endpoint::Kind::uds;
  const int64_t queue = o.integer("sender_queue_size", 0);
  p.sender_queue_size = queue != 0 ? static_cast<size_t>(queue)
                        : uds      ? Defaults::sender_queue_size_uds
                                   : Defaults::sender_queue_size_udp;
  p.write_timeout = std::chrono::milliseconds(o.integer("write_timeout_ms", 100));
  p.shutdown_timeout = std::chrono::milliseconds(o.integer("shutdown_timeout_ms", 2000));
  p.aggregation = m.aggregation = o.boolean("aggregation", true);
  p.telemetry = o.boolean("telemetry", true);
  wire::validate(p);

  std::string telemetry_tags = "client:cpp,client_version:1.0.0,client_transport:";
  telemetry_tags += m.endpoint.kind == wire::Endpoint::Kind::uds ? "uds" : "udp";
  if (!m.constant.encoded.empty()) telemetry_tags += "," + m.constant.encoded;
  m.pipeline = std::make_unique<wire::Pipeline>(p, wire::make_transport(p), ctx.host,
                                                std::move(telemetry_tags));
  m.aggregator = m.pipeline->aggregator();
}

DogStatsdMetricsBackend::~DogStatsdMetricsBackend() = default;

int32_t DogStatsdMetricsBackend::emit(const sdk::Sample& s) noexcept {
  Impl& m = *impl_;
  MetricType type = MetricType::count;
  switch (s.kind()) {
    case sdk::Kind::counter:
      type = MetricType::count;
      break;
    case sdk::Kind::gauge:
      type = MetricType::gauge;
      break;
    case sdk::Kind::timing:
      type = m.timing_type;
      break;
    case sdk::Kind::distribution:
      type = MetricType::distribution;
      break;
    case sdk::Kind::set:
      type = MetricType::set;
      break;
  }
  if (type != MetricType::set && !wire::is_writable(s.value())) [[unlikely]] {
    m.pipeline->dropped(wire::DropReason::invalid_value);
    return METRICS_ERR_INVALID;
  }
  try {
    if (m.aggregation) {
      const double rate = s.sample_rate();
      switch (type) {
        case MetricType::count:  // scaled here, sent without a rate
          return m.aggregate(type, s, rate > 0 && rate < 1 ? s.value() / rate : s.value());
        case MetricType::gauge:
        case MetricType::set:
          return m.aggregate(type, s, s.value());
        default:
          break;  // timings and distributions go as they are
      }
    }
  } catch (...) {  // a new context could not be allocated
    m.pipeline->dropped(wire::DropReason::queue_full);
    return METRICS_ERR_DROPPED;
  }
  wire::DogStatsdLine line;
  line.name = s.name();
  line.type = type;
  line.value = s.value();
  line.set_member = s.set_member();
  line.sample_rate = s.sample_rate();
  line.tags = s.raw().tags;
  line.tag_count = s.raw().tag_count;
  line.instance = s.instance();
  line.constant_tags = m.constants();
  return m.pipeline->write(type, [&](wire::Writer& w) { wire::append_dogstatsd(w, line); });
}

int32_t DogStatsdMetricsBackend::event(const sdk::Event& e) noexcept {
  Impl& m = *impl_;
  wire::DogStatsdEvent ev;
  ev.title = e.title();
  ev.text = e.text();
  ev.timestamp_unix_s = e.timestamp_unix_s();
  ev.hostname = e.hostname();
  ev.aggregation_key = e.aggregation_key();
  ev.low_priority = e.low_priority();
  ev.source_type_name = e.source_type_name();
  ev.alert_type = sdk::name_of(e.alert_type());
  ev.tags = e.raw().tags;
  ev.tag_count = e.raw().tag_count;
  ev.constant_tags = m.constants();
  return m.pipeline->write_event([&](wire::Writer& w) { wire::append_dogstatsd_event(w, ev); });
}

bool DogStatsdMetricsBackend::flush(std::chrono::milliseconds timeout) {
  return impl_->pipeline->flush(timeout);
}

const wire::Endpoint& DogStatsdMetricsBackend::endpoint() const noexcept {
  return impl_->endpoint;
}

wire::TelemetrySnapshot DogStatsdMetricsBackend::telemetry() const noexcept {
  return impl_->pipeline->snapshot();
}

}  // namespace metrics::dogstatsd
