import table from './errors.json' with { type: 'json' };

/** One row of the error table (errors.json, shared with the PowerShell module). */
export interface ErrorRow {
  code: string;
  hresult: string;
  sdk: boolean;
  type: string;
  group: string;
  category: string;
  message: string;
  action: string;
}

export const errorTable: readonly ErrorRow[] = table.errors;

const byCode = new Map(errorTable.map((row) => [row.code, row]));

export type ErrorCode = (typeof table.errors)[number]['code'];

export function errorRow(code: string): ErrorRow {
  const row = byCode.get(code);
  if (!row) throw new Error(`error code ${code} is not in errors.json`);
  return row;
}

/**
 * The one error type of the engine. It crosses the process boundary as
 * `{code, hresult, message, detail, data}` (toJSON); the module turns it into a typed .NET exception.
 * `detail` fills the `{0}` of the message template and is the SDK's ErrorDetail: never put a secret in it.
 */
export class CmTsError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail = '', data?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(errorRow(code).message.replace('{0}', detail), options);
    this.name = 'CmTsError';
    this.code = code;
    this.detail = detail;
    this.data = data;
  }

  get hresult(): string {
    return errorRow(this.code).hresult;
  }

  toJSON(): { code: string; hresult: string; message: string; detail: string; data?: Record<string, unknown> } {
    return { code: this.code, hresult: this.hresult, message: this.message, detail: this.detail, ...(this.data ? { data: this.data } : {}) };
  }
}

export function isCmTsError(err: unknown, code?: ErrorCode): err is CmTsError {
  return err instanceof CmTsError && (code === undefined || err.code === code);
}

const errnoCodes: Record<string, ErrorCode> = {
  ENOENT: 'E_FILENOTFOUND',
  ENOTDIR: 'E_PATHNOTFOUND',
  EACCES: 'E_ACCESSDENIED',
  EPERM: 'E_ACCESSDENIED',
  EROFS: 'E_ACCESSDENIED',
  // a folder where a file is expected: Windows' CreateFile says ERROR_ACCESS_DENIED for it too
  EISDIR: 'E_ACCESSDENIED',
  EEXIST: 'E_FILEEXISTS',
  ENOSPC: 'E_DISKFULL',
  EDQUOT: 'E_DISKFULL',
  EFBIG: 'E_DISKFULL',
  EIO: 'E_IO',
  EBUSY: 'CMTSMEDIA_E_DESTINATIONBUSY',
  // a path longer than the file system allows (a component over 255 bytes, or PATH_MAX)
  ENAMETOOLONG: 'E_INVALIDARG',
};

/**
 * Maps an operating-system failure to its HRESULT_FROM_WIN32 row; `path` becomes the detail.
 * A CmTsError passes through unchanged; anything else is E_UNEXPECTED.
 */
export function fromSystemError(err: unknown, path?: string): CmTsError {
  if (err instanceof CmTsError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const code = errno ? errnoCodes[errno] : undefined;
  if (code) return new CmTsError(code, path ?? (err as NodeJS.ErrnoException).path ?? '', undefined, { cause: err });
  if (errno === 'ABORT_ERR' || (err as Error | undefined)?.name === 'AbortError') return new CmTsError('E_CANCELLED', '', undefined, { cause: err });
  return new CmTsError('E_UNEXPECTED', err instanceof Error ? err.message : String(err), undefined, { cause: err });
}
