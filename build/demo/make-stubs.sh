#!/usr/bin/env bash
# make-stubs.sh [OUTDIR]   (default: test/fixtures/boot)
#
# Builds CmTsMedia's own boot stand-ins for the demo media (docs/demo.md):
#   etfsboot.com  4096 B   El Torito no-emulation BIOS image, also a valid MBR   (src/bios-stub.S)
#   bootx64.efi   ~3 KiB   x86-64 UEFI application, PE32+ subsystem 10           (src/uefi-stub.S)
#   efisys.bin    1440 KiB FAT12 image holding \EFI\BOOT\BOOTX64.EFI = bootx64.efi
#   bootmgr       12 KiB   16-bit program run at 2000:0000, the BIOS \bootmgr of USB disks  (src/bootmgr-stub.S)
#   SHA256SUMS
# efisys.bin has the size of Microsoft's (a 1.44 MB floppy layout, 2880 x 512-byte
# sectors): the El Torito UEFI entry then carries the same sector count as on real
# Windows media, and OVMF mounts it as the EFI system partition of the CD.
#
# Needs only binutils (as; ld with the i386pep emulation, as Debian's has),
# dosfstools (mkfs.fat) and mtools (mmd, mcopy). Byte-reproducible: ld without
# a PE timestamp (-s --no-insert-timestamp), mkfs.fat --invariant with a fixed
# volume id, SOURCE_DATE_EPOCH for mtools' directory entries and a fixed mtime
# on the copied file. SHA256SUMS was made with binutils 2.40, dosfstools 4.2,
# mtools 4.0.32 (Debian 12); test/engine/demo/stubs.test.ts rebuilds and compares.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/../../test/fixtures/boot}"
EPOCH=1577836800                               # 2020-01-01 00:00:00 UTC
EFISYS_KIB=1440

need() { command -v "$1" >/dev/null 2>&1 || { echo "make-stubs: missing $1 ($2)" >&2; exit 2; }; }
need as binutils; need ld binutils; need mkfs.fat dosfstools; need mmd mtools; need mcopy mtools
ld -V | grep -qw i386pep || { echo "make-stubs: this ld has no i386pep (PE32+) emulation" >&2; exit 2; }

mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# 1. BIOS: flat binary linked at 0000:7C00, exactly 8 x 512 bytes
as --32 -I "$HERE/src" -o "$TMP/bios.o" "$HERE/src/bios-stub.S"
ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$TMP/etfsboot.com" "$TMP/bios.o"
size=$(stat -c %s "$TMP/etfsboot.com")
[ "$size" -eq 4096 ] || { echo "make-stubs: etfsboot.com is $size bytes, expected 4096" >&2; exit 1; }

# 1b. BIOS bootmgr: flat binary run at 2000:0000 (offset 0), exactly 24 x 512 bytes
as --32 -I "$HERE/src" -o "$TMP/bootmgr.o" "$HERE/src/bootmgr-stub.S"
ld -m elf_i386 -Ttext 0 --oformat binary -o "$TMP/bootmgr" "$TMP/bootmgr.o"
size=$(stat -c %s "$TMP/bootmgr")
[ "$size" -eq 12288 ] || { echo "make-stubs: bootmgr is $size bytes, expected 12288" >&2; exit 1; }

# 2. UEFI: PE32+ EFI application (subsystem 10), no relocations needed (RIP-relative only)
as --64 -o "$TMP/uefi.o" "$HERE/src/uefi-stub.S"
ld -m i386pep --subsystem 10 -e efi_main -s --no-insert-timestamp -o "$TMP/bootx64.efi" "$TMP/uefi.o"

# 3. efisys.bin: FAT12 floppy image with \EFI\BOOT\BOOTX64.EFI
mkfs.fat -C --invariant -i 434d5444 -n EFISYS "$TMP/efisys.bin" "$EFISYS_KIB" >/dev/null
touch -d "@$EPOCH" "$TMP/bootx64.efi"
export MTOOLS_SKIP_CHECK=1 SOURCE_DATE_EPOCH="$EPOCH" TZ=UTC
mmd -i "$TMP/efisys.bin" ::/EFI ::/EFI/BOOT
mcopy -m -i "$TMP/efisys.bin" "$TMP/bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI

for f in etfsboot.com bootx64.efi efisys.bin bootmgr; do install -m 644 "$TMP/$f" "$OUT/$f"; done
( cd "$OUT" && sha256sum etfsboot.com bootx64.efi efisys.bin bootmgr > SHA256SUMS )
cat "$OUT/SHA256SUMS"
