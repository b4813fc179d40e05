// Test module "test.recording": small real backends for the framework's tests.
//   RecordingBackend  hands every sample to metrics_test_record(), exported by the test
//                     executable, which keeps copies for assertions.
//   FailingBackend    refuses create with a reason.
//   ThrowingBackend   throws from emit (the SDK adapter must contain it).
//   SchemaBackend     has one option of every kind, for config error tests.
//   ReentrantBackend  records, then hands the sample's name to metrics_test_reenter(),
//                     through which a test makes metric calls from inside emit.
#include <metrics/sdk.hpp>

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace {

using RecordFn = void (*)(const char* backend, const metrics_sample_t* sample);
using RecordEventFn = void (*)(const char* backend, const metrics_event_t* event);
using CountFn = void (*)(int64_t value);
using ReenterFn = void (*)(const char* name, size_t size);

template <class Fn>
Fn lookup(const char* symbol) {
  auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, symbol));
  if (fn == nullptr)
    throw std::runtime_error(std::string("the test executable does not export ") + symbol);
  return fn;
}

class RecordingBackend {
 public:
  static constexpr const char* name = "RecordingBackend";
  static constexpr const char* summary = "Hands every sample to the test executable";
  static constexpr uint32_t capabilities = METRICS_CAP_TAGS;
  static constexpr metrics::sdk::Option options[] = {
      metrics::sdk::string_option("label", "recording", "Names this instance in the records"),
  };
  explicit RecordingBackend(const metrics::sdk::CreateContext& ctx)
      : label_(ctx.options.string("label")),
        record_(lookup<RecordFn>("metrics_test_record")),
        record_event_(lookup<RecordEventFn>("metrics_test_record_event")) {
    ctx.host.log(metrics::sdk::LogLevel::debug, "recording backend created: " + label_);
  }
  void emit(const metrics::sdk::Sample& s) { record_(label_.c_str(), &s.raw()); }
  void event(const metrics::sdk::Event& e) { record_event_(label_.c_str(), &e.raw()); }
  void flush(std::chrono::milliseconds) {}

 private:
  std::string label_;
  RecordFn record_;
  RecordEventFn record_event_;
};

class FailingBackend {
 public:
  static constexpr const char* name = "FailingBackend";
  static constexpr const char* summary = "Refuses to start";
  explicit FailingBackend(const metrics::sdk::CreateContext&) {
    throw std::runtime_error("cannot reach the collector at 10.0.0.1:9 (refused)");
  }
  void emit(const metrics::sdk::Sample&) {}
};

class ThrowingBackend {
 public:
  static constexpr const char* name = "ThrowingBackend";
  static constexpr const char* summary = "Throws from every emit";
  explicit ThrowingBackend(const metrics::sdk::CreateContext&) {}
  void emit(const metrics::sdk::Sample&) { throw std::runtime_error("emit exploded"); }
};

// Adds every counter value to one total in the test executable: cheap enough for
// several threads to hammer while backends are swapped.
class CountingBackend {
 public:
  static constexpr const char* name = "CountingBackend";
  static constexpr const char* summary = "Adds counter values to a total in the test executable";
  explicit CountingBackend(const metrics::sdk::CreateContext&)
      : count_(lookup<CountFn>("metrics_test_count")) {}
  void emit(const metrics::sdk::Sample& s) { count_(static_cast<int64_t>(s.value())); }

 private:
  CountFn count_;
};

// Refuses every sample as a full buffer would: counts the cause through the host and
// answers METRICS_ERR_DROPPED.
class DroppingBackend {
 public:
  static constexpr const char* name = "DroppingBackend";
  static constexpr const char* summary = "Drops everything, counting the cause";
  explicit DroppingBackend(const metrics::sdk::CreateContext& ctx) : host_(ctx.host) {}
  int32_t emit(const metrics::sdk::Sample&) {
    host_.count("dropped.test_full");
    return METRICS_ERR_DROPPED;
  }

 private:
  metrics::sdk::Host host_;
};

class ReentrantBackend {
 public:
  static constexpr const char* name = "ReentrantBackend";
  static constexpr const char* summary = "Records, then lets the test call metrics from emit";
  explicit ReentrantBackend(const metrics::sdk::CreateContext&)
      : record_(lookup<RecordFn>("metrics_test_record")),
        reenter_(lookup<ReenterFn>("metrics_test_reenter")) {}
  void emit(const metrics::sdk::Sample& s) {
    record_("reentrant", &s.raw());
    reenter_(s.raw().name.data, s.raw().name.size);
  }

 private:
  RecordFn record_;
  ReenterFn reenter_;
};

constexpr const char* kModes[] = {"fast", "safe", nullptr};

class SchemaBackend {
 public:
  static constexpr const char* name = "SchemaBackend";
  static constexpr const char* summary = "One option of every kind";
  static constexpr metrics::sdk::Option options[] = {
      metrics::sdk::string_option("host", "127.0.0.1", "Host name"),
      metrics::sdk::int_option("port", "8125", "Port").range(1, 65535),
      metrics::sdk::float_option("ratio", "0.5", "A ratio").range(0, 1),
      metrics::sdk::bool_option("enabled", "true", "On or off"),
      metrics::sdk::string_option("mode", "fast", "Mode").one_of(kModes),
      metrics::sdk::string_list_option("hosts", "[]", "More hosts"),
      metrics::sdk::tags_option("tags", "{}", "Constant tags"),
      metrics::sdk::string_option("api_key", nullptr, "The API key").required().secret(),
  };
  explicit SchemaBackend(const metrics::sdk::CreateContext& ctx)
      : record_(lookup<RecordFn>("metrics_test_record")) {
    // Report what arrived as one counter sample per option, so tests can check values.
    summary_ = ctx.options.string("host") + ":" + std::to_string(ctx.options.integer("port")) +
               " ratio=" + std::to_string(ctx.options.number("ratio")) +
               " enabled=" + (ctx.options.boolean("enabled") ? "true" : "false") +
               " mode=" + ctx.options.string("mode") + " key=" + ctx.options.string("api_key");
    for (const auto& h : ctx.options.strings("hosts")) summary_ += " host=" + h;
    for (const auto& [k, v] : ctx.options.tags("tags")) summary_ += " tag=" + k + ":" + v;
  }
  void emit(const metrics::sdk::Sample& s) {
    metrics_sample_t copy = s.raw();
    copy.set_member = {summary_.data(), summary_.size()};
    record_("schema", &copy);
  }

 private:
  RecordFn record_;
  std::string summary_;
};

}  // namespace

METRICS_MODULE("test.recording", "1.0.0", RecordingBackend, FailingBackend, ThrowingBackend,
               SchemaBackend, CountingBackend, DroppingBackend, ReentrantBackend)
