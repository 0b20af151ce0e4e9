import { CmTsError, fromSystemError } from '../errors/index.js';
import { LineSplitter } from './lines.js';
import { validateParams, type ParamSpecs, type Params } from './params.js';
import type { JobContext } from '../system/job.js';
import type { Infer, Shape } from './shape.js';
import { LineWriter } from './writer.js';

export const protocolVersion = 1;
export const maxLineBytes = 1 << 20;

export type RequestId = string | number;

/** What a running command may tell its client before its one result or error. */
/** A job's context (system/job.ts), for one request. */
export interface RequestContext extends JobContext {
  readonly id: RequestId;
}

export interface Command<S extends ParamSpecs = ParamSpecs> {
  readonly params: S;
  /** The result's shape (messages.ts). */
  readonly result: Shape;
  run(params: Params<S>, context: RequestContext): Promise<unknown>;
}

/**
 * A command whose run must return what its result shape describes (checked by the compiler):
 * `command(params, shape)(run)`; curried so that the shape is fixed before run is checked against it.
 */
export function command<const S extends ParamSpecs, R extends Shape>(params: S, result: R) {
  return (run: (params: Params<S>, context: RequestContext) => Promise<Infer<R>>): Command<S> => ({ params, result, run });
}

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export interface ServerOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly hello: Record<string, unknown>;
  /** Built with a `cancel` function so commands can reach other running requests. */
  readonly commands: (server: Server) => Readonly<Record<string, Command<any>>>;
}

/**
 * The JSON-lines server (docs/protocol.md): a hello line first, then requests in, one result or
 * error per request out, with events between. Protocol faults (bad JSON, oversized lines, a
 * request that is not an object) are answered and the server keeps reading; job failures are the
 * commands' own errors. stdin EOF or a closed stdout cancels everything still running.
 */
export class Server {
  private readonly writer: LineWriter;
  private readonly running = new Map<RequestId, Running>();
  private readonly commands: Readonly<Record<string, Command<any>>>;
  private ending: Promise<void> | undefined;

  constructor(private readonly options: ServerOptions) {
    this.writer = new LineWriter(options.output as never, () => void this.end());
    this.commands = options.commands(this);
  }

  /** Serves until stdin ends; resolves when every request has finished and stdout is flushed. */
  serve(): Promise<void> {
    this.writer.send({ event: 'hello', ...this.options.hello });
    const splitter = new LineSplitter(
      maxLineBytes,
      (line) => this.handleLine(line),
      (lengthBytes) => this.protocolError(null, `line of ${lengthBytes} bytes exceeds the limit of ${maxLineBytes}`),
    );
    const input = this.options.input;
    input.on('data', (chunk: Buffer) => splitter.push(chunk));
    return new Promise((resolve) => {
      const finish = () => {
        splitter.end();
        void this.end().then(resolve);
      };
      input.on('end', finish);
      input.on('error', finish);
    });
  }

  /** Cancels a running request; false when no request has that id. */
  cancel(id: RequestId): boolean {
    const running = this.running.get(id);
    if (!running) return false;
    running.controller.abort(new CmTsError('E_CANCELLED'));
    return true;
  }

  /** Cancels everything, waits for the commands to clean up, flushes stdout. Idempotent. */
  end(): Promise<void> {
    this.ending ??= (async () => {
      for (const id of this.running.keys()) this.cancel(id);
      await Promise.all([...this.running.values()].map((r) => r.done));
      await this.writer.flush();
    })();
    return this.ending;
  }

  private handleLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      // The parser's own message quotes the line, which may hold a password: say only where it is.
      this.protocolError(null, `malformed JSON in a line of ${Buffer.byteLength(line)} bytes`);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.protocolError(null, 'a request must be a JSON object {id, command, params}');
      return;
    }
    const { id, command: name, params, ...rest } = message as Record<string, unknown>;
    if (typeof id !== 'string' && typeof id !== 'number') {
      this.protocolError(null, 'a request needs an "id" that is a string or a number');
      return;
    }
    if (typeof id === 'number' && !Number.isFinite(id)) {
      // JSON's 1e400 is Infinity here, and would be answered as "id":null
      this.writer.send({ id: null, error: new CmTsError('E_INVALIDARG', 'request id is a number out of range; use a string or a number within ±1.7e308').toJSON() });
      return;
    }
    const extra = Object.keys(rest);
    if (extra.length > 0) {
      this.protocolError(id, `unknown request field "${extra[0]}"`);
      return;
    }
    if (this.running.has(id)) {
      // Answered without the id: the running request owns it, and its client must not see two endings.
      this.protocolError(null, `request id ${JSON.stringify(id)} is already running`);
      return;
    }
    if (typeof name !== 'string') {
      this.protocolError(id, 'a request needs a "command" string');
      return;
    }
    if (this.ending) {
      this.writer.send({ id, error: new CmTsError('E_CANCELLED').toJSON() });
      return;
    }
    this.start(id, name, params);
  }

  private start(id: RequestId, name: string, params: unknown): void {
    const controller = new AbortController();
    const context: RequestContext = {
      id,
      signal: controller.signal,
      event: (event, fields) => this.writer.send({ id, event, ...fields }),
    };
    const done = (async () => {
      try {
        const command = Object.hasOwn(this.commands, name) ? this.commands[name] : undefined;
        if (!command) throw new CmTsError('CMTSMEDIA_E_UNKNOWNCOMMAND', name);
        const result = await command.run(validateParams(name, command.params, params), context);
        this.writer.send({ id, result });
      } catch (err) {
        this.writer.send({ id, error: toProtocolError(err, controller.signal) });
      } finally {
        this.running.delete(id);
      }
    })();
    this.running.set(id, { controller, done });
  }

  private protocolError(id: RequestId | null, detail: string): void {
    this.writer.send({ id, error: new CmTsError('CMTSMEDIA_E_PROTOCOL', detail).toJSON() });
  }
}

function toProtocolError(err: unknown, signal: AbortSignal): ReturnType<CmTsError['toJSON']> {
  if (signal.aborted && !(err instanceof CmTsError && err.code !== 'E_UNEXPECTED')) return new CmTsError('E_CANCELLED').toJSON();
  if (!(err instanceof CmTsError)) process.stderr.write(`cmtsmedia-engine: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
  return fromSystemError(err).toJSON();
}
