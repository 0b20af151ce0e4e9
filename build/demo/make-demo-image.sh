#!/usr/bin/env bash
# make-demo-image.sh [OUT.wim]
#   default OUT: module/Demo/content/dp01/PS100005/boot.PS100005.wim
#
# Builds the demo boot image (docs/demo.md): a small LZX WIM whose tree has
# every path the media layout (docs/media.md "Sources") takes from a Windows PE boot image. The boot
# files are CmTsMedia's stand-ins from test/fixtures/boot (build/demo/make-stubs.sh);
# the other files are short text placeholders. It is NOT Windows PE.
#
# Needs wimtools (wimlib-imagex 1.13; Debian 12 package "wimtools"). Used only at
# development time: the engine reads the WIM with its own code.
#
# Deterministic as far as wimlib allows, checked by running it twice:
#   - every file and folder gets the mtime/atime 2020-01-01 00:00 UTC right before the
#     capture (wimlib records Linux mtime as creation and last-write time, atime as
#     last-access time); no UNIX data (--unix-data is off by default), no security
#     descriptors, one compression thread;
#   - the XML CREATIONTIME / LASTMODIFICATIONTIME (capture time) are set to the same
#     instant afterwards with wiminfo --image-property;
#   - wimlib gives every new WIM a random GUID (WIM header +0x18, 16 bytes, not
#     covered by any checksum without an integrity table): it is overwritten with
#     the fixed bytes "CMTS-DEMO-WIM-01".
# XML: NAME/DESCRIPTION below; WINDOWS/ARCH = 9 (PROCESSOR_ARCHITECTURE_AMD64, x64) and
# WINDOWS/INSTALLATIONTYPE = WindowsPE, which wimlib derives only from a real Windows
# image's registry and so are set explicitly; boot index 1 (--boot).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$REPO/module/Demo/content/dp01/PS100005/boot.PS100005.wim}"
STUBS="$REPO/test/fixtures/boot"
EPOCH=1577836800                                        # 2020-01-01 00:00:00 UTC
FILETIME=$(( (EPOCH + 11644473600) * 10000000 ))        # 100 ns since 1601-01-01
NAME="CmTsMedia demo boot image (x64)"
DESCRIPTION="Not Windows PE: CmTsMedia's demo boot image. Its boot files are CmTsMedia's own stand-ins, which print a line saying this is CmTsMedia demo media. See docs/demo.md."

for tool in wimcapture wiminfo; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-demo-image: missing $tool (Debian: wimtools)" >&2; exit 2; }
done
( cd "$STUBS" && sha256sum --quiet -c SHA256SUMS ) || { echo "make-demo-image: $STUBS does not match its SHA256SUMS; run make-stubs.sh" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
T="$TMP/tree"
mkdir -p "$T/Windows/Boot/PCAT" "$T/Windows/Boot/EFI" "$T/Windows/Boot/DVD/PCAT" \
         "$T/Windows/Boot/DVD/EFI/en-US" "$T/Windows/Boot/Fonts" "$T/Windows/System32"

# The stand-ins, under the names Windows PE gives the real files.
cp "$STUBS/etfsboot.com" "$T/Windows/Boot/DVD/PCAT/etfsboot.com"
cp "$STUBS/efisys.bin"   "$T/Windows/Boot/DVD/EFI/en-US/efisys.bin"   # real images keep it only in a language folder
cp "$STUBS/bootx64.efi"  "$T/Windows/Boot/EFI/bootmgfw.efi"    # -> efi\boot\bootx64.efi on the media
cp "$STUBS/bootx64.efi"  "$T/Windows/Boot/EFI/bootmgr.efi"     # -> bootmgr.efi
cp "$STUBS/bootmgr"      "$T/Windows/Boot/PCAT/bootmgr"        # -> bootmgr (BIOS boot of UFD+FORMAT disks)

placeholder() {  # FILE WHAT-THE-REAL-FILE-IS
  printf 'CmTsMedia demo boot image: placeholder for %s.\r\nThis is not Windows PE. See docs/demo.md in the CmTsMedia repository.\r\n' "$2" > "$1"
}
placeholder "$T/Windows/Boot/DVD/PCAT/BCD"      "the boot configuration data store of BIOS media (boot\\BCD)"
placeholder "$T/Windows/Boot/DVD/PCAT/boot.sdi" "boot.sdi, the ramdisk image of BIOS media (boot\\boot.sdi)"
placeholder "$T/Windows/Boot/DVD/EFI/BCD"       "the boot configuration data store of UEFI media (efi\\microsoft\\boot\\BCD)"
placeholder "$T/Windows/Boot/DVD/EFI/boot.sdi"  "boot.sdi, the ramdisk image of UEFI media"
placeholder "$T/Windows/Boot/Fonts/wgl4_boot.ttf" "wgl4_boot.ttf, a boot manager font"
placeholder "$T/Windows/System32/winpeshl.ini"  "winpeshl.ini, which tells Windows PE what to start (TsBootShell.exe on ConfigMgr boot images)"
cat > "$T/README.txt" <<'EOF'
CmTsMedia demo boot image
=========================

This WIM stands in for a ConfigMgr boot image (package PS100005 of the CmTsMedia demo
site) so that New-CMBootMedia can make real, bootable demo media without a ConfigMgr
site or the Windows ADK. It is NOT Windows PE and boots no operating system.

  Windows\Boot\DVD\PCAT\etfsboot.com   BIOS stand-in (CD): prints
                                       "CmTsMedia demo media (BIOS): this is not Windows PE"
  Windows\Boot\PCAT\bootmgr            BIOS stand-in (USB disk), loaded by CmTsMedia's own
                                       FAT32 boot sector: prints "CmTsMedia demo media
                                       (BIOS, USB disk): bootmgr stand-in, this is not Windows PE"
  Windows\Boot\EFI\bootmgfw.efi,       UEFI stand-in (x86-64): prints
  Windows\Boot\EFI\bootmgr.efi         "CmTsMedia demo media (UEFI): this is not Windows PE"
  Windows\Boot\DVD\EFI\en-US\efisys.bin FAT12 image with \EFI\BOOT\BOOTX64.EFI = that stand-in
  everything else                      text placeholders

Rebuild: build/demo/make-stubs.sh, then build/demo/make-demo-image.sh (docs/demo.md).
EOF
sed -i 's/$/\r/' "$T/README.txt"

find "$T" -exec touch -h -d "@$EPOCH" {} +
mkdir -p "$(dirname "$OUT")"
rm -f "$OUT"
wimcapture "$T" "$OUT" "$NAME" "$DESCRIPTION" --boot --compress=LZX --threads=1 \
  --image-property WINDOWS/ARCH=9 --image-property WINDOWS/INSTALLATIONTYPE=WindowsPE >/dev/null
hi=$(printf '0x%08X' $(( FILETIME >> 32 ))); lo=$(printf '0x%08X' $(( FILETIME & 0xFFFFFFFF )))
wiminfo "$OUT" 1 \
  --image-property CREATIONTIME/HIGHPART="$hi" --image-property CREATIONTIME/LOWPART="$lo" \
  --image-property LASTMODIFICATIONTIME/HIGHPART="$hi" --image-property LASTMODIFICATIONTIME/LOWPART="$lo" >/dev/null
printf 'CMTS-DEMO-WIM-01' | dd of="$OUT" bs=1 seek=24 conv=notrunc status=none   # header GUID (+0x18)

sha256sum "$OUT" | sed "s|$REPO/||"
ls -l "$OUT"
