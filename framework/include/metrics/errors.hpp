// Exceptions the framework throws at set-up time (never from a metric call).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace metrics {

/// Base of every framework error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where in a config file something is. line and column count from 1; 0 means unknown.
struct SourcePosition {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

/// A config file that cannot be used. what() reads
/// "config/app.toml:12:8: metrics.options.port: expected an integer, saw a string".
class ConfigError : public Error {
 public:
  ConfigError(SourcePosition where, std::string key, std::string reason);
  const SourcePosition& where() const noexcept { return where_; }
  /// Dotted path of the key at fault, e.g. "metrics.options.port"; may be empty.
  const std::string& key() const noexcept { return key_; }
  /// The message without position and key.
  const std::string& reason() const noexcept { return reason_; }

 private:
  SourcePosition where_;
  std::string key_;
  std::string reason_;
};

/// A backend that cannot be loaded or created: bad module file, ABI mismatch, create
/// refused by the plugin.
class LoadError : public Error {
 public:
  using Error::Error;
};

}  // namespace metrics
