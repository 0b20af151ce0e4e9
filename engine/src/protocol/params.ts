import { CmTsError } from '../errors/index.js';

/** What one request parameter may hold. */
export type ParamSpec =
  | { type: 'string'; required?: boolean; values?: readonly string[]; secret?: boolean }
  | { type: 'boolean'; required?: boolean }
  | { type: 'count'; required?: boolean }
  | { type: 'datetime'; required?: boolean }
  | { type: 'stringMap'; required?: boolean; secret?: boolean }
  | { type: 'stringList'; required?: boolean }
  | { type: 'object'; required?: boolean; fields: FieldSpecs }
  | { type: 'id'; required?: boolean };

/** The fields of an object parameter: every field is required, no other field is allowed. */
export type FieldType = 'string' | 'stringOrNull' | 'count' | 'boolean' | 'stringList';
export type FieldSpecs = Readonly<Record<string, FieldType>>;

type FieldValue<T extends FieldType> = T extends 'string'
  ? string
  : T extends 'stringOrNull'
    ? string | null
    : T extends 'count'
      ? number
      : T extends 'boolean'
        ? boolean
        : string[];

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

type ValueOf<S extends ParamSpec> = S extends { type: 'string'; values: readonly (infer V)[] }
  ? V
  : S extends { type: 'string' }
  ? string
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'count' }
    ? number
    : S extends { type: 'datetime' }
      ? Date
      : S extends { type: 'stringMap' }
        ? Record<string, string>
        : S extends { type: 'stringList' }
        ? string[]
        : S extends { type: 'object'; fields: infer F extends FieldSpecs }
          ? { -readonly [K in keyof F]: FieldValue<F[K]> }
          : string | number;

/** Validated parameters: required ones present, optional ones possibly undefined. */
export type Params<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends { required: true } ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;

/**
 * An ISO 8601 date and time that exists: JavaScript's Date rolls 2027-02-30 over to March 2 and
 * 24:00 over to the next day; a date that is not in the calendar is an error instead.
 */
function parseDateTime(value: string): Date | undefined {
  const m = isoDateTime.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = m.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Checks a request's params against its specs: unknown names are CMTSMEDIA_E_UNKNOWNPARAMETER,
 * wrong types or values E_INVALIDARG; the detail names the parameter (never its value when secret).
 * `null` counts as not given, as a PowerShell $null parameter would.
 */
export function validateParams<S extends ParamSpecs>(command: string, specs: S, raw: unknown): Params<S> {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new CmTsError('E_INVALIDARG', `params of ${command} must be an object`);
  const input = raw as Record<string, unknown>;
  for (const name of Object.keys(input)) {
    if (!Object.hasOwn(specs, name)) throw new CmTsError('CMTSMEDIA_E_UNKNOWNPARAMETER', `${name} (command ${command})`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = input[name];
    if (value === undefined || value === null) {
      if (spec.required) throw new CmTsError('E_INVALIDARG', `parameter ${name} is required`);
      continue;
    }
    out[name] = convert(name, spec, value);
  }
  return out as Params<S>;
}

function convert(name: string, spec: ParamSpec, value: unknown): unknown {
  const bad = (what: string): never => {
    throw new CmTsError('E_INVALIDARG', `parameter ${name} must be ${what}`);
  };
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') bad('a string');
      // A NUL cannot be in a path or a name; Node's file functions would throw a plain TypeError on it.
      if (!spec.secret && (value as string).includes('\u0000')) bad('a string without NUL characters');
      if (spec.values && !spec.values.includes(value as string)) bad(`one of ${spec.values.join(', ')}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') bad('true or false');
      return value;
    case 'count':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad('a whole number of at least 0');
      return value;
    case 'datetime': {
      const date = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (!date) bad('an ISO 8601 date and time that exists (2027-02-30 does not)');
      return date;
    }
    case 'stringMap': {
      if (typeof value !== 'object' || Array.isArray(value)) bad('an object of strings');
      for (const [key, item] of Object.entries(value as object)) {
        if (typeof item !== 'string') throw new CmTsError('E_INVALIDARG', `parameter ${name}.${key} must be a string`);
      }
      return value;
    }
    case 'stringList':
      if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s.length > 0 && !s.includes('\u0000'))) bad('an array of non-empty strings');
      return [...(value as string[])];
    case 'object':
      return convertObject(name, spec.fields, value);
    case 'id':
      // 1e400 parses as Infinity, which would be answered as null
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) bad('a string or a finite number');
      return value;
  }
}

/** An object parameter: exactly the declared fields, each of its declared type (a wrong one is named as `param.field`). */
function convertObject(name: string, fields: FieldSpecs, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CmTsError('E_INVALIDARG', `parameter ${name} must be an object`);
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(fields, key)) throw new CmTsError('CMTSMEDIA_E_UNKNOWNPARAMETER', `${name}.${key}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, type] of Object.entries(fields)) {
    const item = input[key];
    const ok =
      type === 'string' ? typeof item === 'string' && !item.includes('\u0000')
      : type === 'stringOrNull' ? item === null || (typeof item === 'string' && !item.includes('\u0000'))
      : type === 'count' ? typeof item === 'number' && Number.isSafeInteger(item) && item >= 0
      : type === 'boolean' ? typeof item === 'boolean'
      : Array.isArray(item) && item.every((s) => typeof s === 'string');
    if (!ok) throw new CmTsError('E_INVALIDARG', `parameter ${name}.${key} must be ${fieldWhat[type]}`);
    out[key] = type === 'stringList' ? [...(item as string[])] : item;
  }
  return out;
}

const fieldWhat: Record<FieldType, string> = {
  string: 'a string',
  stringOrNull: 'a string or null',
  count: 'a whole number of at least 0',
  boolean: 'true or false',
  stringList: 'an array of strings',
};
