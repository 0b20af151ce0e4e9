#!/usr/bin/env python3
"""Reads a Variables.dat the way the PXEThief family does, written from their public description
(docs/media.md, "Variables.dat"), not from CmTsMedia's writer:

  data = file[24:-8]; data = data[:len(data)//16*16]; AES-CBC, zero IV, no unpadding;
  text = data.decode('utf-16-le') (strict); text = text[:text.rfind('\\x00')];
  keep printable characters; parse the XML.

Key: CryptDeriveKey(SHA-1 of the UTF-16LE password, AES-128), the CryptoAPI rule. AES through the
openssl command line (Python's standard library has none).

  pxethief-read.py FILE [PASSWORD]   prints {"name": "value", ...} as JSON
"""
import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

DEFAULT_KEY = '{BAC6E688-DE21-4ABE-B7FB-C9F54E6DB664}'


def derive_key(password: str) -> bytes:
    digest = hashlib.sha1(password.encode('utf-16-le')).digest()
    ipad = bytes(b ^ 0x36 for b in digest.ljust(64, b'\0'))
    opad = bytes(b ^ 0x5C for b in digest.ljust(64, b'\0'))
    return (hashlib.sha1(ipad).digest() + hashlib.sha1(opad).digest())[:16]


def main() -> None:
    path = sys.argv[1]
    password = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else DEFAULT_KEY
    with open(path, 'rb') as f:
        f.seek(24)
        data = f.read()[:-8]
    data = data[:len(data) // 16 * 16]
    plain = subprocess.run(
        ['openssl', 'enc', '-d', '-aes-128-cbc', '-nopad', '-K', derive_key(password).hex(), '-iv', '0' * 32],
        input=data, stdout=subprocess.PIPE, check=True).stdout
    text = plain.decode('utf-16-le')
    text = text[:text.rfind('\x00')]
    text = ''.join(c for c in text if c.isprintable())
    root = ET.fromstring(text)
    print(json.dumps({var.get('name'): var.text or '' for var in root.iter('var')}))


main()
