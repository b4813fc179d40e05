#include "backend.hpp"

#include "sender.hpp"

namespace metrics::datadog {

namespace {}  // namespace

DatadogMetricsBackend::DatadogMetricsBackend(const metrics::sdk::CreateContext& ctx)
    : DatadogMetricsBackend(settings_from_options(ctx.options), ctx.host) {}

DatadogMetricsBackend::DatadogMetricsBackend(const Settings& settings, metrics::sdk::Host host)
    : host_(host), aggregator_(settings.max_buffer_points, [this] {
        if (sender_) sender_->take_early();
      }) {
  sender_ = std::make_unique<Sender>(settings, host, aggregator_);
}

DatadogMetricsBackend::~DatadogMetricsBackend() {
  sender_.reset();  // delivers what is left within shutdown_timeout_s
}

int32_t DatadogMetricsBackend::emit(const metrics::sdk::Sample& sample) {
  if (aggregator_.add(sample)) return METRICS_OK;
  host_.count("dropped.buffer_full", 1);
  return METRICS_ERR_DROPPED;
}

bool DatadogMetricsBackend::flush(std::chrono::milliseconds timeout) {
  return sender_->flush(timeout);
}

void DatadogMetricsBackend::event(const metrics::sdk::Event& e) {
  EventData data;
  data.title = e.title();
  data.text = e.text();
  for (auto t : e.tags()) data.tags.emplace_back(t.key, t.value);
  data.alert_type = metrics::sdk::name_of(e.alert_type());
  data.priority = e.low_priority() ? "low" : "normal";
  data.timestamp = e.timestamp_unix_s();
  data.hostname = e.hostname();
  data.aggregation_key = e.aggregation_key();
  data.source_type_name = e.source_type_name();
  sender_->add_event(std::move(data));
}

int64_t DatadogMetricsBackend::queued_points() const noexcept {
  return sender_->queued_points();
}

}  // namespace metrics::datadog
