import { connect, type Socket } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * An HTTP/1.1 request written in two parts over its own connection: the
 * connection is open (and busy, since a request has begun) before
 * `finish` sends the rest. Lets a test make a request "from an existing
 * connection" at a moment of its choosing, e.g. after the server began
 * shutting down and stopped accepting connections.
 */
export interface SplitRequest {
  finish(rest: string): Promise<RawResponse>;
}

export async function startRequest(url: string, head: string): Promise<SplitRequest> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(head);
  const response = readResponse(socket);
  // Observed now so a test that fails before finish() leaves no unhandled rejection; finish() still reports it.
  response.catch(() => undefined);
  return {
    finish: (rest) => {
      socket.write(rest);
      return response;
    },
  };
}

/** Outcome of opening a new TCP connection: accepted or refused. */
export function tryConnect(url: string): Promise<'accepted' | 'refused'> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error)));
  });
}

function readResponse(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const parse = (): RawResponse | undefined => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? Number.NaN);
      const body = data.subarray(end + 4);
      if (Number.isFinite(length) && body.length < length) return undefined;
      return { status: Number(statusLine?.split(' ')[1]), headers, body: body.toString('utf8') };
    };
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const done = parse();
      if (!done) return;
      socket.destroy();
      resolve(done);
    });
    socket.once('close', () => {
      const done = parse();
      if (done) resolve(done);
      else reject(new Error(`the connection closed before a whole response arrived (got ${JSON.stringify(data.toString('latin1'))})`));
    });
    socket.once('error', reject);
  });
}
