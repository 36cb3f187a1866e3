// A self-signed certificate made at run time (no key is committed), with a client certificate
// it signs, written to a temporary folder as the PEM files TLS_CERT_FILE and friends name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TestCertificates {
  dir: string;
  /** Server certificate; also the CA of itself and of the client certificate. */
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  clientCert: string;
  clientKey: string;
  /** A certificate and key from another, unrelated self-signed authority. */
  strangerCert: string;
  strangerKey: string;
  remove(): void;
}

export async function makeCertificates(): Promise<TestCertificates> {
  const extensions = [
    { name: 'basicConstraints' as const, cA: true },
    { name: 'keyUsage' as const, keyCertSign: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage' as const, serverAuth: true, clientAuth: true },
    { name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] },
  ];
  const server = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256', extensions, clientCertificate: { cn: 'lakeside:gate-1', keyType: 'ec', algorithm: 'sha256' } });
  const stranger = await generate([{ name: 'commonName', value: 'stranger' }], { keyType: 'ec', algorithm: 'sha256', clientCertificate: { cn: 'lakeside:gate-1', keyType: 'ec', algorithm: 'sha256' } });
  const dir = mkdtempSync(join(tmpdir(), 'estate-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, server.cert);
  writeFileSync(keyFile, server.private, { mode: 0o600 });
  return {
    dir,
    certFile,
    keyFile,
    cert: server.cert,
    key: server.private,
    clientCert: server.clientcert as string,
    clientKey: server.clientprivate as string,
    strangerCert: stranger.clientcert as string,
    strangerKey: stranger.clientprivate as string,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
