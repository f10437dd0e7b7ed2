import { after } from 'node:test';
import { buildServing, type Serving } from '../../src/cli/build-serving.ts';
import { loadTetraConfig } from '../../src/core/index.ts';

export interface RunningServer extends Serving {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/**
 * Starts Tetra's online server in this process on a free loopback port,
 * with settings as tetra.yaml would give them (`{server: {...}, ...}`).
 * Stopped when the test file ends, unless the test stops it itself.
 */
export async function startServer(settings: Record<string, unknown>): Promise<RunningServer> {
  const server = { host: '127.0.0.1', port: 0, reload_interval: 0, ...((settings.server as object | undefined) ?? {}) };
  const logging = { level: 'silent', ...((settings.logging as object | undefined) ?? {}) };
  const config = await loadTetraConfig({ file: null, env: {}, flags: { ...settings, server, logging } });
  const serving = await buildServing(config);
  await serving.load();
  const address = await serving.server.listen();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await serving.close();
  };
  after(close);
  return { ...serving, close, url: address.replace('[::1]', '127.0.0.1') };
}

/** POSTs JSON and returns status, headers and the parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
}
