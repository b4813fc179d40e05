// Drives a backend module the way the host does: dlopen the shared object, find a class in
// its descriptor, build option values from the class's schema (defaults applied, overrides
// given by the test), and call create / emit / event / flush / destroy through the C table.
// The host services record what the plugin counts and logs.
#pragma once

#include <metrics/abi.h>

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace statsd_test {

using TagList = std::vector<std::pair<std::string, std::string>>;
using OptionValue = std::variant<std::string, int64_t, double, bool, TagList>;
using OptionMap = std::map<std::string, OptionValue>;

/// Host services that remember what they were told. Thread-safe.
struct RecordingHost {
  std::mutex mutex;
  std::map<std::string, int64_t> counts;
  std::vector<std::string> logs;
  metrics_host_api_t api{sizeof(metrics_host_api_t), 0, this, &log_cb, &count_cb};

  int64_t count(const std::string& name) {
    std::lock_guard<std::mutex> g(mutex);
    auto it = counts.find(name);
    return it == counts.end() ? 0 : it->second;
  }
  std::vector<std::string> log_lines() {
    std::lock_guard<std::mutex> g(mutex);
    return logs;
  }

 private:
  static void log_cb(void* ctx, uint32_t, metrics_str_t m) {
    auto* self = static_cast<RecordingHost*>(ctx);
    std::lock_guard<std::mutex> g(self->mutex);
    self->logs.emplace_back(m.data, m.size);
  }
  static void count_cb(void* ctx, metrics_str_t name, int64_t delta) {
    auto* self = static_cast<RecordingHost*>(ctx);
    std::lock_guard<std::mutex> g(self->mutex);
    self->counts[std::string(name.data, name.size)] += delta;
  }
};

/// A loaded module; stays loaded until destroyed.
class Module {
 public:
  explicit Module(const std::string& file) {
    handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
    auto entry =
        reinterpret_cast<metrics_module_entry_fn>(dlsym(handle_, METRICS_MODULE_ENTRY_SYMBOL));
    if (entry == nullptr) throw std::runtime_error("no entry symbol in " + file);
    descriptor_ = entry(METRICS_ABI_MAJOR, METRICS_ABI_MINOR);
    if (descriptor_ == nullptr) throw std::runtime_error("entry returned null in " + file);
  }
  ~Module() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const metrics_module_descriptor_t& descriptor() const { return *descriptor_; }
  const metrics_backend_class_t& klass(const std::string& name) const {
    for (size_t i = 0; i < descriptor_->class_count; ++i)
      if (name == descriptor_->classes[i]->name) return *descriptor_->classes[i];
    throw std::runtime_error("no class " + name);
  }

 private:
  void* handle_ = nullptr;
  const metrics_module_descriptor_t* descriptor_ = nullptr;
};

inline std::string plugin_file(const std::string& module) {
  return std::string(METRICS_TEST_PLUGIN_DIR) + "/" + module + ".so";
}

/// What one emit call carries.
struct SampleSpec {
  metrics_kind_t kind = METRICS_KIND_COUNTER;
  std::string name;
  double value = 1;
  double sample_rate = 1;
  TagList tags;
  std::string instance;
  std::string member;  // sets
  std::string unit;
};

struct EventSpec {
  std::string title;
  std::string text;
  metrics_alert_type_t alert_type = METRICS_ALERT_INFO;
  TagList tags;
  int64_t timestamp_unix_s = 0;
  bool low_priority = false;
  std::string hostname;
  std::string aggregation_key;
  std::string source_type_name;
};

inline metrics_str_t str(const std::string& s) {
  return {s.data(), s.size()};
}

/// One backend instance created through the class's function table.
class Instance {
 public:
  Instance(const metrics_backend_class_t& klass, const OptionMap& overrides) : klass_(klass) {
    std::string error;
    if (!try_create(overrides, error)) throw std::runtime_error(error);
  }
  /// Returns the create error instead of throwing.
  static std::string create_error(const metrics_backend_class_t& klass, const OptionMap& o) {
    Instance tmp(klass);
    std::string error;
    tmp.try_create(o, error);
    return error;
  }
  ~Instance() { destroy(); }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  int32_t emit(const SampleSpec& s) {
    std::vector<metrics_tag_t> tags;
    tags.reserve(s.tags.size());
    for (const auto& [k, v] : s.tags) tags.push_back({str(k), str(v)});
    metrics_sample_t raw{};
    raw.struct_size = sizeof raw;
    raw.kind = s.kind;
    raw.name = str(s.name);
    raw.value = s.value;
    raw.sample_rate = s.sample_rate;
    raw.unit = str(s.unit);
    raw.instance = str(s.instance);
    raw.tags = tags.data();
    raw.tag_count = tags.size();
    raw.set_member = str(s.member);
    return klass_.vtable->emit(instance_, &raw);
  }
  int32_t event(const EventSpec& e) {
    std::vector<metrics_tag_t> tags;
    for (const auto& [k, v] : e.tags) tags.push_back({str(k), str(v)});
    metrics_event_t raw{};
    raw.struct_size = sizeof raw;
    raw.alert_type = e.alert_type;
    raw.title = str(e.title);
    raw.text = str(e.text);
    raw.tags = tags.data();
    raw.tag_count = tags.size();
    raw.timestamp_unix_s = e.timestamp_unix_s;
    raw.priority = e.low_priority ? METRICS_PRIORITY_LOW : METRICS_PRIORITY_NORMAL;
    raw.hostname = str(e.hostname);
    raw.aggregation_key = str(e.aggregation_key);
    raw.source_type_name = str(e.source_type_name);
    return klass_.vtable->event(instance_, &raw);
  }
  int32_t flush(int64_t timeout_ms = 5000) { return klass_.vtable->flush(instance_, timeout_ms); }
  void destroy() {
    if (instance_ != nullptr) klass_.vtable->destroy(instance_);
    instance_ = nullptr;
  }
  RecordingHost& host() { return host_; }
  void* raw() { return instance_; }

 private:
  explicit Instance(const metrics_backend_class_t& klass) : klass_(klass) {}

  bool try_create(const OptionMap& overrides, std::string& error) {
    // Storage that lives until create returns.
    std::vector<metrics_option_value_t> values(klass_.option_count);
    std::vector<std::vector<metrics_str_t>> lists(klass_.option_count);
    std::vector<std::vector<std::string>> texts(klass_.option_count);
    for (const auto& [name, _] : overrides) {
      bool known = false;
      for (size_t i = 0; i < klass_.option_count; ++i)
        if (name == klass_.options[i]->name) known = true;
      if (!known) {
        error = "test asks for unknown option " + name;
        return false;
      }
    }
    for (size_t i = 0; i < klass_.option_count; ++i) {
      const metrics_option_spec_t& spec = *klass_.options[i];
      metrics_option_value_t& v = values[i];
      v.struct_size = sizeof v;
      v.type = spec.type;
      v.name = {spec.name, std::char_traits<char>::length(spec.name)};
      auto it = overrides.find(spec.name);
      if (it != overrides.end()) {
        v.is_set = 1;
        v.from_config = 1;
        const OptionValue& o = it->second;
        if (auto* s = std::get_if<std::string>(&o)) {
          texts[i].push_back(*s);
        } else if (auto* n = std::get_if<int64_t>(&o)) {
          v.int_value = *n;
          v.float_value = static_cast<double>(*n);
        } else if (auto* d = std::get_if<double>(&o)) {
          v.float_value = *d;
        } else if (auto* b = std::get_if<bool>(&o)) {
          v.bool_value = *b ? 1 : 0;
        } else if (auto* t = std::get_if<TagList>(&o)) {
          for (const auto& [k, val] : *t) {
            texts[i].push_back(k);
            texts[i].push_back(val);
          }
        }
      } else if (spec.default_value != nullptr) {
        v.is_set = 1;
        std::string d = spec.default_value;
        switch (spec.type) {
          case METRICS_OPTION_STRING:
            texts[i].push_back(d);
            break;
          case METRICS_OPTION_INT:
            v.int_value = std::strtoll(d.c_str(), nullptr, 10);
            break;
          case METRICS_OPTION_FLOAT:
            v.float_value = std::strtod(d.c_str(), nullptr);
            break;
          case METRICS_OPTION_BOOL:
            v.bool_value = d == "true";
            break;
          default:
            v.is_set = 0;
            break;  // lists: tests give them explicitly
        }
      }
      for (const auto& t : texts[i]) lists[i].push_back(str(t));
      if (spec.type == METRICS_OPTION_STRING && !texts[i].empty()) v.string_value = lists[i][0];
      if (spec.type == METRICS_OPTION_TAGS || spec.type == METRICS_OPTION_STRING_LIST) {
        v.list_items = lists[i].data();
        v.list_size = lists[i].size();
      }
    }
    std::vector<const metrics_option_value_t*> pointers;
    for (auto& v : values) pointers.push_back(&v);
    metrics_create_args_t args{};
    args.struct_size = sizeof args;
    args.class_name = {klass_.name, std::char_traits<char>::length(klass_.name)};
    args.options = pointers.data();
    args.option_count = pointers.size();
    args.host = &host_.api;
    char buffer[512] = {};
    int32_t rc = klass_.vtable->create(&args, &instance_, buffer, sizeof buffer);
    if (rc != METRICS_OK) {
      error = buffer;
      instance_ = nullptr;
      return false;
    }
    return true;
  }

  const metrics_backend_class_t& klass_;
  RecordingHost host_;
  void* instance_ = nullptr;
};

}  // namespace statsd_test
