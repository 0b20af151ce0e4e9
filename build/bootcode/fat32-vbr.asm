; fat32-vbr.asm - CmTsMedia's FAT32 boot record code: loads \BOOTMGR under BIOS.
;
; Assemble: nasm -f bin -o fat32-vbr.bin fat32-vbr.asm   (build/bootcode/make-bootcode.mjs does it)
; Output: 1024 bytes = two sectors of the volume's boot record (docs/usb.md "BIOS boot"):
;   bytes    0..511  sector 0, the boot sector. The engine keeps only its code, bytes 90..509
;                    (fatgen103 "BootCode" after the FAT32 BPB/EBPB), and writes the BPB itself;
;                    bytes 3..89 here are a placeholder. BS_jmpBoot must be EB 58 90.
;   bytes 512..1023  sector 2 of the volume, the second stage, ending in 55 AA. Sector 1 is
;                    FSInfo; 0..2 are copied to 6..8 (BPB_BkBootSec = 6), as Windows lays out its
;                    three-sector FAT32 boot record.
;
; How it loads BOOTMGR (what Windows' NT6 FAT32 boot record does for bootmgr):
;  - the MBR loaded sector 0 to 0000:7C00 and jumped with DL = the boot drive. BP = 7C00h
;    addresses the BPB; DL is kept in BS_DrvNum (in memory only).
;  - sector 2 is read to 0000:7E00 (right after sector 0) with INT 13h AH=42h. Only LBA reads are
;    used (EDD, AH=41h checked): every BIOS that boots USB sticks has them.
;    LBA = BPB_HiddSec + sector: the partition's start, as the engine writes it.
;  - the FAT starts at BPB_HiddSec + BPB_RsvdSecCnt; the data region after BPB_NumFATs x BPB_FATSz32
;    sectors; FAT 0 is read (the engine mirrors the FATs, BPB_ExtFlags = 0). 512-byte sectors.
;  - the root directory's cluster chain, from BPB_RootClus, is read one sector at a time to
;    0000:8200 and searched for the short name "BOOTMGR    " that is neither a directory nor a
;    label (LFN entries carry the label bit, so they are skipped too). A 00h first byte ends it.
;  - BOOTMGR's cluster chain is loaded, a whole cluster per read, from 2000:0000 up; a cluster
;    that would pass the conventional memory top (INT 12h) stops with "BOOTMGR is too big".
;  - jump to 2000:0000 with DL = the boot drive; the BPB stays at 0000:7C00.
; FAT sectors are read one at a time to 0000:8000 (the last one is kept). Stack below 7C00h.
; Messages (INT 10h teletype) then a halt with interrupts on: Ctrl+Alt+Del restarts.

        bits    16
        org     0x7c00

; BPB/EBPB fields (fatgen103), relative to BP = 7C00h
BPB_SecPerClus  equ     0x0d
BPB_RsvdSecCnt  equ     0x0e
BPB_NumFATs     equ     0x10
BPB_HiddSec     equ     0x1c
BPB_FATSz32     equ     0x24
BPB_RootClus    equ     0x2c
BS_DrvNum       equ     0x40

stage2At        equ     0x7e00
fatBuffer       equ     0x8000
dirBuffer       equ     0x8200
loadSegment     equ     0x2000
endOfChain      equ     0x0ffffff8      ; fatgen103: >= 0FFFFFF8h ends a chain

; ---------------------------------------------------------------- sector 0
        jmp     short start             ; EB 58 90
        nop
        times   90 - ($ - $$) db 0      ; the BPB/EBPB: written by the engine

start:
        cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7c00
        mov     bp, sp
        sti
        cld
        jmp     0:.cs0
.cs0:
        mov     [bp + BS_DrvNum], dl
        mov     ah, 0x41                ; EDD installation check
        mov     bx, 0x55aa
        int     0x13
        jc      noLba
        cmp     bx, 0xaa55
        jne     noLba
        test    cl, 1                   ; AH=42h available
        jz      noLba
        mov     eax, 2                  ; the second stage
        mov     bx, stage2At
        mov     cx, 1
        call    read
        cmp     word [stage2At + 510], 0xaa55
        jne     diskError
        jmp     stage2

noLba:
        mov     si, msgNoLba
        jmp     fail
diskError:
        mov     si, msgDisk
        ; fall through

; print the NUL-terminated text at DS:SI and the restart hint, then halt
fail:
        call    puts
        mov     si, msgRestart
        call    puts
.halt:
        sti
        hlt
        jmp     .halt

puts:
        lodsb
        test    al, al
        jz      .done
        mov     ah, 0x0e
        mov     bx, 7
        int     0x10
        jmp     puts
.done:
        ret

; read CX sectors at volume sector EAX (partition-relative) to ES:BX; all registers kept
read:
        pushad
        add     eax, [bp + BPB_HiddSec]
        push    dword 0                 ; LBA bits 32-63
        push    eax                     ; LBA bits 0-31
        push    es
        push    bx
        push    cx
        push    word 16                 ; packet size
        mov     si, sp
        mov     ah, 0x42
        mov     dl, [bp + BS_DrvNum]
        int     0x13
        lea     sp, [si + 16]           ; (lea keeps CF)
        popad
        jc      diskError
        ret

msgNoLba:   db 13, 10, "No LBA disk access (INT 13h extensions)", 0
msgDisk:    db 13, 10, "Disk error", 0
msgRestart: db 13, 10, "Press Ctrl+Alt+Del to restart", 13, 10, 0

        times   510 - ($ - $$) db 0
        dw      0xaa55

; ---------------------------------------------------------------- sector 2, at 0000:7E00
stage2:
        ; fatLba = HiddSec-relative FAT 0; dataLba = fatLba + NumFATs * FATSz32 (volume sectors)
        movzx   eax, word [bp + BPB_RsvdSecCnt]
        mov     [fatLba], eax
        movzx   eax, byte [bp + BPB_NumFATs]
        mul     dword [bp + BPB_FATSz32]
        add     eax, [fatLba]
        mov     [dataLba], eax
        ; conventional memory top in paragraphs (INT 12h: KiB)
        int     0x12
        shl     ax, 6
        mov     [memTop], ax

        ; search the root directory
        mov     eax, [bp + BPB_RootClus]
.cluster:
        cmp     eax, 2
        jb      missing
        cmp     eax, endOfChain
        jae     missing
        push    eax
        call    clusterLba
        movzx   cx, byte [bp + BPB_SecPerClus]
.sector:
        push    cx
        mov     bx, dirBuffer
        mov     cx, 1
        call    read
        mov     di, bx
.entry:
        cmp     byte [di], 0            ; end of the directory
        je      missing
        mov     si, bootmgrName
        mov     cx, 11
        push    di
        repe    cmpsb
        pop     di
        jne     .next
        test    byte [di + 11], 0x18    ; ATTR_DIRECTORY | ATTR_VOLUME_ID (also set in LFN entries)
        jz      found
.next:
        add     di, 32
        cmp     di, dirBuffer + 512
        jb      .entry
        pop     cx
        inc     eax
        loop    .sector
        pop     eax
        call    nextCluster
        jmp     .cluster

found:
        mov     sp, 0x7c00
        mov     ax, [di + 20]           ; DIR_FstClusHI
        shl     eax, 16
        mov     ax, [di + 26]           ; DIR_FstClusLO
        mov     dx, loadSegment
.load:
        cmp     eax, endOfChain
        jae     .start
        cmp     eax, 2
        jb      missing                 ; an empty file, or a broken chain
        push    eax
        movzx   cx, byte [bp + BPB_SecPerClus]
        mov     bx, cx
        shl     bx, 5                   ; paragraphs per cluster (512-byte sectors)
        add     bx, dx
        jc      tooBig
        cmp     bx, [memTop]
        ja      tooBig
        call    clusterLba
        push    es
        mov     es, dx
        xor     bx, bx
        call    read
        pop     es
        movzx   bx, byte [bp + BPB_SecPerClus]
        shl     bx, 5
        add     dx, bx
        pop     eax
        call    nextCluster
        jmp     .load
.start:
        mov     dl, [bp + BS_DrvNum]
        jmp     loadSegment:0

missing:
        mov     si, msgMissing
        jmp     fail
tooBig:
        mov     si, msgTooBig
        jmp     fail

; EAX = cluster -> EAX = its first volume sector
clusterLba:
        push    edx
        push    ecx
        sub     eax, 2
        movzx   ecx, byte [bp + BPB_SecPerClus]
        mul     ecx
        add     eax, [dataLba]
        pop     ecx
        pop     edx
        ret

; EAX = cluster -> EAX = the next cluster (its FAT entry, 28 bits); other registers kept
nextCluster:
        push    si
        push    bx
        push    cx
        push    eax
        shr     eax, 7                  ; 128 entries per 512-byte FAT sector
        add     eax, [fatLba]
        cmp     eax, [fatCached]
        je      .have
        mov     [fatCached], eax
        mov     bx, fatBuffer
        mov     cx, 1
        call    read
.have:
        pop     eax
        mov     si, ax
        and     si, 127
        shl     si, 2
        mov     eax, [fatBuffer + si]
        and     eax, 0x0fffffff
        pop     cx
        pop     bx
        pop     si
        ret

bootmgrName: db "BOOTMGR    "
msgMissing:  db 13, 10, "BOOTMGR is missing", 0
msgTooBig:   db 13, 10, "BOOTMGR is too big", 0

        align   4
fatLba:     dd 0
dataLba:    dd 0
fatCached:  dd 0xffffffff
memTop:     dw 0

        times   1024 - 2 - ($ - $$) db 0
        dw      0xaa55
