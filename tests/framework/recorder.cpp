#include "recorder.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <string_view>

#include <atomic>

namespace metrics::test {

std::string RecordedSample::tags_text() const {
  std::string out;
  for (const auto& [k, v] : tags) {
    if (!out.empty()) out += ',';
    out += k + ":" + v;
  }
  return out;
}

Recorder& Recorder::instance() {
  static Recorder r;
  return r;
}
void Recorder::add(RecordedSample s) {
  std::lock_guard lock(mutex_);
  samples_.push_back(std::move(s));
}
void Recorder::add(RecordedEvent e) {
  std::lock_guard lock(mutex_);
  events_.push_back(std::move(e));
}
std::vector<RecordedSample> Recorder::samples() {
  std::lock_guard lock(mutex_);
  return samples_;
}
std::vector<RecordedEvent> Recorder::events() {
  std::lock_guard lock(mutex_);
  return events_;
}
void Recorder::clear() {
  std::lock_guard lock(mutex_);
  samples_.clear();
  events_.clear();
}

std::string config_for(const std::string& backend, const std::string& extra,
                       const std::string& options) {
  std::string text = "[metrics]\nbackend = \"" + backend + "\"\nplugin_path = [\"" +
                     METRICS_TEST_FIXTURE_PLUGIN_DIR + "\"]\n" + extra + "\n";
  if (!options.empty()) text += "[metrics.options]\n" + options + "\n";
  return text;
}

metrics::Client recording_client(const std::string& extra) {
  return metrics::Client(metrics::Config::from_string(
      config_for("test.recording.RecordingBackend", extra), "recording.toml"));
}

metrics::Config counting_config(const std::string& label) {
  return metrics::Config::from_string(
      config_for("test.recording.CountingBackend", "[metrics.tags]\nside = \"" + label + "\""),
      "counting.toml");
}

std::vector<RecordedSample> record(const std::function<void()>& calls) {
  RecorderScope rec;
  calls();
  return rec.samples();
}

void check_same_samples(const std::vector<RecordedSample>& a,
                        const std::vector<RecordedSample>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("sample " << i << " (" << a[i].name << ")");
    CHECK(a[i].kind == b[i].kind);
    CHECK(a[i].name == b[i].name);
    CHECK(a[i].value == b[i].value);
    CHECK(a[i].sample_rate == b[i].sample_rate);
    CHECK(a[i].unit == b[i].unit);
    CHECK(a[i].instance == b[i].instance);
    CHECK(a[i].member == b[i].member);
    CHECK(a[i].tags_text() == b[i].tags_text());
  }
}

}  // namespace metrics::test

namespace {
std::string view(metrics_str_t s) {
  return std::string(s.data != nullptr ? s.data : "", s.size);
}
}  // namespace

extern "C" __attribute__((visibility("default"))) void metrics_test_record(
    const char* backend, const metrics_sample_t* s) {
  metrics::test::RecordedSample r;
  r.backend = backend;
  r.kind = s->kind;
  r.name = view(s->name);
  r.value = s->value;
  r.sample_rate = s->sample_rate;
  r.unit = view(s->unit);
  r.instance = view(s->instance);
  r.member = view(s->set_member);
  for (size_t i = 0; i < s->tag_count; ++i)
    r.tags.emplace_back(view(s->tags[i].key), view(s->tags[i].value));
  metrics::test::Recorder::instance().add(std::move(r));
}

namespace metrics::test {
std::atomic<int64_t> g_counted{0};
std::function<void(std::string_view)> g_reenter;
}  // namespace metrics::test
extern "C" __attribute__((visibility("default"))) void metrics_test_reenter(const char* name,
                                                                            size_t size) {
  if (metrics::test::g_reenter) metrics::test::g_reenter(std::string_view(name, size));
}
extern "C" __attribute__((visibility("default"))) void metrics_test_count(int64_t value) {
  metrics::test::g_counted.fetch_add(value, std::memory_order_relaxed);
}

extern "C" __attribute__((visibility("default"))) void metrics_test_record_event(
    const char* backend, const metrics_event_t* e) {
  metrics::test::RecordedEvent r;
  r.backend = backend;
  r.title = view(e->title);
  r.text = view(e->text);
  r.alert_type = e->alert_type;
  for (size_t i = 0; i < e->tag_count; ++i)
    r.tags.emplace_back(view(e->tags[i].key), view(e->tags[i].value));
  metrics::test::Recorder::instance().add(std::move(r));
}
