/**
 * Boots an ISO or a USB disk image under QEMU (TCG) and returns what the guest wrote on COM1.
 * Firmware: SeaBIOS (QEMU's default BIOS) and OVMF (UEFI, Debian package `ovmf`).
 *
 * Fast in both directions: QEMU is stopped as soon as a pass marker or a failure marker
 * appears on the serial port (the project's stand-ins print `CMTS-DEMO-BIOS-OK` /
 * `CMTS-DEMO-UEFI-OK`, see docs/demo.md; the bootmgr stand-in that UFD+FORMAT disks boot
 * under BIOS prints `CMTS-DEMO-USB-BIOS-OK`, docs/usb.md), and the stand-ins end the VM themselves
 * (isa-debug-exit under BIOS, ResetSystem under UEFI). A boot that finds nothing to start
 * also ends early: SeaBIOS through `reboot-timeout=0` + `-no-reboot`, OVMF by reaching its
 * UEFI shell, which it does only when every boot option failed.
 *
 * COM1 goes to a regular file that the helper reads, never to a pipe: QEMU writes each serial byte
 * with its own write(2) on a non-blocking descriptor, and a pipe or socket to a test process that is
 * starved of CPU fills after a few hundred one-byte writes. The guest's UART then stays busy, OVMF's
 * SerialIo Write gives up after its timeout and QEMU drops the bytes it cannot deliver: the log
 * stopped mid-line and the stand-in's marker was lost while the VM still shut down normally
 * (docs/demo.md, "Serial output under load"). A file never pushes back.
 *
 * Env overrides: QEMU (binary), OVMF_CODE, OVMF_VARS (default /usr/share/OVMF/OVMF_{CODE,VARS}_4M.fd;
 * the VARS file is copied per run, OVMF writes boot variables into it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BootOptions {
  /** Whole boot, QEMU start to exit (default 60 000; OVMF needs ~4 s under TCG, SeaBIOS ~0.2 s). */
  timeoutMs?: number;
  /** Text that means the boot passed (default: the demo stand-in's marker for the firmware). */
  passMarkers?: readonly string[];
  /** Text that means the boot failed (default: the stand-in's failure marker; OVMF's shell banner). */
  failMarkers?: readonly string[];
  /** QEMU accelerator (default `tcg`: on the project's test machines `/dev/kvm` breaks OVMF). */
  accel?: string;
  /**
   * SeaBIOS only: its serial console (sercon, fw_cfg `etc/sercon-port` = 0x3F8) takes over INT 10h,
   * so what boot code prints on the screen (the MBR's and boot sector's messages) reaches COM1 too,
   * wrapped in ANSI escapes (removed). Text a program also writes to COM1 itself then arrives twice.
   */
  screenOnSerial?: boolean;
}

export interface BootResult {
  /** What the guest wrote on COM1, ANSI escape sequences and CRs removed. */
  serial: string;
  /** QEMU's exit status: 33 = BIOS stand-in passed, 35 = it failed (isa-debug-exit: value << 1 | 1),
   * 0 = UEFI ResetSystem or a reset under -no-reboot; null when the helper stopped QEMU. */
  exitCode: number | null;
  timedOut: boolean;
  /** The first pass or failure marker seen, if any. */
  marker: string | undefined;
  /** A pass marker was seen and no failure marker. */
  passed: boolean;
  durationMs: number;
  /** QEMU's own messages (bad options, missing files). */
  stderr: string;
}

export type Firmware = 'bios' | 'uefi';

export const demoMarkers = {
  bios: { pass: ['CMTS-DEMO-BIOS-OK'], fail: ['CMTS-DEMO-BIOS-FAIL'] },
  /** The stand-in bootmgr (build/demo/src/bootmgr-stub.S) that a UFD+FORMAT disk's own MBR and boot sector load. */
  usbBios: { pass: ['CMTS-DEMO-USB-BIOS-OK'], fail: ['CMTS-DEMO-USB-BIOS-FAIL'] },
  // OVMF starts its built-in shell only after every boot option failed.
  uefi: { pass: ['CMTS-DEMO-UEFI-OK'], fail: ['CMTS-DEMO-UEFI-FAIL', 'UEFI Interactive Shell', 'Shell> '] },
} as const;

const qemuBinary = process.env.QEMU ?? 'qemu-system-x86_64';
const ovmfCode = process.env.OVMF_CODE ?? '/usr/share/OVMF/OVMF_CODE_4M.fd';
const ovmfVars = process.env.OVMF_VARS ?? '/usr/share/OVMF/OVMF_VARS_4M.fd';
/** After a marker the stand-ins end the VM themselves within milliseconds (a real exit code);
 * whatever is still running this long after a marker (OVMF's shell) is stopped. */
const exitGraceMs = 1000;
/** How often the serial log file is read for markers while QEMU runs. */
const pollMs = 100;

/** Why QEMU boots cannot run here (a message for a skipped test), or undefined when they can. */
export function qemuUnavailable(firmware: Firmware = 'uefi'): string | undefined {
  const probe = spawnSync(qemuBinary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `${qemuBinary} not found (Debian: apt-get install qemu-system-x86)`;
  if (firmware === 'uefi' && !(existsSync(ovmfCode) && existsSync(ovmfVars))) {
    return `OVMF firmware not found at ${ovmfCode} / ${ovmfVars} (Debian: apt-get install ovmf)`;
  }
  return undefined;
}

export function haveQemu(firmware: Firmware = 'uefi'): boolean {
  return qemuUnavailable(firmware) === undefined;
}

/** SeaBIOS boots the ISO as a CD-ROM (El Torito BIOS entry). */
export function bootIsoBios(isoPath: string, options: BootOptions = {}): Promise<BootResult> {
  return boot('bios', cdrom(isoPath), options);
}

/** OVMF boots the ISO as a CD-ROM (El Torito platform 0xEF entry: the efisys.bin FAT image). */
export function bootIsoUefi(isoPath: string, options: BootOptions = {}): Promise<BootResult> {
  return boot('uefi', cdrom(isoPath), options);
}

/** OVMF boots the disk image as a USB stick (\EFI\BOOT\BOOTX64.EFI on its FAT partition). */
export function bootUsbUefi(imgPath: string, options: BootOptions = {}): Promise<BootResult> {
  return boot('uefi', usbStick(imgPath), options);
}

/**
 * SeaBIOS boots the disk image as a USB stick (the code in its MBR). UFD+FORMAT disks boot the
 * bootmgr stand-in: pass `demoMarkers.usbBios` as the markers, and `screenOnSerial: true` to see
 * the MBR's and boot sector's own messages (they print on the screen only).
 */
export function bootUsbBios(imgPath: string, options: BootOptions = {}): Promise<BootResult> {
  return boot('bios', usbStick(imgPath), options);
}

function cdrom(path: string): string[] {
  return ['-drive', `media=cdrom,file=${qemuPath(path)},format=raw,readonly=on`];
}

/** qemu-xhci + usb-storage, as a removable stick; snapshot=on keeps the image file unchanged. */
function usbStick(path: string): string[] {
  return [
    '-drive', `if=none,id=stick,format=raw,file=${qemuPath(path)},snapshot=on`,
    '-device', 'qemu-xhci,id=xhci',
    '-device', 'usb-storage,bus=xhci.0,drive=stick,removable=on,bootindex=0',
  ];
}

/** QEMU's -drive option list uses ',' as separator; a literal comma is written twice. */
function qemuPath(path: string): string {
  return path.replaceAll(',', ',,');
}

async function boot(firmware: Firmware, device: string[], options: BootOptions): Promise<BootResult> {
  const passMarkers = options.passMarkers ?? demoMarkers[firmware].pass;
  const failMarkers = options.failMarkers ?? demoMarkers[firmware].fail;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const scratch = mkdtempSync(join(tmpdir(), 'cmts-qemu-'));
  const serialLog = join(scratch, 'com1.log');
  try {
    const machine =
      firmware === 'bios'
        ? [
            '-machine', 'pc', '-m', '256',
            // reboot-timeout=0: SeaBIOS resets at once when nothing boots, and -no-reboot turns that into an exit.
            '-boot', 'reboot-timeout=0',
            '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
            ...(options.screenOnSerial ? ['-fw_cfg', `name=etc/sercon-port,file=${qemuPath(serconPort(scratch))}`] : []),
          ]
        : [
            '-machine', 'q35', '-m', '512',
            '-drive', `if=pflash,format=raw,readonly=on,file=${qemuPath(ovmfCode)}`,
            '-drive', `if=pflash,format=raw,file=${qemuPath(copyVars(scratch))}`,
          ];
    const args = [
      ...machine,
      '-accel', options.accel ?? 'tcg',
      '-nodefaults', '-display', 'none', '-monitor', 'none', '-serial', `file:${serialLog}`, '-no-reboot',
      ...device,
    ];
    return await run(args, serialLog, passMarkers, failMarkers, timeoutMs);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** SeaBIOS reads etc/sercon-port as a little-endian integer of 1, 2, 4 or 8 bytes: COM1 = 0x3F8. */
function serconPort(scratch: string): string {
  const file = join(scratch, 'sercon-port');
  writeFileSync(file, Uint8Array.of(0xf8, 0x03));
  return file;
}

function copyVars(scratch: string): string {
  const vars = join(scratch, 'ovmf-vars.fd');
  copyFileSync(ovmfVars, vars);
  return vars;
}

function run(args: string[], serialLog: string, passMarkers: readonly string[], failMarkers: readonly string[], timeoutMs: number): Promise<BootResult> {
  const started = performance.now();
  const child = spawn(qemuBinary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let marker: string | undefined;
  let passed = false;
  let timedOut = false;
  let stopTimer: NodeJS.Timeout | undefined;
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const poll = setInterval(() => {
    if (marker !== undefined) return;
    const text = readSerial(serialLog);
    const failed = failMarkers.find((m) => text.includes(m));
    const ok = passMarkers.find((m) => text.includes(m));
    marker = failed ?? ok;
    passed = failed === undefined && ok !== undefined;
    if (marker !== undefined) stopTimer ??= setTimeout(() => child.kill('SIGKILL'), exitGraceMs);
  }, pollMs);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      clearTimeout(stopTimer);
      clearInterval(poll);
      const serial = readSerial(serialLog);
      // The log is complete now: the first marker in it decides, whether or not a poll saw it.
      marker ??= firstMarker(serial, [...passMarkers, ...failMarkers]);
      passed = passMarkers.some((m) => serial.includes(m)) && !failMarkers.some((m) => serial.includes(m));
      resolve({ serial, exitCode: code, timedOut, marker, passed, durationMs: Math.round(performance.now() - started), stderr });
    });
  });
}

/** The serial log so far, cleaned; empty until QEMU has created the file. */
function readSerial(path: string): string {
  try {
    return clean(readFileSync(path, 'latin1'));
  } catch {
    return '';
  }
}

function firstMarker(text: string, markers: readonly string[]): string | undefined {
  const found = markers.map((m) => [text.indexOf(m), m] as const).filter(([at]) => at >= 0);
  return found.sort((a, b) => a[0] - b[0])[0]?.[1];
}

/** OVMF's terminal wraps ConOut text in ANSI escapes (ESC [ ... letter); markers are searched without them. */
function clean(text: string): string {
  return text.replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '').replace(/\r/g, '');
}
