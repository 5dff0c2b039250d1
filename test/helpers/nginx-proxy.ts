/**
 * A real nginx in front of a local upstream, the way people put Immich on a home network: TLS on
 * 127.0.0.1, a sub-path (`/immich/`) that nginx strips before passing on, and the proxy settings of
 * Immich's reverse-proxy guide. It is a child process with its own config, pid file, logs and temp
 * folders under a test's temp dir (never the system service), stopped by `stop()`.
 *
 * The access log is JSON lines with nginx's connection serial number and request count on it, so a
 * test can see whether the client reused its connections, and what nginx itself answered.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The nginx binary on PATH or in the usual sbin folders (not on a user's PATH), if installed. */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  for (const dir of dirs.filter((d) => d !== '')) {
    const candidate = path.join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

export interface NginxProxyOptions {
  nginx: string;
  /** A fresh folder of nginx's own for config, logs and temp files (made readable to nginx's workers). */
  dir: string;
  upstreamPort: number;
  tls: { cert: string; key: string };
  /** The public sub-path, e.g. `/immich`; stripped before the request reaches the upstream. */
  prefix: string;
  /** nginx's `proxy_read_timeout`: an upstream silent this long gets nginx's own 504. */
  readTimeoutSeconds: number;
}

/** One access-log line: what nginx answered the client, and what the upstream answered nginx. */
export interface AccessLogEntry {
  /** nginx's serial number of the client connection. */
  connection: number;
  /** Which request on that connection this was, from 1. */
  connectionRequests: number;
  method: string;
  /** Path and query as the client sent them. */
  uri: string;
  status: number;
  bodyBytes: number;
  /** '-' when nginx did not reach the upstream; several values when it tried more than once. */
  upstreamStatus: string;
}

export interface NginxProxy {
  port: number;
  /** `https://127.0.0.1:<port><prefix>`: what a user gives `--immich-url`. */
  url: string;
  accessLog(): AccessLogEntry[];
  errorLog(): string;
  stop(): Promise<void>;
}

const LOG_FORMAT = [
  '{"connection":$connection,"connectionRequests":$connection_requests,"method":"$request_method","uri":"$request_uri",',
  '"status":$status,"bodyBytes":$body_bytes_sent,"upstreamStatus":"$upstream_status"}',
].join('');

function config(options: NginxProxyOptions, port: number): string {
  const file = (name: string) => path.join(options.dir, name);
  const prefix = `/${options.prefix.replace(/^\/+|\/+$/g, '')}/`;
  return `daemon off;
worker_processes 1;
pid ${file('nginx.pid')};
lock_file ${file('nginx.lock')};
error_log ${file('error.log')} warn;
events { worker_connections 128; }
http {
  log_format po escape=json '${LOG_FORMAT}';
  access_log ${file('access.log')} po;
  client_body_temp_path ${file('tmp/body')};
  proxy_temp_path ${file('tmp/proxy')};
  fastcgi_temp_path ${file('tmp/fastcgi')};
  uwsgi_temp_path ${file('tmp/uwsgi')};
  scgi_temp_path ${file('tmp/scgi')};
  server {
    listen 127.0.0.1:${port} ssl;
    server_name 127.0.0.1;
    ssl_certificate ${options.tls.cert};
    ssl_certificate_key ${options.tls.key};
    # As Immich's reverse-proxy guide has it, but on a sub-path: the trailing slash of proxy_pass
    # replaces ${prefix} with /, so Immich sees /api/... as it would without the proxy.
    location ${prefix} {
      proxy_pass http://127.0.0.1:${options.upstreamPort}/;
      client_max_body_size 50000M;
      proxy_request_buffering off;
      client_body_buffer_size 1024k;
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_redirect off;
      proxy_read_timeout ${options.readTimeoutSeconds}s;
      proxy_send_timeout 600s;
      send_timeout 600s;
    }
  }
}
`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

/** Resolves once nginx accepts connections; rejects with its own words if it stopped first. */
async function ready(child: ChildProcess, port: number, output: () => string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx stopped (${child.exitCode ?? child.signalCode}): ${output()}`);
    if (await accepts(port)) return;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not accept connections within 10 s: ${output()}`);
}

export async function startNginxProxy(options: NginxProxyOptions): Promise<NginxProxy> {
  mkdirSync(path.join(options.dir, 'tmp'), { recursive: true });
  // Started as root, nginx's workers run as nobody: they write big answers to the temp folders in
  // here (nginx makes those and gives them to nobody), so this folder must let them through.
  chmodSync(options.dir, 0o755);
  const errorLog = path.join(options.dir, 'error.log');
  const readLog = (name: string) => {
    try {
      return readFileSync(path.join(options.dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  // The free port can be taken by someone else before nginx binds it: then try another one.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = path.join(options.dir, 'nginx.conf');
    writeFileSync(configFile, config(options, port));
    const child = spawn(options.nginx, ['-p', options.dir, '-e', errorLog, '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Should the test process end without stop(), nginx (daemon off) must not outlive it.
    const orphanGuard = (): void => void child.kill('SIGTERM');
    process.once('exit', orphanGuard);
    try {
      await ready(child, port, () => `${stderr}${readLog('error.log')}`.trim());
    } catch (error) {
      process.off('exit', orphanGuard);
      if (attempt < 5 && /Address already in use/.test(String(error))) continue;
      throw error;
    }
    return {
      port,
      url: `https://127.0.0.1:${port}${options.prefix.replace(/\/+$/, '')}`,
      accessLog: () =>
        readLog('access.log')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as AccessLogEntry),
      errorLog: () => readLog('error.log'),
      stop: async () => {
        const done = exited(child);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await done;
        clearTimeout(timer);
        process.off('exit', orphanGuard);
      },
    };
  }
}
