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

void make_ca_and_server(const std::string& dir, const std::string& name, std::string& ca,
                        std::string& cert, std::string& key) {
  const std::string p = dir + "/" + name;
  ca = p + "-ca.pem";
  cert = p + "-server.pem";
  key = p + "-server.key";
  const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  run("openssl req -x509 " + ec + " -keyout " + p + "-ca.key -out " + ca +
      " -days 2 -subj '/CN=metrics datadog test " + name + " CA'");
  run("openssl req " + ec + " -keyout " + key + " -out " + p + "-server.csr -subj '/CN=localhost'");
  {
    std::ofstream ext(p + "-ext.cnf");
    ext << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        << "basicConstraints=CA:FALSE\n"
        << "keyUsage=digitalSignature,keyEncipherment\n"
        << "extendedKeyUsage=serverAuth\n";
  }
  run("openssl x509 -req -in " + p + "-server.csr -CA " + ca + " -CAkey " + p +
      "-ca.key -CAcreateserial -out " + cert + " -days 2 -extfile " + p + "-ext.cnf");
}

Pki make() {
  char tmpl[] = "/tmp/metrics-datadog-pki-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("test PKI: mkdtemp failed");
  Pki p;
  p.dir = tmpl;
  make_ca_and_server(p.dir, "trusted", p.ca_file, p.server_cert, p.server_key);
  make_ca_and_server(p.dir, "rogue", p.rogue_ca_file, p.rogue_server_cert, p.rogue_server_key);
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
