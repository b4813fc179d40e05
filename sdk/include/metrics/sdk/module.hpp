// Turning plain C++ classes into an ABI module: the adapter and METRICS_MODULE.
//
// A backend class needs:
//   static constexpr const char* name;          // "JsonLinesBackend"
//   static constexpr const char* summary;       // one line
//   static constexpr metrics::sdk::Option options[] = {...};   // may be omitted
//   static constexpr uint32_t capabilities = METRICS_CAP_TAGS; // may be omitted
//   explicit T(const metrics::sdk::CreateContext&);            // may throw: create fails
//   void emit(const metrics::sdk::Sample&);                    // or return int32_t status
// and may have:
//   void flush(std::chrono::milliseconds timeout);   // negative: no limit; or return bool
//   void event(const metrics::sdk::Event&);
//
// Then, in one .cpp file of the module:
//   METRICS_MODULE("acme.jsonl", "1.0.0", JsonLinesBackend)
//
// Exceptions never cross the boundary: create turns one into an error message, the other
// entries into METRICS_ERR_INTERNAL, which the host counts and logs.
#pragma once

#include <metrics/abi.h>
#include <metrics/sdk/host.hpp>
#include <metrics/sdk/options.hpp>
#include <metrics/sdk/views.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string_view>
#include <type_traits>
#include <utility>

namespace metrics::sdk {

/// What a backend's constructor receives.
struct CreateContext {
  std::string_view class_name;
  Options options;
  Host host;
};

namespace details {

inline void write_error(char* buffer, size_t size, std::string_view message) noexcept {
  if (buffer == nullptr || size == 0) return;
  size_t n = message.size() < size - 1 ? message.size() : size - 1;
  std::memcpy(buffer, message.data(), n);
  buffer[n] = '\0';
}

template <class T>
concept HasOptions = requires {
  std::size(T::options);
};
template <class T>
concept HasCapabilities = requires {
  T::capabilities;
};
template <class T>
concept HasFlush = requires(T& t) {
  t.flush(std::chrono::milliseconds(0));
};
template <class T>
concept HasEvent = requires(T& t, const Event& e) {
  t.event(e);
};

template <class T>
constexpr size_t option_count() {
  if constexpr (HasOptions<T>)
    return std::size(T::options);
  else
    return 0;
}

template <class T, size_t... I>
constexpr std::array<const metrics_option_spec_t*, sizeof...(I)> option_pointers(
    std::index_sequence<I...>) {
  return {&T::options[I].spec...};
}

template <class Result>
int32_t to_status(Result&& r) noexcept {
  if constexpr (std::is_same_v<std::decay_t<Result>, bool>)
    return r ? METRICS_OK : METRICS_ERR_DROPPED;
  else
    return static_cast<int32_t>(r);
}

template <class T>
struct ClassAdapter {
  static int32_t create(const metrics_create_args_t* args, void** out, char* error,
                        size_t error_size) noexcept {
    try {
      CreateContext ctx{to_view(args->class_name), Options(args->options, args->option_count),
                        Host(args->host)};
      *out = new T(ctx);
      return METRICS_OK;
    } catch (const std::exception& e) {
      write_error(error, error_size, e.what());
      return METRICS_ERR_INVALID;
    } catch (...) {
      write_error(error, error_size, "create threw an exception that is not std::exception");
      return METRICS_ERR_INTERNAL;
    }
  }

  static int32_t emit(void* instance, const metrics_sample_t* sample) noexcept {
    try {
      using R = decltype(static_cast<T*>(instance)->emit(Sample(*sample)));
      if constexpr (std::is_void_v<R>) {
        static_cast<T*>(instance)->emit(Sample(*sample));
        return METRICS_OK;
      } else {
        return to_status(static_cast<T*>(instance)->emit(Sample(*sample)));
      }
    } catch (...) {
      return METRICS_ERR_INTERNAL;
    }
  }

  // flush and event are templates so that they are instantiated only for a class that
  // has them.
  template <class U = T>
  static int32_t flush(void* instance, int64_t timeout_ms) noexcept {
    try {
      auto timeout = std::chrono::milliseconds(timeout_ms);
      using R = decltype(static_cast<U*>(instance)->flush(timeout));
      if constexpr (std::is_void_v<R>) {
        static_cast<U*>(instance)->flush(timeout);
        return METRICS_OK;
      } else {
        auto r = static_cast<U*>(instance)->flush(timeout);
        if constexpr (std::is_same_v<R, bool>)
          return r ? METRICS_OK : METRICS_ERR_TIMEOUT;
        else
          return static_cast<int32_t>(r);
      }
    } catch (...) {
      return METRICS_ERR_INTERNAL;
    }
  }

  template <class U = T>
  static int32_t event(void* instance, const metrics_event_t* event) noexcept {
    try {
      using R = decltype(static_cast<U*>(instance)->event(Event(*event)));
      if constexpr (std::is_void_v<R>) {
        static_cast<U*>(instance)->event(Event(*event));
        return METRICS_OK;
      } else {
        return to_status(static_cast<U*>(instance)->event(Event(*event)));
      }
    } catch (...) {
      return METRICS_ERR_INTERNAL;
    }
  }

  static void destroy(void* instance) noexcept {
    try {
      delete static_cast<T*>(instance);
    } catch (...) {
    }
  }

  static constexpr metrics_backend_flush_fn flush_entry() {
    if constexpr (HasFlush<T>)
      return &flush<T>;
    else
      return nullptr;
  }
  static constexpr metrics_backend_event_fn event_entry() {
    if constexpr (HasEvent<T>)
      return &event<T>;
    else
      return nullptr;
  }

  static constexpr metrics_backend_vtable_t vtable{
      sizeof(metrics_backend_vtable_t), 0u, &create, &emit, flush_entry(), &destroy, event_entry(),
  };

  static constexpr auto options = option_pointers<T>(std::make_index_sequence<option_count<T>()>{});

  static constexpr uint32_t capabilities() {
    uint32_t caps = 0;
    if constexpr (HasCapabilities<T>) caps = T::capabilities;
    if constexpr (HasEvent<T>) caps |= METRICS_CAP_EVENTS;
    return caps;
  }

  static constexpr metrics_backend_class_t klass{
      sizeof(metrics_backend_class_t),
      capabilities(),
      T::name,
      T::summary,
      options.data(),
      options.size(),
      &vtable,
  };
};

template <class... Classes>
struct ModuleAdapter {
  static constexpr std::array<const metrics_backend_class_t*, sizeof...(Classes)> classes{
      &ClassAdapter<Classes>::klass...};

  static const metrics_module_descriptor_t* descriptor(const char* module_name,
                                                       const char* module_version) noexcept {
    static const metrics_module_descriptor_t d{
        sizeof(metrics_module_descriptor_t),
        METRICS_ABI_MAJOR,
        METRICS_ABI_MINOR,
        module_name,
        module_version,
        classes.data(),
        classes.size(),
    };
    return &d;
  }
};

}  // namespace details
}  // namespace metrics::sdk

/// Exports the module's entry symbol. Use once per shared object.
#define METRICS_MODULE(module_name, module_version, ...)                                    \
  extern "C" METRICS_ABI_EXPORT const metrics_module_descriptor_t* metrics_module_entry(    \
      uint32_t /*host_abi_major*/, uint32_t /*host_abi_minor*/) {                           \
    return ::metrics::sdk::details::ModuleAdapter<__VA_ARGS__>::descriptor(module_name,     \
                                                                           module_version); \
  }
