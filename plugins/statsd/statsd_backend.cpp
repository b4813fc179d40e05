// metrics.statsd.StatsdMetricsBackend: plain statsd lines, as the Etsy statsd daemon reads
// them, over UDP, with tags in one of three dialects or none.
#include <metrics/sdk.hpp>
#include <metrics/wire/format.hpp>
#include <metrics/wire/options.hpp>
#include <metrics/wire/pipeline.hpp>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

namespace sdk = metrics::sdk;
namespace wire = metrics::wire;
using wire::Defaults;

constexpr const char* kTagFormats[] = {"none", "graphite", "influx", "dogstatsd", nullptr};

wire::MetricType to_type(sdk::Kind k) noexcept {
  switch (k) {
    case sdk::Kind::counter:
      return wire::MetricType::count;
    case sdk::Kind::gauge:
      return wire::MetricType::gauge;
    case sdk::Kind::timing:
      return wire::MetricType::timing;
    case sdk::Kind::distribution:
      return wire::MetricType::distribution;
    case sdk::Kind::set:
      return wire::MetricType::set;
  }
  return wire::MetricType::count;
}

class StatsdMetricsBackend {
 public:
  static constexpr const char* name = "StatsdMetricsBackend";
  static constexpr const char* summary =
      "Plain statsd lines over UDP, as the Etsy statsd daemon reads them";
  static constexpr uint32_t capabilities = METRICS_CAP_TAGS;
  static constexpr sdk::Option options[] = {
      sdk::string_option("host", Defaults::host,
                         "statsd daemon host name or address (IPv4 or IPv6)"),
      sdk::int_option("port", "8125", "statsd daemon UDP port").range(1, 65535),
      sdk::int_option("max_datagram_size", "1432",
                      "Largest datagram sent, in bytes; lines are packed up to it, never above")
          .range(64, 65507),
      sdk::int_option("flush_interval_ms", "100",
                      "Buffered lines are sent at least this often (a full datagram at once)")
          .range(1, 3600000),
      sdk::string_option("tag_format", "none",
                         "How tags are written: none (dropped), graphite (name;k=v), "
                         "influx (name,k=v) or dogstatsd (|#k:v)")
          .one_of(kTagFormats),
      sdk::int_option("resolve_interval_ms", "30000",
                      "The host name is resolved again this often; 0 resolves it once")
          .range(0, 86400000),
      sdk::int_option("sender_queue_size", "2048",
                      "Full datagrams that may wait for the sender; beyond it they are dropped "
                      "and counted as dropped.queue_full")
          .range(2, 1000000),
      sdk::int_option("shutdown_timeout_ms", "2000",
                      "At shutdown, how long buffered lines may take to send")
          .range(0, 600000),
  };

  explicit StatsdMetricsBackend(const sdk::CreateContext& ctx) : host_(ctx.host) {
    const auto& o = ctx.options;
    if (!wire::parse_tag_format(o.string("tag_format", "none"), tag_format_))
      throw std::invalid_argument("tag_format must be none, graphite, influx or dogstatsd");
    wire::PipelineOptions p;
    p.endpoint.host = o.string("host", Defaults::host);
    p.endpoint.port = static_cast<uint16_t>(o.integer("port", Defaults::port));
    p.max_datagram_size = static_cast<size_t>(o.integer("max_datagram_size", 1432));
    p.flush_interval = std::chrono::milliseconds(o.integer("flush_interval_ms", 100));
    p.resolve_interval = std::chrono::milliseconds(o.integer("resolve_interval_ms", 30000));
    p.sender_queue_size =
        static_cast<size_t>(o.integer("sender_queue_size", Defaults::sender_queue_size_udp));
    p.shutdown_timeout = std::chrono::milliseconds(o.integer("shutdown_timeout_ms", 2000));
    wire::validate(p);
    pipeline_ = std::make_unique<wire::Pipeline>(p, wire::make_transport(p), ctx.host);
  }

  int32_t emit(const sdk::Sample& s) noexcept {
    const wire::MetricType type = to_type(s.kind());
    if (type != wire::MetricType::set) {
      // The daemon cannot read NaN or infinity, and refuses a negative timing.
      const bool timing =
          type == wire::MetricType::timing || type == wire::MetricType::distribution;
      if (!wire::is_writable(s.value()) || (timing && s.value() < 0)) [[unlikely]] {
        pipeline_->dropped(wire::DropReason::invalid_value);
        return METRICS_ERR_INVALID;
      }
    }
    if (tag_format_ == wire::TagFormat::none && s.raw().tag_count != 0) [[unlikely]]
      say_tags_dropped();
    wire::StatsdLine line;
    line.name = s.name();
    line.instance = s.instance();
    line.type = type;
    line.value = s.value();
    line.set_member = s.set_member();
    line.sample_rate = s.sample_rate();
    line.tags = s.raw().tags;
    line.tag_count = s.raw().tag_count;
    line.tag_format = tag_format_;
    return pipeline_->write(type, [&](wire::Writer& w) { wire::append_statsd(w, line); });
  }

  bool flush(std::chrono::milliseconds timeout) { return pipeline_->flush(timeout); }

 private:
  void say_tags_dropped() noexcept {
    if (told_.load(std::memory_order_relaxed) || told_.exchange(true)) return;
    host_.log(sdk::LogLevel::info,
              "metrics.statsd: tags are dropped because tag_format is none (plain statsd has "
              "no tags); set tag_format to graphite, influx or dogstatsd to keep them");
  }

  sdk::Host host_;
  wire::TagFormat tag_format_ = wire::TagFormat::none;
  std::atomic<bool> told_{false};
  std::unique_ptr<wire::Pipeline> pipeline_;
};

}  // namespace

METRICS_MODULE("metrics.statsd", "1.0.0", StatsdMetricsBackend)
