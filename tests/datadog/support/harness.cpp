#include "harness.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string_view>

#include "pki.hpp"

namespace dd_test {

namespace {

metrics_str_t str(const std::string& s) {
  return {s.data(), s.size()};
}

}  // namespace

OptionValues::OptionValues(const metrics_backend_class_t& klass, const OptionMap& overrides) {
  auto keep = [&](std::string s) -> const std::string& {
    strings_.push_back(std::make_unique<std::string>(std::move(s)));
    return *strings_.back();
  };
  for (size_t i = 0; i < klass.option_count; ++i) {
    const metrics_option_spec_t& spec = *klass.options[i];
    auto v = std::make_unique<metrics_option_value_t>();
    v->struct_size = sizeof(metrics_option_value_t);
    v->type = spec.type;
    v->name = str(keep(spec.name));
    auto it = overrides.find(spec.name);
    if (it != overrides.end()) {
      v->is_set = 1;
      v->from_config = 1;
      const OptionInput& in = it->second;
      if (auto* s = std::get_if<std::string>(&in)) v->string_value = str(keep(*s));
      if (auto* n = std::get_if<int64_t>(&in)) {
        v->int_value = *n;
        v->float_value = static_cast<double>(*n);
      }
      if (auto* d = std::get_if<double>(&in)) v->float_value = *d;
      if (auto* b = std::get_if<bool>(&in)) v->bool_value = *b ? 1 : 0;
      if (auto* tags = std::get_if<Tags>(&in)) {
        auto list = std::make_unique<std::vector<metrics_str_t>>();
        for (const auto& [k, val] : *tags) {
          list->push_back(str(keep(k)));
          list->push_back(str(keep(val)));
        }
        v->list_items = list->data();
        v->list_size = list->size();
        lists_.push_back(std::move(list));
      }
      if (spec.type == METRICS_OPTION_FLOAT && std::holds_alternative<int64_t>(in))
        v->type = METRICS_OPTION_FLOAT;
    } else if (spec.default_value != nullptr) {
      v->is_set = 1;
      const std::string d = spec.default_value;
      switch (spec.type) {
        case METRICS_OPTION_STRING:
          v->string_value = str(keep(d));
          break;
        case METRICS_OPTION_INT:
          v->int_value = std::stoll(d);
          break;
        case METRICS_OPTION_FLOAT:
          v->float_value = std::stod(d);
          break;
        case METRICS_OPTION_BOOL:
          v->bool_value = d == "true";
          break;
        default:
          v->is_set = 0;  // no list defaults in this schema
      }
    }
    pointers_.push_back(v.get());
    values_.push_back(std::move(v));
  }
  for (const auto& [name, value] : overrides) {
    bool known = false;
    for (size_t i = 0; i < klass.option_count; ++i)
      if (name == klass.options[i]->name) known = true;
    if (!known) throw std::logic_error("test asks for unknown option " + name);
  }
}

RecordingHost::RecordingHost() {
  api_.struct_size = sizeof(api_);
  api_.host_context = this;
  api_.log = &RecordingHost::log;
  api_.count = &RecordingHost::count;
}

void RecordingHost::log(void* ctx, uint32_t level, metrics_str_t message) {
  auto* self = static_cast<RecordingHost*>(ctx);
  std::lock_guard lock(self->mutex_);
  self->lines_.emplace_back(level, std::string(message.data, message.size));
}

void RecordingHost::count(void* ctx, metrics_str_t name, int64_t delta) {
  auto* self = static_cast<RecordingHost*>(ctx);
  std::lock_guard lock(self->mutex_);
  self->counters_[std::string(name.data, name.size)] += delta;
}

std::vector<std::pair<uint32_t, std::string>> RecordingHost::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::string RecordingHost::all_lines() const {
  std::string out;
  for (const auto& [level, line] : lines()) out += line + "\n";
  return out;
}

size_t RecordingHost::lines_containing(const std::string& text) const {
  size_t n = 0;
  for (const auto& [level, line] : lines())
    if (line.find(text) != std::string::npos) ++n;
  return n;
}

int64_t RecordingHost::counter(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second;
}

std::map<std::string, int64_t> RecordingHost::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

const metrics_module_descriptor_t& datadog_module() {
  static const metrics_module_descriptor_t* d = [] {
    const std::string path = std::string(METRICS_TEST_PLUGIN_DIR) + "/metrics.datadog.so";
    void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) throw std::runtime_error(std::string("dlopen failed: ") + ::dlerror());
    auto entry =
        reinterpret_cast<metrics_module_entry_fn>(::dlsym(lib, METRICS_MODULE_ENTRY_SYMBOL));
    if (entry == nullptr) throw std::runtime_error("no entry symbol in " + path);
    const metrics_module_descriptor_t* desc = entry(METRICS_ABI_MAJOR, METRICS_ABI_MINOR);
    if (desc == nullptr) throw std::runtime_error("entry returned NULL");
    return desc;
  }();
  return *d;
}

const metrics_backend_class_t& datadog_class() {
  const auto& m = datadog_module();
  for (size_t i = 0; i < m.class_count; ++i)
    if (std::string_view(m.classes[i]->name) == "DatadogMetricsBackend") return *m.classes[i];
  throw std::runtime_error("metrics.datadog exports no DatadogMetricsBackend");
}

Backend::Backend(const OptionMap& options, RecordingHost& host) : klass_(datadog_class()) {
  OptionValues values(klass_, options);
  metrics_create_args_t args{};
  args.struct_size = sizeof(args);
  const std::string class_name = klass_.name;
  args.class_name = str(class_name);
  args.options = values.data();
  args.option_count = values.size();
  args.host = host.api();
  char error[512] = {};
  int32_t rc = klass_.vtable->create(&args, &instance_, error, sizeof(error));
  if (rc != METRICS_OK) throw std::runtime_error(std::string("create failed: ") + error);
}

std::string Backend::create_error(const OptionMap& options, RecordingHost& host) {
  try {
    Backend b(options, host);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

Backend::~Backend() {
  if (instance_ != nullptr) klass_.vtable->destroy(instance_);
}

std::chrono::milliseconds Backend::destroy() {
  auto start = std::chrono::steady_clock::now();
  klass_.vtable->destroy(instance_);
  instance_ = nullptr;
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

int32_t Backend::emit(uint32_t kind, const std::string& name, double value, const Tags& tags,
                      double rate, const std::string& unit, const std::string& instance,
                      const std::string& member) {
  std::vector<metrics_tag_t> raw;
  for (const auto& [k, v] : tags) raw.push_back({str(k), str(v)});
  metrics_sample_t s{};
  s.struct_size = sizeof(s);
  s.kind = kind;
  s.name = str(name);
  s.value = value;
  s.sample_rate = rate;
  s.unit = str(unit);
  s.instance = str(instance);
  s.tags = raw.data();
  s.tag_count = raw.size();
  s.set_member = str(member);
  return klass_.vtable->emit(instance_, &s);
}

int32_t Backend::counter(const std::string& name, double value, const Tags& tags, double rate,
                         const std::string& instance) {
  return emit(METRICS_KIND_COUNTER, name, value, tags, rate, {}, instance, {});
}
int32_t Backend::gauge(const std::string& name, double value, const Tags& tags) {
  return emit(METRICS_KIND_GAUGE, name, value, tags, 1.0, {}, {}, {});
}
int32_t Backend::timing(const std::string& name, double ms, const Tags& tags) {
  return emit(METRICS_KIND_TIMING, name, ms, tags, 1.0, "millisecond", {}, {});
}
int32_t Backend::distribution(const std::string& name, double value, const Tags& tags,
                              const std::string& unit) {
  return emit(METRICS_KIND_DISTRIBUTION, name, value, tags, 1.0, unit, {}, {});
}
int32_t Backend::set(const std::string& name, const std::string& member, const Tags& tags) {
  return emit(METRICS_KIND_SET, name, 0, tags, 1.0, {}, {}, member);
}

int32_t Backend::event(const std::string& title, const std::string& text, const Tags& tags,
                       uint32_t alert_type, int64_t timestamp_unix_s) {
  std::vector<metrics_tag_t> raw;
  for (const auto& [k, v] : tags) raw.push_back({str(k), str(v)});
  metrics_event_t e{};
  e.struct_size = sizeof(e);
  e.alert_type = alert_type;
  e.title = str(title);
  e.text = str(text);
  e.tags = raw.data();
  e.tag_count = raw.size();
  e.timestamp_unix_s = timestamp_unix_s;
  return klass_.vtable->event(instance_, &e);
}

int32_t Backend::flush(std::chrono::milliseconds timeout) {
  return klass_.vtable->flush(instance_, timeout.count());
}

OptionMap test_options(const std::string& url) {
  return OptionMap{
      {"api_key", kApiKey},         {"url", url},
      {"ca_file", pki().ca_file},   {"host", std::string("test-host")},
      {"flush_interval_s", 3600.0},  // tests flush explicitly
      {"timeout_s", 2.0},           {"retry_base_s", 0.05},
      {"retry_max_s", 0.2},         {"max_retries", int64_t{3}},
      {"shutdown_timeout_s", 2.0},
  };
}

}  // namespace dd_test
