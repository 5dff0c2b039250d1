/**
 * A throw-away certificate authority made with the openssl CLI, and a server certificate it signs:
 * what a home network with a private CA has (the CA's certificate is what a user gives `--ca-cert`).
 * Keys are P-256, valid for a day, and live only in the test's temp folder.
 */

import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ThrowawayCa {
  /** The CA certificate (PEM): give this to `--ca-cert`. */
  caCert: string;
  /** The server's certificate (PEM), signed by the CA; SAN `IP:127.0.0.1` and `DNS:localhost`. */
  serverCert: string;
  serverKey: string;
}

const openssl = (args: string[]): void => {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes the CA and a server certificate for 127.0.0.1 in `dir`; returns their paths. */
export function makeThrowawayCa(dir: string): ThrowawayCa {
  const file = (name: string) => path.join(dir, name);
  openssl([
    'req', '-x509', ...EC_KEY, '-days', '1', '-subj', '/CN=photo-organizer throw-away test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file('ca.key'), '-out', file('ca.pem'),
  ]);
  openssl(['req', '-new', ...EC_KEY, '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr')]);
  // A leaf certificate as a real CA issues one: not a CA itself, for TLS servers, named by IP.
  writeFileSync(file('server.ext'), [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '',
  ].join('\n'));
  openssl([
    'x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '1', '-extfile', file('server.ext'), '-out', file('server.pem'),
  ]);
  return { caCert: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key') };
}
