import { Socket } from 'node:net';

/** The loopback services integration tests talk to. */
export const SERVICES = {
  postgres: { host: '127.0.0.1', port: 5432 },
  redis: { host: '127.0.0.1', port: 6379 },
  rabbitmq: { host: '127.0.0.1', port: 5672 },
  mqtt: { host: '127.0.0.1', port: 1883 },
  nats: { host: '127.0.0.1', port: 4222 },
} as const;
export type ServiceName = keyof typeof SERVICES;

function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * The `skip` option for tests that need a service: false when it answers,
 * a message naming it when it does not. With TETRA_REQUIRE_SERVICES=1 (CI)
 * an absent service throws instead, so the tests fail rather than skip.
 */
export async function needs(name: ServiceName): Promise<false | string> {
  const { host, port } = SERVICES[name];
  if (await reachable(host, port)) return false;
  const message = `${name} is not reachable on ${host}:${port}`;
  if (process.env.TETRA_REQUIRE_SERVICES === '1') throw new Error(`${message}, and TETRA_REQUIRE_SERVICES=1 requires it`);
  return `${message}; start it to run this test`;
}
