/*
 * bios-stub.S - CmTsMedia's stand-in for etfsboot.com (demo media, BIOS side).
 *
 * NOT Windows boot code. It proves only that a BIOS started the media:
 * it prints on COM1 (0x3F8, 115200 8N1) and on the screen (INT 10h):
 *
 *   CmTsMedia demo media (BIOS): this is not Windows PE
 *   CMTS-DEMO-BIOS-START dl=XX bps=YYYY   boot drive and its bytes per sector
 *   CMTS-DEMO-BIOS-TAIL-OK                all 4096 bytes are in memory
 *   CMTS-DEMO-BIOS-PVD-OK                 (CD) INT 13h AH=42h read of the
 *                                         2048-byte sector 16 is a Primary
 *                                         Volume Descriptor (type 1, "CD001")
 *   CMTS-DEMO-BIOS-OK                     the pass marker
 * or a line ending in -FAIL / -MISSING and CMTS-DEMO-BIOS-FAIL, then writes
 * 0x10 (pass) / 0x11 (fail) to I/O port 0xF4: QEMU started with
 * "-device isa-debug-exit,iobase=0xf4,iosize=0x04" exits with status
 * (value << 1) | 1 = 33 / 35. Elsewhere it halts.
 *
 * Two ways in, one file (4096 bytes = 8 x 512):
 *  - El Torito no emulation (ISO, boot\etfsboot.com): the BIOS loads
 *    "sector count" x 512 bytes to 0000:7C00 (El Torito 1.0 section 2.3;
 *    the media use 8, as oscdimg does for etfsboot.com). If the count was
 *    too small the tail signature is missing: that is a failure, because
 *    the real etfsboot.com needs all 8 sectors too.
 *  - Hard disk / USB stick MBR (test images only): the BIOS loads sector 0
 *    (512 bytes, it needs 55 AA at offset 510) and the stub reads the other
 *    7 sectors itself with INT 13h AH=42h. Sector 0 keeps bytes 440..509
 *    free for a disk signature and the MBR partition table, so a test can
 *    write this file to LBA 0..7 of a partitioned image.
 * CD or disk is decided by the drive's bytes per sector (INT 13h AH=48h):
 * 2048 = CD. SeaBIOS passes DL = E0h for the CD, 80h for the first disk.
 *
 * Only sector 0 runs before the rest is known to be loaded, so everything
 * it uses (setup, the loader, putc/puts, its variables, one failure text)
 * lives there: loading sectors 1..7 overwrites whatever 7E00h.. held.
 *
 * Build (build/demo/make-stubs.sh):
 *   as --32 -I . -o bios-stub.o bios-stub.S
 *   ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o etfsboot.com bios-stub.o
 */
        .code16
        .text
        .globl _start
_start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    $0x7c00, %sp
        ljmp    $0, $norm               /* some BIOSes jump to 07C0:0000 */
norm:
        sti
        cld
        movb    %dl, drive

        .include "com1-init.inc"       /* COM1: 115200 baud, 8N1 */

        /* bytes per sector of the boot drive (EDD 3.0, INT 13h AH=48h) */
        movw    $0x1e, params           /* buffer size (EDD 2.0: 30 bytes); +0x18 = bytes per sector */
        movb    $0x48, %ah
        movb    drive, %dl
        movw    $params, %si
        int     $0x13
        jc      1f
        movw    params+0x18, %ax
        movw    %ax, bps
1:
        /* tail present? (the BIOS may have loaded only part of the file) */
        call    tailcheck
        je      loaded
        cmpw    $2048, bps
        je      short_cd                /* a CD: the El Torito count was too small */
        /* a disk: read LBA 1..7 (512-byte sectors) to 0000:7E00 */
        movb    $0x42, %ah
        movb    drive, %dl
        movw    $dap_rest, %si
        int     $0x13
        jc      short_disk
        call    tailcheck
        je      loaded
short_disk:
short_cd:
        movw    $m_tail_bad, %si
        call    puts
        movb    $0x11, %al
        jmp     done

/* ZF set if the last 8 bytes of the image are in memory */
tailcheck:
        movw    $tail, %si
        movw    $tailref, %di
        movw    $8, %cx
        repe cmpsb
        ret

/* print the NUL-terminated string at DS:SI on COM1 and the screen */
puts:
        lodsb
        testb   %al, %al
        jz      9f
        call    putc
        jmp     puts
9:      ret

/* print AL on COM1 and the screen; keeps all registers but the flags */
putc:
        pushw   %ax
        pushw   %bx
        pushw   %dx
        movb    %al, %ah
        movw    $0x3fd, %dx             /* LSR */
        movw    $0xffff, %bx            /* bounded wait: no UART, no hang */
1:      inb     %dx, %al
        testb   $0x20, %al              /* THR empty */
        jnz     2f
        decw    %bx
        jnz     1b
2:      movb    %ah, %al
        movw    $0x3f8, %dx
        outb    %al, %dx
        movb    $0x0e, %ah              /* INT 10h teletype output */
        movw    $0x0007, %bx
        int     $0x10
        popw    %dx
        popw    %bx
        popw    %ax
        ret

done:
        outb    %al, $0xf4              /* QEMU isa-debug-exit, if present */
        cli
halt:   hlt
        jmp     halt

        .balign 4
dap_rest:                               /* INT 13h AH=42h disk address packet */
        .byte   16, 0
        .word   7                       /* sectors 1..7 */
        .word   0x7e00, 0               /* to 0000:7E00 */
        .quad   1
drive:      .byte  0
            .balign 2
bps:        .word  512                  /* if AH=48h fails: treat as a disk */
params:     .fill  0x1e, 1, 0           /* EDD drive parameters */
tailref:    .ascii "CMTSTAIL"
m_tail_bad: .asciz "\r\nCMTS-DEMO-BIOS-TAIL-MISSING\r\nCMTS-DEMO-BIOS-FAIL\r\n"

        /* MBR: 440 disk signature, 444 reserved, 446 partition table (4 x 16),
         * 510 boot signature. The assembler fails here if sector 0 overflows. */
        .org    440
        .fill   70, 1, 0
        .byte   0x55, 0xaa

/* ---- sectors 1..7: used only once the whole image is known to be loaded ---- */
loaded:
        movw    $m_banner, %si
        call    puts
        movw    $m_start, %si
        call    puts
        movb    drive, %al
        call    puthex
        movw    $m_bps, %si
        call    puts
        movb    bps+1, %al
        call    puthex
        movb    bps, %al
        call    puthex
        movw    $m_tail_ok, %si
        call    puts

        cmpw    $2048, bps
        jne     pass                    /* a disk: sectors 1..7 came through INT 13h already */

        /* CD: read the 2048-byte sector 16 (first volume descriptor) */
        movb    $0x42, %ah
        movb    drive, %dl
        movw    $dap_pvd, %si
        int     $0x13
        jc      pvd_bad
        cmpb    $1, 0x9000              /* volume descriptor type 1 = primary */
        jne     pvd_bad
        movw    $0x9001, %si
        movw    $cd001, %di
        movw    $5, %cx
        repe cmpsb
        jne     pvd_bad
        movw    $m_pvd_ok, %si
        call    puts
pass:
        movw    $m_ok, %si
        call    puts
        movb    $0x10, %al
        jmp     done
pvd_bad:
        movw    $m_pvd_bad, %si
        call    puts
        movb    $0x11, %al
        jmp     done

/* print AL as two hex digits */
puthex:
        pushw   %ax
        shrb    $4, %al
        call    nib
        popw    %ax
        andb    $0x0f, %al
nib:
        addb    $'0', %al
        cmpb    $'9', %al
        jbe     1f
        addb    $7, %al
1:      jmp     putc

        .balign 4
dap_pvd:
        .byte   16, 0
        .word   1                       /* one 2048-byte CD sector */
        .word   0x9000, 0               /* to 0000:9000 */
        .quad   16                      /* ECMA-119 8.1: descriptors start at 16 */
cd001:  .ascii  "CD001"
m_banner:  .asciz "\r\nCmTsMedia demo media (BIOS): this is not Windows PE\r\n"
m_start:   .asciz "CMTS-DEMO-BIOS-START dl="
m_bps:     .asciz " bps="
m_tail_ok: .asciz "\r\nCMTS-DEMO-BIOS-TAIL-OK\r\n"
m_pvd_ok:  .asciz "CMTS-DEMO-BIOS-PVD-OK\r\n"
m_pvd_bad: .asciz "CMTS-DEMO-BIOS-PVD-FAIL\r\nCMTS-DEMO-BIOS-FAIL\r\n"
m_ok:      .asciz "CMTS-DEMO-BIOS-OK\r\n"

        /* the last 8 bytes prove the whole 4096-byte image was loaded */
        .org    4096 - 8
tail:   .ascii  "CMTSTAIL"
