#include "module.hpp"

#include <metrics/errors.hpp>

#include "names.hpp"

#include <boost/dll/shared_library.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>
#include <set>

namespace metrics::detail {

struct Module::Library {
  boost::dll::shared_library lib;
  std::filesystem::path private_copy;  // removed once the library is unloaded
  ~Library() {
    lib.unload();
    if (!private_copy.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(private_copy.parent_path(), ec);
    }
  }
};

namespace {

// Copies the first `size` bytes the plugin declared (never more than we know), leaving the
// rest zero: a field the plugin's struct does not have reads as absent.
template <class T>
T copy_sized(const T* from) {
  T to{};
  size_t n = std::min<size_t>(from->struct_size, sizeof(T));
  std::memcpy(static_cast<void*>(&to), from, n);
  to.struct_size = static_cast<uint32_t>(n);
  return to;
}

#define METRICS_SIZE_THROUGH(type, field) (offsetof(type, field) + sizeof(((type*)nullptr)->field))

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& why) {
  throw LoadError(file.string() + ": " + why);
}

struct CacheEntry {
  std::weak_ptr<Module> module;
  FileIdentity identity;
};
std::mutex g_cache_mutex;
std::map<std::filesystem::path, CacheEntry> g_cache;

void check_class(const std::filesystem::path& file, size_t index, const metrics_backend_class_t* c,
                 std::set<std::string>& seen, std::vector<ClassInfo>& out) {
  std::string where = "class #" + std::to_string(index);
  if (c == nullptr) fail(file, where + " is NULL");
  if (c->struct_size < METRICS_SIZE_THROUGH(metrics_backend_class_t, vtable))
    fail(file, where + ": struct_size " + std::to_string(c->struct_size) +
                   " is too small for a metrics_backend_class_t (needs at least " +
                   std::to_string(METRICS_SIZE_THROUGH(metrics_backend_class_t, vtable)) + ")");
  metrics_backend_class_t k = copy_sized(c);
  if (k.name == nullptr || !parse_backend_name(std::string("m.") + k.name))
    fail(file, where + ": the class name is missing or not an identifier");
  where = "class '" + std::string(k.name) + "'";
  if (!seen.insert(k.name).second) fail(file, where + " is declared twice");
  if (k.vtable == nullptr) fail(file, where + " has no function table");
  if (k.vtable->struct_size < METRICS_SIZE_THROUGH(metrics_backend_vtable_t, destroy))
    fail(file, where + ": function table struct_size " + std::to_string(k.vtable->struct_size) +
                   " is too small (create, emit and destroy are required)");
  ClassInfo info;
  info.name = k.name;
  info.summary = k.summary != nullptr ? k.summary : "";
  info.capabilities = k.capabilities;
  info.vtable = copy_sized(k.vtable);
  if (info.vtable.create == nullptr) fail(file, where + ": create is NULL");
  if (info.vtable.emit == nullptr) fail(file, where + ": emit is NULL");
  if (info.vtable.destroy == nullptr) fail(file, where + ": destroy is NULL");
  if (k.option_count > 0 && k.options == nullptr)
    fail(file,
         where + ": option_count is " + std::to_string(k.option_count) + " but options is NULL");
  std::set<std::string> option_names;
  for (size_t i = 0; i < k.option_count; ++i) {
    const metrics_option_spec_t* o = k.options[i];
    std::string ow = where + " option #" + std::to_string(i);
    if (o == nullptr) fail(file, ow + " is NULL");
    if (o->struct_size < METRICS_SIZE_THROUGH(metrics_option_spec_t, flags))
      fail(file, ow + ": struct_size " + std::to_string(o->struct_size) + " is too small");
    metrics_option_spec_t spec = copy_sized(o);
    if (spec.name == nullptr || !parse_backend_name(std::string("m.") + spec.name))
      fail(file, ow + ": the option name is missing or not an identifier");
    if (spec.type > METRICS_OPTION_TAGS)
      fail(file, where + " option '" + spec.name + "': unknown type " + std::to_string(spec.type));
    if (!option_names.insert(spec.name).second)
      fail(file, where + " option '" + spec.name + "' is declared twice");
    info.options.push_back(spec);
  }
  out.push_back(std::move(info));
}

}  // namespace

FileIdentity identity_of(const std::filesystem::path& file) noexcept {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return {};
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
          int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
          static_cast<int64_t>(st.st_size)};
}

std::shared_ptr<Module> Module::load(const std::filesystem::path& requested) {
  std::error_code ec;
  std::filesystem::path file = std::filesystem::absolute(requested, ec);
  if (ec) file = requested;
  FileIdentity identity = identity_of(file);
  if (identity.inode == 0) fail(file, "no such file");

  std::lock_guard lock(g_cache_mutex);
  auto cached = g_cache.find(file);
  bool loaded_elsewhere = false;
  if (cached != g_cache.end()) {
    if (auto alive = cached->second.module.lock()) {
      if (cached->second.identity == identity) return alive;
      loaded_elsewhere = true;  // replaced on disk while the old build is still in use
    }
  }

  auto library = std::make_unique<Library>();
  std::filesystem::path load_from = file;
  if (loaded_elsewhere) {
    // The dynamic loader hands back the already-loaded object for a path it knows, so a
    // new build at the same path is loaded from a private copy instead.
    char pattern[] = "/tmp/metrics-module-XXXXXX";
    if (char* dir = ::mkdtemp(pattern)) {
      load_from = std::filesystem::path(dir) / file.filename();
      std::filesystem::copy_file(file, load_from, ec);
      if (ec) fail(file, "cannot copy the new build aside to load it: " + ec.message());
      library->private_copy = load_from;
    }
  }
  try {
    library->lib.load(boost::dll::fs::path(load_from.string()),
                      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    fail(file, std::string("cannot load: ") + e.what());
  }
  if (!library->lib.has(METRICS_MODULE_ENTRY_SYMBOL)) {
    fail(file, "not a metrics module: it does not export '" METRICS_MODULE_ENTRY_SYMBOL
               "' (build it with metrics_add_plugin() and METRICS_MODULE)");
  }
  auto entry = library->lib.get<const metrics_module_descriptor_t*(uint32_t, uint32_t)>(
      METRICS_MODULE_ENTRY_SYMBOL);
  const metrics_module_descriptor_t* d = entry(METRICS_ABI_MAJOR, METRICS_ABI_MINOR);
  if (d == nullptr)
    fail(file, "the module refused this host (metrics ABI " + std::to_string(METRICS_ABI_MAJOR) +
                   "." + std::to_string(METRICS_ABI_MINOR) + ")");
  if (d->struct_size < METRICS_SIZE_THROUGH(metrics_module_descriptor_t, abi_minor))
    fail(file, "the module descriptor is too small to hold an ABI version");
  if (d->abi_major != METRICS_ABI_MAJOR) {
    fail(file, "built for metrics ABI " + std::to_string(d->abi_major) + "." +
                   std::to_string(d->abi_minor) + ", but this host speaks ABI " +
                   std::to_string(METRICS_ABI_MAJOR) + "." + std::to_string(METRICS_ABI_MINOR) +
                   "; rebuild the plugin against this SDK");
  }
  if (d->struct_size < METRICS_SIZE_THROUGH(metrics_module_descriptor_t, class_count))
    fail(file, "descriptor struct_size " + std::to_string(d->struct_size) + " is too small");
  metrics_module_descriptor_t desc = copy_sized(d);

  std::shared_ptr<Module> m(new Module);
  m->file_ = file;
  m->identity_ = identity;
  m->abi_major_ = desc.abi_major;
  m->abi_minor_ = desc.abi_minor;
  m->name_ = desc.module_name != nullptr ? desc.module_name : "";
  m->version_ = desc.module_version != nullptr ? desc.module_version : "";
  std::string expected = file.stem().string();
  if (m->name_ != expected)
    fail(file,
         "the file is named for module '" + expected + "' but declares module '" + m->name_ + "'");
  if (desc.class_count == 0 || desc.classes == nullptr) fail(file, "the module offers no classes");
  std::set<std::string> seen;
  for (size_t i = 0; i < desc.class_count; ++i)
    check_class(file, i, desc.classes[i], seen, m->classes_);
  m->library_ = std::move(library);
  g_cache[file] = CacheEntry{m, identity};
  return m;
}

Module::~Module() = default;

const ClassInfo* Module::find_class(std::string_view name) const noexcept {
  for (const auto& c : classes_)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> Module::class_names() const {
  std::vector<std::string> out;
  for (const auto& c : classes_) out.push_back(c.name);
  return out;
}

}  // namespace metrics::detail
