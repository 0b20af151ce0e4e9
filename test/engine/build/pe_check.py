"""Independent check of the win-x64 single executable with Debian's python3-pefile.

Usage: /usr/bin/python3 pe_check.py ENGINE.exe BUNDLE.cjs -> one JSON object on stdout.
Reports the PE header facts, the RT_RCDATA/NODE_SEA_BLOB resource (whether it holds the bundle's
text), the SEA fuse state and the Authenticode security directory.
"""
import json
import sys

import pefile

FUSE = b"NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:"

exe_path, bundle_path = sys.argv[1], sys.argv[2]
with open(exe_path, "rb") as f:
    data = f.read()
with open(bundle_path, "rb") as f:
    bundle = f.read()

pe = pefile.PE(data=data, fast_load=True)
pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]])

blob = None
resources = getattr(pe, "DIRECTORY_ENTRY_RESOURCE", None)
for rtype in resources.entries if resources else []:
    if rtype.id != pefile.RESOURCE_TYPE["RT_RCDATA"]:
        continue
    for entry in rtype.directory.entries:
        if entry.name is not None and str(entry.name) == "NODE_SEA_BLOB":
            lang = entry.directory.entries[0]
            blob = pe.get_data(lang.data.struct.OffsetToData, lang.data.struct.Size)

fuse_at = data.find(FUSE)
security = pe.OPTIONAL_HEADER.DATA_DIRECTORY[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_SECURITY"]]
print(json.dumps({
    "machine": pe.FILE_HEADER.Machine,
    "optionalMagic": pe.OPTIONAL_HEADER.Magic,
    "subsystem": pe.OPTIONAL_HEADER.Subsystem,
    "dll": bool(pe.FILE_HEADER.Characteristics & 0x2000),
    "seaBlobBytes": None if blob is None else len(blob),
    "seaBlobHasBundle": blob is not None and bundle in blob,
    "fuse": None if fuse_at < 0 else data[fuse_at + len(FUSE):fuse_at + len(FUSE) + 1].decode(),
    "securityDirBytes": security.Size,
}))
