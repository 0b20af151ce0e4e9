; mbr.asm - CmTsMedia's master boot record code (UFD+FORMAT disks, BIOS boot).
;
; Assemble: nasm -f bin -o mbr.bin mbr.asm        (build/bootcode/make-bootcode.mjs does it)
; The result is the 440 bytes before the disk signature (UEFI 2.11 Table 5.1 "BootCode");
; the engine (engine/src/formats/mbr) adds the signature, the partition table and 55 AA.
;
; What it does (the conventions every MBR since IBM's follows):
;  1. The BIOS loaded sector 0 to 0000:7C00 and jumped there with DL = the boot drive.
;     The code copies itself to 0000:0600, out of the way of the boot sector it loads.
;  2. It picks the first partition record whose BootIndicator is 80h (active); a record
;     with any other value than 00h or 80h there is an invalid table.
;  3. It reads the partition's first sector to 0000:7C00: with the INT 13h extensions
;     (EDD, AH=42h, 32-bit StartingLBA) when AH=41h says they are there, else with
;     AH=02h and the record's StartingCHS. Three tries, a drive reset between them.
;  4. The sector must end in 55 AA; then it jumps to 0000:7C00 with DL = the boot drive
;     and DS:SI -> the partition record (in the relocated copy), as boot sectors expect.
; On failure it prints one of the classic messages on the screen (INT 10h teletype)
; and halts with interrupts on, so Ctrl+Alt+Del still restarts the machine.

        bits    16
        org     0x0600

reloc   equ     0x0600
loadAt  equ     0x7c00
table   equ     reloc + 446             ; partition table in the relocated copy
drive   equ     reloc + 440 - 1 - 16    ; scratch: boot drive (a byte) ...
dap     equ     reloc + 440 - 16        ; ... and the EDD disk address packet (16 bytes)

start:
        cli
        xor     ax, ax
        mov     ss, ax
        mov     sp, loadAt
        mov     ds, ax
        mov     es, ax
        sti
        cld
        mov     si, loadAt
        mov     di, reloc
        mov     cx, 256
        rep     movsw
        jmp     0:relocated             ; also normalises CS (some BIOSes enter at 07C0:0000)

relocated:
        mov     [drive], dl
        ; 2. the active partition
        mov     si, table
        mov     cx, 4
.scan:
        mov     al, [si]
        cmp     al, 0x80
        je      found
        test    al, al
        jnz     invalid
        add     si, 16
        loop    .scan
        ; no active partition: let the BIOS try its next boot device (BIOS Boot Spec 1.01 6.5.1)
        int     0x18

invalid:
        mov     si, msgInvalid
        jmp     fail

found:
        ; 3. read the partition's first sector, three tries
        mov     bp, si                  ; BP -> the partition record
        mov     di, 3
.try:
        mov     dl, [drive]
        mov     ah, 0x41                ; EDD installation check
        mov     bx, 0x55aa
        int     0x13
        jc      .chs
        cmp     bx, 0xaa55
        jne     .chs
        test    cl, 1                   ; fixed disk access subset (AH=42h)
        jz      .chs
        mov     si, dap
        mov     word [si], 16           ; packet size, reserved
        mov     word [si + 2], 1        ; one sector
        mov     word [si + 4], loadAt   ; offset
        mov     word [si + 6], 0        ; segment
        mov     eax, [bp + 8]           ; StartingLBA
        mov     [si + 8], eax
        mov     dword [si + 12], 0
        mov     ah, 0x42
        mov     dl, [drive]
        int     0x13
        jnc     .read
        jmp     .retry
.chs:
        mov     ax, 0x0201              ; read one sector
        mov     bx, loadAt
        mov     dh, [bp + 1]            ; StartingCHS: head
        mov     cx, [bp + 2]            ;   sector | cylinder 8-9, cylinder 0-7
        mov     dl, [drive]
        int     0x13
        jnc     .read
.retry:
        xor     ah, ah                  ; reset the drive, then try again
        mov     dl, [drive]
        int     0x13
        dec     di
        jnz     .try
        mov     si, msgLoad
        jmp     fail

.read:
        ; 4. a boot sector ends in 55 AA
        cmp     word [loadAt + 510], 0xaa55
        mov     si, msgMissing
        jne     fail
        mov     si, bp
        mov     dl, [drive]
        jmp     0:loadAt

; print the NUL-terminated text at DS:SI, then halt
fail:
        lodsb
        test    al, al
        jz      .halt
        mov     ah, 0x0e
        mov     bx, 7
        int     0x10
        jmp     fail
.halt:
        sti
        hlt
        jmp     .halt

msgInvalid:  db "Invalid partition table", 13, 10, 0
msgLoad:     db "Error loading operating system", 13, 10, 0
msgMissing:  db "Missing operating system", 13, 10, 0

        ; the scratch bytes above (drive, dap) lie past the code: the assembler fails if it grows into them
        times   (440 - 1 - 16) - ($ - $$) db 0
        times   17 db 0
