import { createServer, connect, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 a test can cut or freeze, standing between the API and its PostgreSQL. */
export interface TcpProxy {
  port: number;
  /** Stops forwarding: bytes already sent stay unanswered and new connections are accepted but never reach the target. */
  freeze(): void;
  /** Drops every connection and stops listening: connecting is refused. */
  cut(): Promise<void>;
  /** Listens again on the same port, forwarding as before. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  // Clients accepted while frozen: connected upstream when the link comes back.
  const held = new Set<Socket>();
  let frozen = false;
  const forward = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => (sockets.delete(client), held.delete(client)));
    client.on('error', () => client.destroy());
    if (!frozen) return forward(client);
    client.pause();
    held.add(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  const port = await listen(0);
  const stop = async () => {
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    freeze() {
      frozen = true;
      for (const s of sockets) s.pause();
    },
    cut: stop,
    async restore() {
      frozen = false;
      // A link that forwards again delivers what waited: paused connections resume, held ones are connected.
      for (const s of sockets) if (!held.has(s)) s.resume();
      for (const c of held) (forward(c), c.resume());
      held.clear();
      if (!server.listening) await listen(port);
    },
    close: stop,
  };
}
