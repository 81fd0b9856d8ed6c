"""A small certificate authority made with the `openssl` command line, for TLS
tests: `openssl ca` keeps an index, so certificates can be revoked and a CRL
generated (`openssl ca -revoke`, `openssl ca -gencrl`). EC P-256 keys keep it fast."""
import os
import re
import subprocess

_CA_CONF = """[ ca ]
default_ca = CA_default
[ CA_default ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 30
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = copy
[ policy_any ]
countryName = optional
organizationName = optional
commonName = supplied
"""


def openssl(*args, cwd):
    p = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True, timeout=60)
    assert p.returncode == 0, "openssl %s failed: %s" % (" ".join(args), p.stderr.decode(errors="replace"))
    return p.stdout


class Ca:
    """A CA in directory `d`: ca.pem / ca.key, certificates <name>.pem / <name>.key, crl.pem."""

    def __init__(self, d, name="ca"):
        self.dir = d
        os.makedirs(os.path.join(d, "newcerts"), exist_ok=True)
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("1000\n")
        with open(os.path.join(d, "crlnumber"), "w") as f:
            f.write("1000\n")
        self.conf = os.path.join(d, "ca.cnf")
        with open(self.conf, "w") as f:
            f.write(_CA_CONF.format(dir=d))
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=" + name, cwd=d)

    def path(self, f):
        return os.path.join(self.dir, f)

    def issue(self, name, subject=None, san=None, enddate=None):
        """Signs a new key's certificate; returns (cert path, key path). `enddate`
        ("20301231235959Z"): its notAfter, instead of the CA config's default days."""
        args = ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject or "/CN=" + name]
        if san:
            args += ["-addext", "subjectAltName=" + san]
        openssl(*args, cwd=self.dir)
        ca_args = ["-enddate", enddate] if enddate else []
        openssl("ca", "-batch", "-notext", "-config", self.conf, "-in", name + ".csr", "-out", name + ".pem",
                *ca_args, cwd=self.dir)
        return self.path(name + ".pem"), self.path(name + ".key")

    def revoke(self, name):
        openssl("ca", "-config", self.conf, "-revoke", name + ".pem", cwd=self.dir)

    def gencrl(self, out="crl.pem"):
        openssl("ca", "-config", self.conf, "-gencrl", "-out", out, cwd=self.dir)
        return self.path(out)

    def der(self, name):
        return openssl("x509", "-in", name + ".pem", "-outform", "DER", cwd=self.dir)


def served_subject(port, cafile, *extra):
    """Handshakes with `openssl s_client` and returns the subject of the certificate the server sent
    ("CN = server-a"). s_client ends at stdin's EOF once the handshake is done."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", cafile] + list(extra),
                       input=b"", capture_output=True, timeout=20)
    out = p.stdout.decode(errors="replace")
    m = re.search(r"^subject=(.*)$", out, re.M)
    assert m, "no server certificate in s_client's output:\n%s\n%s" % (out, p.stderr.decode(errors="replace"))
    return m.group(1).strip()


def s_client_until_closed(port, cafile, cert, key):
    """Handshakes with a client certificate and keeps reading (-ign_eof) until the server closes:
    a refused certificate ends with the server's alert, which the output names (also in TLS 1.3,
    where the server judges the client certificate after the client thinks it is done)."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", cafile,
                        "-cert", cert, "-key", key, "-ign_eof"], input=b"", capture_output=True, timeout=20)
    return (p.stdout + p.stderr).decode(errors="replace")
