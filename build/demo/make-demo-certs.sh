#!/bin/sh
# Makes the demo site's certificates (module/Demo/certs), referenced by module/Demo/site.json:
#   root-ca.cer       root CA, DER
#   mp01.cer          the demo management point's certificate, issued by the root CA, DER
#   site-signing.pem  the site server signing certificate, self-signed, PEM
# Fixed subjects, 100-year validity; the private keys are thrown away (the demo needs only the
# public certificates). The outputs are committed; rerun only to replace them. Needs OpenSSL 3.
set -eu
out="$(cd "$(dirname "$0")/../.." && pwd)/module/Demo/certs"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
days=36500

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days $days -sha256 \
  -subj "/O=CmTsMedia demo/CN=CmTsMedia Demo Root CA" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl x509 -in "$tmp/ca.pem" -outform DER -out "$out/root-ca.cer"

openssl req -newkey rsa:2048 -nodes -keyout "$tmp/mp.key" -out "$tmp/mp.csr" \
  -subj "/O=CmTsMedia demo/CN=MP01.cmtsmedia-demo.example" 2>/dev/null
printf 'subjectAltName=DNS:MP01.cmtsmedia-demo.example\nextendedKeyUsage=serverAuth\n' > "$tmp/mp.ext"
openssl x509 -req -in "$tmp/mp.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -set_serial 0x100005 -days $days -sha256 \
  -extfile "$tmp/mp.ext" -outform DER -out "$out/mp01.cer" 2>/dev/null

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ss.key" -out "$out/site-signing.pem" -days $days -sha256 \
  -subj "/O=CmTsMedia demo/CN=Site Server Signing Certificate PS1" 2>/dev/null

ls -l "$out"
