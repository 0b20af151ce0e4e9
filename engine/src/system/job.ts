/**
 * What a long job (a creation, a read-back, a catalog) gets from whoever runs it: a signal that
 * cancels it, and a way to tell progress, log lines and warnings as they happen. The protocol's
 * request context is one (protocol/server.ts); tests make their own.
 */
export interface JobContext {
  readonly signal: AbortSignal;
  event(name: 'started' | 'progress' | 'log' | 'warning', fields: Record<string, unknown>): void;
}
