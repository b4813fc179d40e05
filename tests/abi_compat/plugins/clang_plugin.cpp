// Test module "test.clangbuilt": a C++ plugin written with the SDK helpers and compiled by
// clang++ (a custom command, not this build's compiler), loaded into the gcc-built host.
// Every call is reported back through abi_compat_probe() as text.
#include <metrics/sdk.hpp>

#ifndef __clang__
#error "test.clangbuilt must be compiled by clang++"
#endif

#include "probe.h"

#include <string>

namespace {

class ClangBackend {
 public:
  static constexpr const char* name = "ClangBackend";
  static constexpr const char* summary = "Built by clang++, reports what it receives";
  static constexpr uint32_t capabilities = METRICS_CAP_TAGS;
  static constexpr metrics::sdk::Option options[] = {
      metrics::sdk::string_option("label", "clang", "Names the instance"),
      metrics::sdk::int_option("port", "8125", "An int").range(1, 65535),
      metrics::sdk::float_option("ratio", "0.25", "A float").range(0, 1),
      metrics::sdk::bool_option("enabled", "false", "A bool"),
      metrics::sdk::string_list_option("hosts", "[]", "A list"),
      metrics::sdk::tags_option("tags", "{}", "A tag set"),
      metrics::sdk::string_option("token", nullptr, "A secret").secret(),
  };

  explicit ClangBackend(const metrics::sdk::CreateContext& ctx)
      : label_(ctx.options.string("label")) {
    std::string line = "clang create compiler=clang" + std::to_string(__clang_major__) +
                       " class=" + std::string(ctx.class_name) + " label=" + label_ +
                       " port=" + std::to_string(ctx.options.integer("port")) +
                       " ratio=" + std::to_string(ctx.options.number("ratio")) +
                       " enabled=" + (ctx.options.boolean("enabled") ? "true" : "false") +
                       " hosts=";
    for (const auto& h : ctx.options.strings("hosts")) line += h + "|";
    line += " tags=";
    for (const auto& [k, v] : ctx.options.tags("tags")) line += k + ":" + v + "|";
    line += " token=" + ctx.options.string("token", "<none>");
    probe_send(line.c_str());
    ctx.host.count("clang.created");
  }
  ~ClangBackend() { probe_send("clang destroy"); }

  void emit(const metrics::sdk::Sample& s) {
    char line[512];
    probe_format_sample(line, sizeof line, label_.c_str(), &s.raw());
    probe_send(line);
  }
  void event(const metrics::sdk::Event& e) {
    std::string line = "clang event title=" + std::string(e.title()) +
                       " text=" + std::string(e.text()) +
                       " alert=" + std::to_string(static_cast<uint32_t>(e.alert_type())) + " tags=";
    for (auto [k, v] : e.tags()) line += std::string(k) + ":" + std::string(v) + ",";
    probe_send(line.c_str());
  }
  bool flush(std::chrono::milliseconds) {
    probe_send("clang flush");
    return true;
  }

 private:
  std::string label_;
};

}  // namespace

METRICS_MODULE("test.clangbuilt", "1.0.0", ClangBackend)
