// metrics.logging.LoggingBackend: every operation as a log line through spdlog, like
// Sentry's LoggingBackend writing to the `sentry.metrics` logger.
#include <metrics/sdk.hpp>

#include "line_format.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace {

constexpr const char* kLevels[] = {"trace", "debug", "info", "warn", "error", nullptr};
constexpr const char* kFormats[] = {"text", "json", nullptr};
constexpr const char* kSinks[] = {"auto", "stdout", "stderr", "file", nullptr};

class LoggingBackend {
 public:
  static constexpr const char* name = "LoggingBackend";
  static constexpr const char* summary = "Writes every metric as a log line through spdlog";
  static constexpr uint32_t capabilities = METRICS_CAP_TAGS;
  static constexpr metrics::sdk::Option options[] = {
      metrics::sdk::string_option("level", "debug", "Level of the lines written").one_of(kLevels),
      metrics::sdk::string_option("format", "text", "'text' lines, or 'json' objects, one per line")
          .one_of(kFormats),
      metrics::sdk::string_option(
          "sink", "auto",
          "'auto': the application's spdlog logger named by logger_name if registered, else "
          "stdout; or 'stdout', 'stderr', 'file'")
          .one_of(kSinks),
      metrics::sdk::string_option("file", nullptr, "Path of the log file, with sink = 'file'"),
      metrics::sdk::string_option("pattern", "[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v",
                                  "spdlog pattern of the backend's own logger"),
      metrics::sdk::string_option("logger_name", "metrics",
                                  "The registered spdlog logger that 'auto' writes to"),
  };

  explicit LoggingBackend(const metrics::sdk::CreateContext& ctx)
      : json_(ctx.options.string("format") == "json"),
        level_(spdlog::level::from_str(ctx.options.string("level"))) {
    const std::string sink = ctx.options.string("sink");
    const std::string logger_name = ctx.options.string("logger_name");
    if (sink == "auto") logger_ = spdlog::get(logger_name);
    if (logger_ == nullptr) {
      spdlog::sink_ptr s;
      if (sink == "file") {
        if (!ctx.options.has("file"))
          throw std::invalid_argument("sink = 'file' needs the option 'file'");
        s = std::make_shared<spdlog::sinks::basic_file_sink_mt>(ctx.options.string("file"));
      } else if (sink == "stderr") {
        s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
      } else {
        s = std::make_shared<spdlog::sinks::stdout_sink_mt>();
      }
      // Our own logger is not registered: the name stays the application's.
      logger_ = std::make_shared<spdlog::logger>(logger_name, std::move(s));
      logger_->set_pattern(ctx.options.string("pattern"));
      logger_->set_level(level_);
      logger_->flush_on(level_);
    }
  }

  void emit(const metrics::sdk::Sample& s) {
    if (!logger_->should_log(level_)) return;
    std::string line;
    line.reserve(128);
    if (json_)
      metrics::logging::append_json(line, s);
    else
      metrics::logging::append_text(line, s);
    logger_->log(level_, "{}", line);
  }

  void event(const metrics::sdk::Event& e) {
    if (!logger_->should_log(level_)) return;
    std::string line;
    if (json_)
      metrics::logging::append_json(line, e);
    else
      metrics::logging::append_text(line, e);
    logger_->log(level_, "{}", line);
  }

  void flush(std::chrono::milliseconds) { logger_->flush(); }

 private:
  bool json_;
  spdlog::level::level_enum level_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace

METRICS_MODULE("metrics.logging", "1.0.0", LoggingBackend)
