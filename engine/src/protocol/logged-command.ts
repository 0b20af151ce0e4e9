import { resolve } from 'node:path';
import { CmTsError, fromSystemError } from '../errors/index.js';
import { CmTraceLog, defaultLogPath } from '../ops/cmtrace-log.js';
import type { Params, ParamSpecs } from './params.js';
import type { Command, RequestContext } from './server.js';
import type { Infer, Shape } from './shape.js';

/** Every logged command also takes logPath: the CMTrace log file (default: logs/CmTsMedia.log in the state folder). */
export const logParams = { logPath: { type: 'string' } } as const;

type Logged<S extends ParamSpecs> = S & typeof logParams;

/**
 * A command whose operation is written to the CMTrace log (docs/logging.md): its request (secrets as
 * "(given)"), its steps, the log and warning events it sends, and how it ended. The one place that
 * turns events into log lines; the result gains `logPath`, and a verbose event names the file.
 */
export function loggedCommand<const S extends ParamSpecs, R extends Shape>(name: string, specs: S, result: R) {
  // The result shape declares logPath optional (messages.ts), so run returns it without one.
  return (run: (params: Params<S>, context: RequestContext) => Promise<Infer<R>>): Command<Logged<S>> => ({
    params: { ...specs, ...logParams } as Logged<S>,
    result,
    // Typed loosely inside: the compiler checks run's result against the shape at the call site.
    run: async (all: Record<string, unknown>, context: RequestContext): Promise<unknown> => {
      const { logPath, ...params } = all as { logPath?: string } & Record<string, unknown>;
      const log = openLog(name, context, logPath, secretValues(specs, params));
      const call = run as unknown as (params: Record<string, unknown>, context: RequestContext) => Promise<object>;
      if (!log) return call(params, context);
      context.event('log', { level: 'verbose', message: `log file: ${log.path}` });
      log.info(`${name}: ${describeRequest(specs, params)}`);
      try {
        const answer = await call(params, loggingContext(context, log));
        log.info(`${name} succeeded: ${describeResult(answer)}`);
        return { ...answer, logPath: log.path };
      } catch (err) {
        const error = context.signal.aborted ? new CmTsError('E_CANCELLED') : fromSystemError(err);
        log.error(`${name} failed: ${error.code} (${error.hresult}) ${error.message}`);
        throw err;
      }
    },
  });
}

/** An explicit logPath that cannot be written is the request's error; the default one only warns. */
function openLog(name: string, context: RequestContext, logPath: string | undefined, secrets: string[]): CmTraceLog | undefined {
  const path = logPath === undefined ? undefined : resolve(logPath);
  try {
    return new CmTraceLog(path ?? defaultLogPath(), { component: 'CmTsMedia', file: `${name}:${String(context.id)}`, secrets });
  } catch (err) {
    if (path !== undefined) throw logPathError(err, path);
    context.event('warning', { message: `The CmTsMedia log cannot be written (${fromSystemError(err).message}); the operation goes on without it.` });
    return undefined;
  }
}

/** mkdir says EEXIST when a folder on the way is a file: for the user that folder is not there. */
function logPathError(err: unknown, path: string): CmTsError {
  const errno = (err as NodeJS.ErrnoException).code;
  if (errno === 'EISDIR') return new CmTsError('E_INVALIDARG', `logPath ${path} is a folder; give the path of the log file`);
  return errno === 'EEXIST' ? new CmTsError('E_PATHNOTFOUND', path) : fromSystemError(err, path);
}

/** The context the command sees: every event still goes to the client, and log, warning and step changes to the file too. */
function loggingContext(context: RequestContext, log: CmTraceLog): RequestContext {
  let step = -1;
  return {
    id: context.id,
    signal: context.signal,
    event(event, fields) {
      if (event === 'log') log.info(String(fields.message));
      else if (event === 'warning') log.warning(String(fields.message));
      else if (event === 'started') log.info(`operation ${String(fields.operationId)} started`);
      else if (event === 'progress' && fields.step !== step) {
        step = fields.step as number;
        log.info(`step ${String(fields.step)} of ${String(fields.steps)}: ${String(fields.stepInfo)}`);
      }
      context.event(event, fields);
    },
  };
}

function secretValues(specs: ParamSpecs, params: Record<string, unknown>): string[] {
  const secrets: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const value = params[name];
    if (!('secret' in spec && spec.secret) || value === undefined) continue;
    if (typeof value === 'string') secrets.push(value);
    // connectionOptions: only its Password is secret (Username, Domain, Local are ordinary words).
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) if (/password/i.test(key) && typeof item === 'string') secrets.push(item);
    }
  }
  return secrets;
}

/** name=value for every parameter given; a secret parameter shows only that it was given. */
function describeRequest(specs: ParamSpecs, params: Record<string, unknown>): string {
  return Object.entries(specs)
    .filter(([name]) => params[name] !== undefined)
    .map(([name, spec]) => `${name}=${'secret' in spec && spec.secret ? '(given)' : show(params[name])}`)
    .join(', ');
}

function describeResult(result: object): string {
  return Object.entries(result)
    .map(([name, value]) => `${name}=${show(value)}`)
    .join(', ');
}

const show = (value: unknown): string => (value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value));
