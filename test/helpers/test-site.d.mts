export interface RecordedRequest {
  server: 'mp' | 'adminService';
  method: string;
  path: string;
  query: string;
  user?: string | null;
  body?: string | null;
}
export interface TestSite {
  mpUrl: string;
  adminServiceUrl: string;
  requests: RecordedRequest[];
  registrations: Array<Record<string, unknown>>;
  close(): Promise<void>;
}
export const testSiteAccount: { userName: string; password: string };
export function startTestSite(options?: { faults?: Record<string, string | number>; lifetimeMs?: number }): Promise<TestSite>;
export function closedPort(): Promise<number>;
