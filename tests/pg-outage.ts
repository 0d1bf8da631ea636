import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A TCP relay to Postgres that a test can cut, hang and restore: a database
 * outage on demand. Port 0 picks a free port on the first `up()` and keeps it.
 */
export class Outage {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  constructor(
    public port = 0,
    private readonly upstream = { host: "127.0.0.1", port: 5432 },
  ) {}

  /** Relays every connection to the real server. */
  async up() {
    await this.listen((client) => {
      const upstream = connect(this.upstream.port, this.upstream.host);
      for (const s of [client, upstream]) this.track(s);
      client.pipe(upstream).pipe(client);
    });
  }

  /** Accepts connections and never answers: a network black hole. */
  async hang() {
    await this.listen((client) => this.track(client));
  }

  /** Cuts every open connection and refuses new ones. */
  async down() {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  /** `url` with its host and port pointed at this relay. */
  relayUrl(url: string): string {
    const relayed = new URL(url);
    relayed.hostname = "127.0.0.1";
    relayed.port = String(this.port);
    return relayed.toString();
  }

  private track(s: Socket) {
    this.sockets.add(s);
    s.on("close", () => this.sockets.delete(s));
    s.on("error", () => s.destroy());
  }

  private async listen(onConnection: (client: Socket) => void) {
    this.server = createServer(onConnection);
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
}
