// metricsctl: check a config, list and describe plugins, send one metric.
#include <metrics/inspect.hpp>
#include <metrics/metrics.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(usage:
  metricsctl check FILE            parse, resolve, load and validate; print what would run
  metricsctl plugins [FILE]        every module on the search path, with its classes
  metricsctl describe NAME [FILE]  a backend class's options (type, default, description)
  metricsctl emit FILE KIND NAME VALUE [--tag k:v]... [--rate R] [--instance I] [--unit U]
                                   send one metric through the configured backend and flush
                                   KIND: incr | gauge | timing | distribution | set
)";

int usage_error(const std::string& why) {
  std::cerr << "metricsctl: " << why << "\n" << kUsage;
  return 2;
}

metrics::Config config_or_default(int argc, char** argv, int index) {
  return index < argc ? metrics::Config::from_file(argv[index]) : metrics::Config{};
}

int cmd_check(const std::string& file) {
  auto lines = metrics::inspect::check(metrics::Config::from_file(file));
  for (const auto& l : lines) std::cout << l << "\n";
  std::cout << "ok\n";
  return 0;
}

void print_option(const metrics::inspect::OptionInfo& o) {
  std::cout << "  " << o.name << " (" << o.type;
  if (o.required) std::cout << ", required";
  if (o.secret) std::cout << ", secret: may be \"env:VAR\"";
  std::cout << ")";
  if (!o.default_value.empty()) std::cout << " default " << o.default_value;
  if (o.range)
    std::cout << " range " << metrics::TagValue(o.range->first).to_string() << ".."
              << metrics::TagValue(o.range->second).to_string();
  if (!o.choices.empty()) {
    std::cout << " one of";
    for (const auto& c : o.choices) std::cout << " " << c;
  }
  std::cout << "\n      " << o.description << "\n";
}

int cmd_plugins(const metrics::Config& config) {
  auto modules = metrics::inspect::list_modules(config);
  if (modules.empty()) std::cout << "no modules found (set METRICS_PLUGIN_PATH or plugin_path)\n";
  for (const auto& m : modules) {
    std::cout << m.name;
    if (m.error.empty())
      std::cout << " " << m.version << " (ABI " << m.abi_major << "." << m.abi_minor << ")";
    std::cout << "  " << m.file << " [" << m.found_in << "]\n";
    if (!m.error.empty()) std::cout << "  cannot load: " << m.error << "\n";
    for (const auto& c : m.classes) std::cout << "  " << c.name << "  " << c.summary << "\n";
  }
  return 0;
}

int cmd_describe(const std::string& name, const metrics::Config& config) {
  auto c = metrics::inspect::describe(name, config);
  std::cout << c.name << "\n  " << c.summary << "\n";
  if (c.options.empty())
    std::cout << "no options\n";
  else
    std::cout << "options:\n";
  for (const auto& o : c.options) print_option(o);
  return 0;
}

bool parse_double(const std::string& text, double& out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc{} && r.ptr == text.data() + text.size();
}

int cmd_emit(int argc, char** argv) {
  if (argc < 6) return usage_error("emit needs FILE KIND NAME VALUE");
  const std::string file = argv[2], kind = argv[3], name = argv[4], value_text = argv[5];
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<double> rate;
  std::string instance, unit;
  for (int i = 6; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--tag") {
      std::string t = next();
      size_t colon = t.find(':');
      tags.emplace_back(t.substr(0, colon), colon == std::string::npos ? "" : t.substr(colon + 1));
    } else if (arg == "--rate") {
      double r = 0;
      if (!parse_double(next(), r) || r <= 0 || r > 1)
        return usage_error("--rate takes a number in (0, 1]");
      rate = r;
    } else if (arg == "--instance") {
      instance = next();
    } else if (arg == "--unit") {
      unit = next();
    } else {
      return usage_error("unknown argument '" + arg + "'");
    }
  }
  double value = 0;
  if (kind != "set" && !parse_double(value_text, value))
    return usage_error("VALUE '" + value_text + "' is not a number");

  metrics::Client client(metrics::Config::from_file(file));
  std::vector<metrics::Tag> tag_views;
  for (const auto& [k, v] : tags) tag_views.push_back({k, v});
  metrics::CallOptions opts{
      .tags = metrics::TagList(tag_views), .instance = instance, .sample_rate = rate, .unit = unit};
  if (kind == "incr")
    client.incr(name, value, opts);
  else if (kind == "gauge")
    client.gauge(name, value, opts);
  else if (kind == "timing")
    client.timing(name, value, opts);
  else if (kind == "distribution")
    client.distribution(name, value, opts);
  else if (kind == "set")
    client.set(name, std::string_view(value_text), opts);
  else
    return usage_error("unknown KIND '" + kind + "'");

  bool flushed = client.flush(std::chrono::seconds(10));
  auto t = client.telemetry();
  std::string backends;
  for (const auto& b : client.backend_names()) backends += (backends.empty() ? "" : ", ") + b;
  std::cout << kind << " " << name << " " << value_text << " -> " << backends << ": "
            << (t.sampled_out ? "sampled out"
                : t.emitted   ? "sent"
                              : "not sent")
            << (flushed ? ", flushed" : ", flush did not finish in 10 s") << "\n";
  for (const auto& [k, v] : t.counters)
    if (v != 0 && k != "calls" && k != "emitted") std::cout << "  " << k << " = " << v << "\n";
  return t.emitted > 0 || t.sampled_out > 0 ? (flushed ? 0 : 1) : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  const std::string cmd = argv[1];
  try {
    if (cmd == "check") {
      if (argc != 3) return usage_error("check takes one FILE");
      return cmd_check(argv[2]);
    }
    if (cmd == "plugins") return cmd_plugins(config_or_default(argc, argv, 2));
    if (cmd == "describe") {
      if (argc < 3) return usage_error("describe needs a NAME");
      return cmd_describe(argv[2], config_or_default(argc, argv, 3));
    }
    if (cmd == "emit") return cmd_emit(argc, argv);
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
      std::cout << kUsage;
      return 0;
    }
    return usage_error("unknown command '" + cmd + "'");
  } catch (const std::exception& e) {
    std::cerr << "metricsctl: " << e.what() << "\n";
    return 1;
  }
}
