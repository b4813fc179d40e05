// Test certificates made during the run with the openssl command-line tool: a CA and a
// server certificate it signed (for localhost and 127.0.0.1), and a second, unrelated CA
// with its own server certificate (the one the backend must refuse).
#pragma once

#include <string>

namespace dd_test {

struct Pki {
  std::string dir;
  std::string ca_file;      // the CA the backend is told to trust
  std::string server_cert;  // signed by ca_file
  std::string server_key;
  std::string rogue_ca_file;  // another CA, not trusted
  std::string rogue_server_cert;
  std::string rogue_server_key;
  std::string wrong_host_cert;  // signed by ca_file, but for "other.example" only
  std::string wrong_host_key;
};

/// Made once per process, in a fresh temporary directory.
const Pki& pki();

}  // namespace dd_test
