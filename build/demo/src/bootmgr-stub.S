/*
 * bootmgr-stub.S - CmTsMedia's stand-in for \bootmgr (demo media, BIOS boot from a USB disk).
 *
 * NOT Windows boot code. It proves that a BIOS booted a UFD+FORMAT disk through CmTsMedia's
 * own MBR and FAT32 boot record (build/bootcode, docs/usb.md "BIOS boot"): those load \BOOTMGR
 * whole at 2000:0000 and jump there with DL = the boot drive, as for Windows' bootmgr. It prints:
 *
 *   CmTsMedia demo media (BIOS, USB disk): bootmgr stand-in, this is not Windows PE
 *   CMTS-DEMO-BOOTMGR-START dl=XX      the boot drive
 *   CMTS-DEMO-BOOTMGR-BPB-OK           the FAT32 boot sector is still at 0000:7C00
 *                                      (BS_FilSysType "FAT32   ", 55 AA), as bootmgr needs it
 *   CMTS-DEMO-BOOTMGR-TAIL-OK          all 12288 bytes are in memory (several clusters)
 *   CMTS-DEMO-USB-BIOS-OK              the pass marker
 * or a line ending in -FAIL and CMTS-DEMO-USB-BIOS-FAIL, then writes 0x10 (pass) / 0x11
 * (fail) to I/O port 0xF4, as the other BIOS stand-in does (QEMU's isa-debug-exit exits
 * with 33 / 35); elsewhere it halts.
 *
 * Each line goes to COM1 (0x3F8, 115200 8N1) at once; the screen (INT 10h teletype) gets all
 * of them again at the end. SeaBIOS's serial console (sercon; QEMU turns it on with -nographic)
 * copies the screen to COM1 and holds back a line's last characters until the next screen
 * output: interleaved line by line, both copies would be garbled, one after the other they
 * are not.
 *
 * Build (build/demo/make-stubs.sh):
 *   as --32 -I . -o bootmgr.o bootmgr-stub.S
 *   ld -m elf_i386 -Ttext 0 --oformat binary -o bootmgr bootmgr.o
 */
        .code16
        .text
        .globl _start
_start:
        movw    %cs, %ax                /* 2000h */
        movw    %ax, %ds
        movw    %ax, %es
        cld
        movb    %dl, drive

        .include "com1-init.inc"       /* COM1: 115200 baud, 8N1 */

        movw    $m_banner, %si
        call    puts
        /* "CMTS-DEMO-BOOTMGR-START dl=XX": the two hex digits are filled in first */
        movb    drive, %al
        shrb    $4, %al
        call    hexdigit
        movb    %al, m_dl
        movb    drive, %al
        andb    $0x0f, %al
        call    hexdigit
        movb    %al, m_dl + 1
        movw    $m_start, %si
        call    puts

        /* the boot sector at 0000:7C00: BS_FilSysType (+82) and the signature (+510) */
        pushw   %ds
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    $0x7c52, %si
        movw    $fat32, %di             /* ES = 2000h */
        movw    $8, %cx
        repe cmpsb
        jne     1f
        cmpw    $0xaa55, 0x7dfe
1:      popw    %ds
        jne     bpb_bad
        movw    $m_bpb_ok, %si
        call    puts

        /* the last 8 bytes of the file */
        movw    $tail, %si
        movw    $tailref, %di
        movw    $8, %cx
        repe cmpsb
        jne     tail_bad
        movw    $m_tail_ok, %si
        call    puts
        movw    $m_ok, %si
        call    puts
        movb    $0x10, %al
        jmp     done

bpb_bad:
        movw    $m_bpb_bad, %si
        jmp     failed
tail_bad:
        movw    $m_tail_bad, %si
failed:
        call    puts
        movb    $0x11, %al
done:
        pushw   %ax
        call    screen
        popw    %ax
        outb    %al, $0xf4              /* QEMU isa-debug-exit, if present */
        cli
halt:   hlt
        jmp     halt

/* AL = 0..15 -> its hex digit */
hexdigit:
        addb    $'0', %al
        cmpb    $'9', %al
        jbe     1f
        addb    $7, %al
1:      ret

/* the NUL-terminated line at DS:SI to COM1; remembered for the screen */
puts:
        movw    nlines, %bx
        shlw    $1, %bx
        movw    %si, lines(%bx)
        incw    nlines
1:      lodsb
        testb   %al, %al
        jz      2f
        call    serial
        jmp     1b
2:      ret

/* every line puts printed, again, on the screen */
screen:
        movw    $lines, %di
        movw    nlines, %cx
        jcxz    9f
1:      movw    (%di), %si
2:      lodsb
        testb   %al, %al
        jz      3f
        movb    $0x0e, %ah              /* INT 10h teletype output */
        movw    $0x0007, %bx
        pushw   %cx
        pushw   %di
        int     $0x10
        popw    %di
        popw    %cx
        jmp     2b
3:      addw    $2, %di
        loop    1b
9:      ret

/* AL to COM1; keeps AX */
serial:
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
        popw    %dx
        popw    %bx
        popw    %ax
        ret

drive:      .byte  0
            .balign 2
nlines:     .word  0
lines:      .fill  8, 2, 0              /* at most 5 lines are printed */
fat32:      .ascii "FAT32   "
tailref:    .ascii "CMTSTAIL"
m_banner:   .asciz "\r\nCmTsMedia demo media (BIOS, USB disk): bootmgr stand-in, this is not Windows PE\r\n"
m_start:    .ascii "CMTS-DEMO-BOOTMGR-START dl="
m_dl:       .asciz "XX\r\n"
m_bpb_ok:   .asciz "CMTS-DEMO-BOOTMGR-BPB-OK\r\n"
m_bpb_bad:  .asciz "CMTS-DEMO-BOOTMGR-BPB-FAIL\r\nCMTS-DEMO-USB-BIOS-FAIL\r\n"
m_tail_ok:  .asciz "CMTS-DEMO-BOOTMGR-TAIL-OK\r\n"
m_tail_bad: .asciz "CMTS-DEMO-BOOTMGR-TAIL-FAIL\r\nCMTS-DEMO-USB-BIOS-FAIL\r\n"
m_ok:       .asciz "CMTS-DEMO-USB-BIOS-OK\r\n"

        /* 12288 bytes = 24 sectors: several clusters on any UFD+FORMAT disk up to 8 GiB (4 KiB
         * clusters), so the loader must follow the chain; the last 8 bytes prove it did. */
        .org    12288 - 8
tail:   .ascii  "CMTSTAIL"
