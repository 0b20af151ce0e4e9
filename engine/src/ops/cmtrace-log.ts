import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stateFolder } from '../system/state-root.js';

/** CMTrace's entry types: what its Type column shows as information, warning and error. */
export type CmTraceType = 1 | 2 | 3;

/** One entry of a CMTrace log (docs/logging.md). */
export interface CmTraceEntry {
  message: string;
  type: CmTraceType;
  component: string;
  /** ConfigMgr writes the thread id; the engine is one thread, so its process id. */
  thread: number;
  /** ConfigMgr writes "source.cpp:line"; the engine writes the command and request id. */
  file: string;
  at: Date;
}

/** ConfigMgr rolls its logs at a size and keeps one older file, `<name>.lo_` (docs/logging.md). */
export const defaultMaxLogBytes = 5 * 1024 * 1024;

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * One line in ConfigMgr's log format, the one CMTrace opens:
 * `<![LOG[text]LOG]!><time="HH:mm:ss.fff+bias" date="MM-dd-yyyy" component="…" context="" type="1" thread="…" file="…">`.
 * Time and date are local; bias is minutes to add to get UTC (JavaScript's getTimezoneOffset, the
 * sign ConfigMgr writes). A line is one line: CR/LF become spaces, and the closing marker inside a
 * message is broken so a reader cannot end the text early.
 */
export function formatCmTraceLine(entry: CmTraceEntry): string {
  const at = entry.at;
  const bias = at.getTimezoneOffset();
  const time = `${pad(at.getHours(), 2)}:${pad(at.getMinutes(), 2)}:${pad(at.getSeconds(), 2)}.${pad(at.getMilliseconds(), 3)}${bias < 0 ? '-' : '+'}${pad(Math.abs(bias), 3)}`;
  const date = `${pad(at.getMonth() + 1, 2)}-${pad(at.getDate(), 2)}-${at.getFullYear()}`;
  const text = entry.message.replace(/\r\n|[\r\n]/g, ' ').replaceAll(']LOG]!>', '] LOG]!>');
  const attribute = (value: string) => value.replace(/["\r\n<>]/g, '_');
  return `<![LOG[${text}]LOG]!><time="${time}" date="${date}" component="${attribute(entry.component)}" context="" type="${entry.type}" thread="${entry.thread}" file="${attribute(entry.file)}">`;
}

/** Where the log goes without -LogPath: logs/CmTsMedia.log in the per-user state folder. */
export function defaultLogPath(): string {
  return join(stateFolder('logs'), 'CmTsMedia.log');
}

/** The rolled file beside a log: CmTsMedia.log -> CmTsMedia.lo_ (ConfigMgr's name for it). */
export function rolledLogPath(path: string): string {
  return /\.log$/i.test(path) ? `${path.slice(0, -1)}_` : `${path}.lo_`;
}

export interface CmTraceLogOptions {
  component: string;
  file: string;
  maxBytes?: number;
  /** Values that must never reach the file (passwords): replaced by ******** wherever they occur. */
  secrets?: readonly string[];
  now?: () => Date;
}

/**
 * Appends CMTrace lines to one file, shared by every engine process of the user: each line is one
 * append (O_APPEND), and before a line would take the file past maxBytes the file is renamed to its
 * `.lo_` (replacing the older one) and a new one is started.
 */
export class CmTraceLog {
  private readonly maxBytes: number;
  private readonly secrets: string[];
  private readonly now: () => Date;

  /** Creates the log's folder; throws (ENOENT, EACCES…) when the file cannot be written. */
  constructor(readonly path: string, private readonly options: CmTraceLogOptions) {
    this.maxBytes = options.maxBytes ?? defaultMaxLogBytes;
    this.secrets = (options.secrets ?? []).filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    this.now = options.now ?? (() => new Date());
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    appendFileSync(path, '', { mode: 0o600 });
  }

  info(message: string): void {
    this.write(1, message);
  }

  warning(message: string): void {
    this.write(2, message);
  }

  error(message: string): void {
    this.write(3, message);
  }

  /** One entry; a failure to write (disk full, file removed under us) never fails the operation. */
  write(type: CmTraceType, message: string): void {
    const line = `${formatCmTraceLine({ message: this.redact(message), type, component: this.options.component, thread: process.pid, file: this.options.file, at: this.now() })}\r\n`;
    try {
      this.rollIfFull(Buffer.byteLength(line));
      appendFileSync(this.path, line, { mode: 0o600 });
    } catch {
      // The log is a convenience beside the status file and the protocol; the operation goes on.
    }
  }

  private redact(message: string): string {
    let text = message;
    for (const secret of this.secrets) text = text.replaceAll(secret, '********');
    return text;
  }

  private rollIfFull(lineBytes: number): void {
    const size = statSync(this.path, { throwIfNoEntry: false })?.size ?? 0;
    if (size > 0 && size + lineBytes > this.maxBytes) renameSync(this.path, rolledLogPath(this.path));
  }
}
