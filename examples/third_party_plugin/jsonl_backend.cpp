// acme.jsonl.JsonLinesBackend: appends one JSON object per metric (and per event) to a
// file. A third-party backend written with nothing but the installed SDK:
//
//   [metrics]
//   backend = "acme.jsonl.JsonLinesBackend"
//   plugin_path = ["/where/acme.jsonl.so/is"]
//   [metrics.options]
//   path = "/var/log/app/metrics.jsonl"
//   flush_every = 100
//
// Each line looks like
//   {"kind":"counter","name":"shop.orders","value":1,"rate":1,"tags":{"region":"eu"}}
// with "unit", "instance" and "member" present only when the call gave them.
#include <metrics/sdk.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using metrics::sdk::append_json_string;  // from the SDK: escapes what JSON requires

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {  // JSON has no NaN or infinity
    out += "null";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  out.append(buf, ec == std::errc() ? end : buf);
}

void append_tags(std::string& out, const metrics::sdk::Tags& tags) {
  out += "\"tags\":{";
  bool first = true;
  for (auto [key, value] : tags) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':';
    append_json_string(out, value);
  }
  out += '}';
}

class JsonLinesBackend {
 public:
  static constexpr const char* name = "JsonLinesBackend";
  static constexpr const char* summary = "Appends one JSON object per metric to a file";
  static constexpr uint32_t capabilities = METRICS_CAP_TAGS;
  static constexpr metrics::sdk::Option options[] = {
      metrics::sdk::string_option("path", nullptr, "File the JSON lines are appended to")
          .required(),
      metrics::sdk::int_option("flush_every", "1", "Write the file out every N lines")
          .range(1, 1000000),
  };

  explicit JsonLinesBackend(const metrics::sdk::CreateContext& ctx)
      : path_(ctx.options.string("path")),
        flush_every_(ctx.options.integer("flush_every")),
        host_(ctx.host) {
    file_ = std::fopen(path_.c_str(), "a");
    if (file_ == nullptr)  // create fails; the host shows this reason to the operator
      throw std::runtime_error("cannot open '" + path_ +
                               "' for appending: " + std::strerror(errno));
    host_.log(metrics::sdk::LogLevel::info, "acme.jsonl: appending to " + path_);
  }
  ~JsonLinesBackend() {
    std::fclose(file_);  // flushes what is left
  }
  JsonLinesBackend(const JsonLinesBackend&) = delete;
  JsonLinesBackend& operator=(const JsonLinesBackend&) = delete;

  // Called from many threads at once: the line is built outside the lock.
  void emit(const metrics::sdk::Sample& s) {
    std::string line = "{\"kind\":\"";
    line += metrics::sdk::name_of(s.kind());
    line += "\",\"name\":";
    append_json_string(line, s.name());
    if (s.kind() == metrics::sdk::Kind::set) {
      line += ",\"member\":";
      append_json_string(line, s.set_member());
    } else {
      line += ",\"value\":";
      append_json_number(line, s.value());
    }
    line += ",\"rate\":";
    append_json_number(line, s.sample_rate());
    if (!s.unit().empty()) {
      line += ",\"unit\":";
      append_json_string(line, s.unit());
    }
    if (!s.instance().empty()) {
      line += ",\"instance\":";
      append_json_string(line, s.instance());
    }
    line += ',';
    append_tags(line, s.tags());
    line += "}\n";
    write(line);
  }

  void event(const metrics::sdk::Event& e) {
    std::string line = "{\"kind\":\"event\",\"title\":";
    append_json_string(line, e.title());
    line += ",\"text\":";
    append_json_string(line, e.text());
    line += ',';
    append_tags(line, e.tags());
    line += "}\n";
    write(line);
  }

  // A local file: the deadline is not needed.
  void flush(std::chrono::milliseconds) {
    std::lock_guard lock(mutex_);
    std::fflush(file_);
  }

 private:
  void write(const std::string& line) {
    std::lock_guard lock(mutex_);
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) {
      host_.count("acme.jsonl.write_failed");  // the host counts it and logs it, rate-limited
      host_.log(metrics::sdk::LogLevel::warn, "acme.jsonl: cannot write to " + path_);
      return;
    }
    if (++unflushed_ >= flush_every_) {
      std::fflush(file_);
      unflushed_ = 0;
    }
  }

  std::string path_;
  int64_t flush_every_;
  metrics::sdk::Host host_;
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  int64_t unflushed_ = 0;
};

}  // namespace

METRICS_MODULE("acme.jsonl", "1.0.0", JsonLinesBackend)
