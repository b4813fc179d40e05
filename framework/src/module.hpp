// A loaded module: its shared library, its checked descriptor and its classes, copied into
// host-owned structs so that fields beyond a plugin's struct_size read as absent.
#pragma once

#include <metrics/abi.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace metrics::detail {

/// What tells one build of a file from another: device, inode, modification time, size.
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  int64_t mtime_ns = 0;
  int64_t size = 0;
  bool operator==(const FileIdentity&) const = default;
  bool exists() const noexcept { return inode != 0; }
};

/// The identity of `file` now; all zero when it does not exist.
FileIdentity identity_of(const std::filesystem::path& file) noexcept;

/// One backend class of a module, normalised to this host's struct layouts.
struct ClassInfo {
  std::string name;
  std::string summary;
  uint32_t capabilities = 0;
  std::vector<metrics_option_spec_t> options;  ///< zero-filled beyond the plugin's size
  metrics_backend_vtable_t vtable{};           ///< zero-filled beyond the plugin's size
};

class Module {
 public:
  /// Loads `file` and checks its handshake and descriptor; throws LoadError naming the
  /// file and what is wrong. A module already loaded from the same, unchanged file is
  /// shared; a file replaced on disk since is loaded afresh (a new build runs new code).
  static std::shared_ptr<Module> load(const std::filesystem::path& file);

  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& version() const noexcept { return version_; }
  const std::filesystem::path& file() const noexcept { return file_; }
  uint32_t abi_major() const noexcept { return abi_major_; }
  uint32_t abi_minor() const noexcept { return abi_minor_; }
  const std::vector<ClassInfo>& classes() const noexcept { return classes_; }
  const ClassInfo* find_class(std::string_view name) const noexcept;
  /// True when the file on disk is no longer the build that was loaded.
  bool file_changed() const noexcept { return identity_of(file_) != identity_; }
  std::vector<std::string> class_names() const;

  struct Library;  // the loaded shared object

 private:
  Module() = default;

  std::unique_ptr<Library> library_;
  std::filesystem::path file_;
  std::string name_;
  std::string version_;
  uint32_t abi_major_ = 0;
  uint32_t abi_minor_ = 0;
  FileIdentity identity_;
  std::vector<ClassInfo> classes_;
};

}  // namespace metrics::detail
