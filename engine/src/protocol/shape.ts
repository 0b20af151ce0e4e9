/**
 * A small description language for the protocol's JSON messages: each message shape is declared
 * once (messages.ts), gives its TypeScript type (Infer) and its JSON Schema (jsonSchema), so the
 * engine's code, the schema file the module checks against (protocol.schema.json) and the tests
 * cannot drift apart.
 */
import type { FieldSpecs, ParamSpec, ParamSpecs } from './params.js';

export type Shape =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  /** An ISO 8601 date and time, as the engine writes dates. */
  | 'dateTime'
  | { readonly enum: readonly string[] }
  | { readonly nullable: Shape }
  | { readonly array: Shape }
  /** `optional` keys may be missing; `open` allows keys beyond `object` (error data, extensions). */
  | { readonly object: Readonly<Record<string, Shape>>; readonly optional?: readonly string[]; readonly open?: boolean }
  | { readonly oneOf: readonly Shape[] };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type InferObject<P extends Readonly<Record<string, Shape>>, O extends string> = Simplify<
  { -readonly [K in keyof P as K extends O ? never : K]: Infer<P[K]> } & { -readonly [K in keyof P as K extends O ? K : never]?: Infer<P[K]> }
>;

/** The TypeScript type of a shape. */
export type Infer<S> = S extends 'string' | 'dateTime'
  ? string
  : S extends 'integer' | 'number'
    ? number
    : S extends 'boolean'
      ? boolean
      : S extends { readonly enum: readonly (infer E)[] }
        ? E
        : S extends { readonly nullable: infer N }
          ? Infer<N> | null
          : S extends { readonly array: infer A }
            ? ReadonlyArray<Infer<A>>
            : S extends { readonly object: infer P extends Readonly<Record<string, Shape>>; readonly optional: readonly (infer O extends string)[] }
              ? InferObject<P, O> & (S extends { readonly open: true } ? Record<string, unknown> : unknown)
              : S extends { readonly object: infer P extends Readonly<Record<string, Shape>> }
                ? InferObject<P, never> & (S extends { readonly open: true } ? Record<string, unknown> : unknown)
                : S extends { readonly oneOf: readonly (infer U)[] }
                  ? Infer<U>
                  : never;

/** JSON Schema (draft 2020-12) of a shape. */
export function jsonSchema(shape: Shape): Record<string, unknown> {
  switch (shape) {
    case 'string':
    case 'boolean':
    case 'integer':
    case 'number':
      return { type: shape };
    case 'dateTime':
      return { type: 'string', format: 'date-time' };
  }
  if ('enum' in shape) return { type: 'string', enum: [...shape.enum] };
  if ('nullable' in shape) return { anyOf: [jsonSchema(shape.nullable), { type: 'null' }] };
  if ('array' in shape) return { type: 'array', items: jsonSchema(shape.array) };
  if ('oneOf' in shape) return { oneOf: shape.oneOf.map(jsonSchema) };
  const optional = new Set(shape.optional ?? []);
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(shape.object).map(([key, value]) => [key, jsonSchema(value)])),
    required: Object.keys(shape.object).filter((key) => !optional.has(key)),
    additionalProperties: shape.open === true,
  };
}

const fieldSchemas: Record<FieldSpecs[string], Record<string, unknown>> = {
  string: { type: 'string' },
  stringOrNull: { type: ['string', 'null'] },
  count: { type: 'integer', minimum: 0 },
  boolean: { type: 'boolean' },
  stringList: { type: 'array', items: { type: 'string' } },
};

function paramSchema(spec: ParamSpec): Record<string, unknown> {
  switch (spec.type) {
    case 'string':
      return spec.values ? { type: 'string', enum: [...spec.values] } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'count':
      return { type: 'integer', minimum: 0 };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'stringMap':
      return { type: 'object', additionalProperties: { type: 'string' } };
    case 'stringList':
      return { type: 'array', items: { type: 'string', minLength: 1 } };
    case 'id':
      return { type: ['string', 'number'] };
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(Object.entries(spec.fields).map(([key, type]) => [key, fieldSchemas[type]])),
        required: Object.keys(spec.fields),
        additionalProperties: false,
      };
  }
}

/** JSON Schema of a command's params, from the specs that validateParams checks requests against. */
export function paramsSchema(specs: ParamSpecs): Record<string, unknown> {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, { anyOf: [paramSchema(spec), { type: 'null' }] }])),
    required: Object.entries(specs).filter(([, spec]) => spec.required).map(([key]) => key),
    additionalProperties: false,
  };
}
