/*
 * uefi-stub.S - CmTsMedia's stand-in for the Windows UEFI boot files
 * (demo media: efi\boot\bootx64.efi, bootmgr.efi, and \EFI\BOOT\BOOTX64.EFI
 * inside efisys.bin). An x86-64 UEFI application, PE32+ subsystem 10.
 *
 * NOT Windows boot code. It prints
 *   CmTsMedia demo media (UEFI): this is not Windows PE
 *   CMTS-DEMO-UEFI-PATH <the file it was loaded from, e.g. \EFI\BOOT\BOOTX64.EFI>
 *   CMTS-DEMO-UEFI-OK
 * on ConOut (OVMF's ConOut is the screen plus a terminal on the serial port,
 * with ANSI escapes around the text) and, as plain ASCII, on the first
 * EFI_SERIAL_IO_PROTOCOL instance if there is one (the same UART on QEMU, so
 * the serial log has the lines twice, once clean). Then it calls
 * RuntimeServices->ResetSystem(EfiResetShutdown): QEMU exits with status 0.
 * Should that return, the application returns EFI_SUCCESS.
 *
 * Conventions: UEFI 2.x section 2.3.4 (x64): arguments in rcx, rdx, r8, r9,
 * 32 bytes of shadow space, rsp 16-byte aligned at each call. Only
 * RIP-relative addressing, so the image needs no base relocations.
 * Table offsets (UEFI 2.x section 4): EFI_SYSTEM_TABLE ConOut +0x40,
 * RuntimeServices +0x58, BootServices +0x60; EFI_BOOT_SERVICES HandleProtocol
 * +0x98, LocateProtocol +0x140; EFI_RUNTIME_SERVICES ResetSystem +0x68;
 * SIMPLE_TEXT_OUTPUT OutputString +0x08; EFI_SERIAL_IO_PROTOCOL Write +0x28;
 * EFI_LOADED_IMAGE_PROTOCOL FilePath +0x20.
 *
 * Build (build/demo/make-stubs.sh):
 *   as --64 -o uefi-stub.o uefi-stub.S
 *   ld -m i386pep --subsystem 10 -e efi_main -s --no-insert-timestamp -o bootx64.efi uefi-stub.o
 */
        .text
        .globl  efi_main
efi_main:
        pushq   %rbx
        pushq   %rsi
        pushq   %rdi
        pushq   %r12
        pushq   %r13
        subq    $0x30, %rsp             /* 32 shadow + 8 local + 8 pad: rsp = 0 mod 16 */
        movq    %rcx, %r12              /* ImageHandle */
        movq    %rdx, %rbx              /* SystemTable */

        /* serial = BootServices->LocateProtocol(&SerialIoGuid, NULL, &serial) or NULL */
        movq    0x60(%rbx), %rax
        leaq    guid_serial(%rip), %rcx
        xorl    %edx, %edx
        leaq    0x20(%rsp), %r8
        movq    $0, (%r8)
        call    *0x140(%rax)
        xorl    %r13d, %r13d
        testq   %rax, %rax
        jnz     1f
        movq    0x20(%rsp), %r13        /* EFI_SERIAL_IO_PROTOCOL * */
1:
        leaq    m_banner(%rip), %rcx
        call    say

        /* line = "CMTS-DEMO-UEFI-PATH " + the loaded image's FilePath when that is a
         * media/file-path node (type 4, subtype 4), CHAR16 narrowed to ASCII */
        leaq    line(%rip), %rdi
        leaq    m_path(%rip), %rsi
1:      lodsb
        testb   %al, %al
        jz      2f
        stosb
        jmp     1b
2:      movq    0x60(%rbx), %rax        /* BootServices->HandleProtocol(ImageHandle, &guid, &li) */
        movq    %r12, %rcx
        leaq    guid_loaded_image(%rip), %rdx
        leaq    0x20(%rsp), %r8
        movq    $0, (%r8)
        call    *0x98(%rax)
        testq   %rax, %rax
        jnz     5f
        movq    0x20(%rsp), %rax
        movq    0x20(%rax), %rsi        /* li->FilePath */
        testq   %rsi, %rsi
        jz      5f
        cmpw    $0x0404, (%rsi)
        jne     5f
        addq    $4, %rsi                /* NUL-terminated CHAR16 path */
        movl    $100, %ecx              /* room left in line[] */
3:      lodsw
        testw   %ax, %ax
        jz      5f
        cmpw    $0x7f, %ax
        jb      4f
        movb    $'?', %al
4:      stosb
        loop    3b
5:      movl    $0x000a0d, (%rdi)       /* "\r\n" NUL */
        leaq    line(%rip), %rcx
        call    say

        leaq    m_ok(%rip), %rcx
        call    say

        /* RuntimeServices->ResetSystem(EfiResetShutdown = 2, EFI_SUCCESS, 0, NULL) */
        movq    0x58(%rbx), %rax
        movl    $2, %ecx
        xorl    %edx, %edx
        xorl    %r8d, %r8d
        xorl    %r9d, %r9d
        call    *0x68(%rax)

        xorl    %eax, %eax
        addq    $0x30, %rsp
        popq    %r13
        popq    %r12
        popq    %rdi
        popq    %rsi
        popq    %rbx
        ret

/*
 * say: rcx = NUL-terminated ASCII string (at most 126 characters).
 * Writes it to the serial protocol (r13, if not NULL), then widens it to
 * CHAR16 in a stack buffer and writes that to ConOut (rbx = SystemTable).
 * Frame: +0x00 shadow space, +0x20 BufferSize (in/out), +0x30 CHAR16[128].
 */
say:
        pushq   %rsi
        subq    $0x130, %rsp            /* entry 8 mod 16; push + 0x130 -> 0 mod 16 */
        movq    %rcx, %rsi
        xorl    %eax, %eax              /* length */
1:      cmpb    $0, (%rsi,%rax)
        je      2f
        incq    %rax
        jmp     1b
2:      testq   %r13, %r13
        jz      3f
        movq    %rax, 0x20(%rsp)        /* *BufferSize (bytes) */
        movq    %r13, %rcx
        leaq    0x20(%rsp), %rdx
        movq    %rsi, %r8
        call    *0x28(%r13)             /* SerialIo->Write(This, &size, buffer) */
3:      leaq    0x30(%rsp), %rdx        /* CHAR16 buffer[128] */
        xorl    %ecx, %ecx
4:      movzbl  (%rsi,%rcx), %eax
        movw    %ax, (%rdx,%rcx,2)
        incq    %rcx
        testl   %eax, %eax
        jnz     4b
        movq    0x40(%rbx), %rcx
        call    *8(%rcx)                /* ConOut->OutputString(ConOut, buffer) */
        addq    $0x130, %rsp
        popq    %rsi
        ret

        .data
        .balign 8
guid_loaded_image:                      /* 5B1B31A1-9562-11D2-8E3F-00A0C969723B */
        .long   0x5B1B31A1
        .short  0x9562, 0x11D2
        .byte   0x8E, 0x3F, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B
guid_serial:                            /* BB25CF6F-F1D4-11D2-9A0C-0090273FC1FD */
        .long   0xBB25CF6F
        .short  0xF1D4, 0x11D2
        .byte   0x9A, 0x0C, 0x00, 0x90, 0x27, 0x3F, 0xC1, 0xFD
m_banner: .asciz "\r\nCmTsMedia demo media (UEFI): this is not Windows PE\r\n"
m_path:   .asciz "CMTS-DEMO-UEFI-PATH "
m_ok:     .asciz "CMTS-DEMO-UEFI-OK\r\n"
line:     .fill   128, 1, 0
