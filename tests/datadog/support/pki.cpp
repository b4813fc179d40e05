#include "pki.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace dd_test {

namespace {

void run(const std::string& command) {
  std::string full = command + " >/dev/null 2>&1";
  if (std::system(full.c_str()) != 0)
    throw std::runtime_error("test PKI: command failed: " + command);
}

const std::string kEc = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

// A server certificate for `names` (a subjectAltName list) signed by the CA at `ca_prefix`.
void make_server(const std::string& ca_prefix, const std::string& p, const std::string& names,
                 std::string& cert, std::string& key) {
  cert = p + "-server.pem";
  key = p + "-server.key";
  run("openssl req " + kEc + " -keyout " + key + " -out " + p + "-server.csr -subj '/CN=server'");
  {
    std::ofstream ext(p + "-ext.cnf");
    ext << "subjectAltName=" << names << "\n"
        << "basicConstraints=CA:FALSE\n"
        << "keyUsage=digitalSignature,keyEncipherment\n"
        << "extendedKeyUsage=serverAuth\n";
  }
  run("openssl x509 -req -in " + p + "-server.csr -CA " + ca_prefix + "-ca.pem -CAkey " +
      ca_prefix + "-ca.key -CAcreateserial -out " + cert + " -days 2 -extfile " + p + "-ext.cnf");
}

void make_ca_and_server(const std::string& dir, const std::string& name, std::string& ca,
                        std::string& cert, std::string& key) {
  const std::string p = dir + "/" + name;
  ca = p + "-ca.pem";
  run("openssl req -x509 " + kEc + " -keyout " + p + "-ca.key -out " + ca +
      " -days 2 -subj '/CN=metrics datadog test " + name + " CA'");
  make_server(p, p, "DNS:localhost,IP:127.0.0.1", cert, key);
}

Pki make() {
  char tmpl[] = "/tmp/metrics-datadog-pki-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("test PKI: mkdtemp failed");
  Pki p;
  p.dir = tmpl;
  make_ca_and_server(p.dir, "trusted", p.ca_file, p.server_cert, p.server_key);
  make_ca_and_server(p.dir, "rogue", p.rogue_ca_file, p.rogue_server_cert, p.rogue_server_key);
  make_server(p.dir + "/trusted", p.dir + "/wrong-host", "DNS:other.example", p.wrong_host_cert,
              p.wrong_host_key);
  return p;
}

struct Holder {
  Pki pki = make();
  ~Holder() { std::system(("rm -rf '" + pki.dir + "'").c_str()); }
};

}  // namespace

const Pki& pki() {
  static Holder holder;
  return holder.pki;
}

}  // namespace dd_test
