/** `startFakeImmich()` and the `FakeImmich` handle tests hold: URL, state, recorder, faults, go-away/come-back. */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createOpenApiValidator, immichSpecFile, loadImmichSpec, type OpenApiValidator, type SpecVersion, type Violation } from '../openapi-validator.js';
import { resolveConfig, type FakeImmichConfig, type FakeImmichOptions } from './config.js';
import { FaultController } from './faults.js';
import { JobQueue } from './jobs.js';
import { isThumbnailRequest, isWriteRequest, RequestRecorder, type RecordedRequest } from './recorder.js';
import { RouteTable } from './router.js';
import { albumRoutes } from './routes/album-routes.js';
import { assetRoutes } from './routes/asset-routes.js';
import { COMPATIBLE_SERVER_ROUTES } from './routes/compatible-servers.js';
import { duplicateRoutes } from './routes/duplicate-routes.js';
import { mediaRoutes } from './routes/media-routes.js';
import { metadataRoutes } from './routes/metadata-routes.js';
import { partnerRoutes } from './routes/partner-routes.js';
import { searchRoutes } from './routes/search-routes.js';
import { serverRoutes } from './routes/server-routes.js';
import { stackRoutes } from './routes/stack-routes.js';
import { tagRoutes } from './routes/tag-routes.js';
import { createHttpServer, createPipeline, trackSockets } from './server.js';
import { FakeState } from './state.js';
import type { FakeApiKey, FakeUser } from './types.js';

export interface SeededUser {
  user: FakeUser;
  apiKey: FakeApiKey;
  /** The secret to send as `x-api-key`. */
  key: string;
}

export class FakeImmich {
  /** Base URL without the `/api` part, e.g. `http://127.0.0.1:41234` (plus `pathPrefix` if set). */
  readonly url: string;
  /** `url + '/api'`. */
  readonly apiUrl: string;
  readonly port: number;

  constructor(
    private server: Server,
    private sockets: Set<Socket>,
    private readonly makeServer: () => { server: Server; sockets: Set<Socket> },
    readonly state: FakeState,
    readonly config: FakeImmichConfig,
    readonly recorder: RequestRecorder,
    readonly faults: FaultController,
    private readonly jobs: JobQueue,
    private readonly replies: ((request: RecordedRequest) => void)[],
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}${config.pathPrefix}`;
    this.apiUrl = `${this.url}/api`;
  }

  /** Adds a user with an API key (`['all']` unless given). The first user is admin. */
  seedUser(options: { email?: string; name?: string; isAdmin?: boolean; permissions?: string[] } = {}): SeededUser {
    const { permissions, ...userSeed } = options;
    const user = this.state.addUser(userSeed);
    const apiKey = this.state.addApiKey(permissions ? { userId: user.id, permissions } : { userId: user.id });
    return { user, apiKey, key: apiKey.secret };
  }

  /** Another key for an existing user, e.g. a read-only `['asset.read']` key. */
  addKey(userId: string, permissions: string[]): string {
    return this.state.addApiKey({ userId, permissions }).secret;
  }

  requests(filter?: (r: RecordedRequest) => boolean): RecordedRequest[] {
    return filter ? this.recorder.requests.filter(filter) : [...this.recorder.requests];
  }

  thumbnailRequests(): RecordedRequest[] {
    return this.requests(isThumbnailRequest);
  }

  writeRequests(): RecordedRequest[] {
    return this.requests(isWriteRequest);
  }

  /** The most requests the server was handling at once (latency included) since start or `clearRequests()`. */
  peakInFlight(): number {
    return this.recorder.peakInFlight;
  }

  clearRequests(): void {
    this.recorder.clear();
  }

  /** OpenAPI violations of every recorded request (strict: unknown body fields and query params count). */
  violations(): { request: RecordedRequest; violation: Violation }[] {
    return this.recorder.violations();
  }

  /** Runs held jobs (`thumbnailJobDelayMs: 'manual'`) and waits until background jobs (upload thumbnails) are done. */
  waitForJobs(): Promise<void> {
    return this.jobs.idle();
  }

  /** Called with each request once it is handled, before its answer is sent (a database commits before it answers). */
  onHandled(listener: (request: RecordedRequest) => void): void {
    this.replies.push(listener);
  }

  /** Stops accepting connections and cuts open ones (the server "goes away"). */
  async goAway(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Listens again on the same port after `goAway()`. */
  async comeBack(): Promise<void> {
    const next = this.makeServer();
    await new Promise<void>((resolve, reject) => {
      next.server.once('error', reject);
      next.server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = next.server;
    this.sockets = next.sockets;
  }

  async close(): Promise<void> {
    await this.jobs.idle();
    if (this.server.listening) await this.goAway();
  }
}

const validators = new Map<SpecVersion, { strict: OpenApiValidator; lenient: OpenApiValidator }>();

/** Validators are stateless apart from their compile cache, so every fake of one API version in a process shares them. */
function sharedValidators(api: SpecVersion): { strict: OpenApiValidator; lenient: OpenApiValidator } {
  let pair = validators.get(api);
  if (!pair) {
    const spec = loadImmichSpec(immichSpecFile(api));
    pair = { strict: createOpenApiValidator(spec), lenient: createOpenApiValidator(spec, { strictBodies: false, strictQuery: false }) };
    validators.set(api, pair);
  }
  return pair;
}

export async function startFakeImmich(options: FakeImmichOptions = {}): Promise<FakeImmich> {
  const config = resolveConfig(options);
  const { strict, lenient } = sharedValidators(config.api);
  const state = options.state ?? new FakeState();
  const recorder = new RequestRecorder();
  const faults = new FaultController();
  const jobs = new JobQueue(() => config.thumbnailJobDelayMs);
  const routes = new RouteTable().add([
    ...serverRoutes, ...searchRoutes, ...assetRoutes, ...mediaRoutes(jobs, faults.thumbnail404), ...tagRoutes,
    ...albumRoutes, ...stackRoutes, ...duplicateRoutes, ...metadataRoutes, ...partnerRoutes,
  ]).add(config.imitates ? COMPATIBLE_SERVER_ROUTES[config.imitates] : []);
  const replies: ((request: RecordedRequest) => void)[] = [];
  const pipeline = createPipeline({
    state, config, routes, recorder, faults, replies,
    strictValidator: strict,
    lenientValidator: lenient,
  });
  const makeServer = (): { server: Server; sockets: Set<Socket> } => {
    const server = createHttpServer(pipeline);
    server.keepAliveTimeout = 5_000;
    return { server, sockets: trackSockets(server) };
  };
  const first = makeServer();
  await new Promise<void>((resolve, reject) => {
    first.server.once('error', reject);
    first.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return new FakeImmich(first.server, first.sockets, makeServer, state, config, recorder, faults, jobs, replies);
}
