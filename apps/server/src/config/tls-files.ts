// Reads the certificate files named by the environment once, at start-up, so a missing or
// unreadable file stops the server with the variable and the path named (STYLE: fail loudly).
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { EnvError, type Env } from './env';

export interface ServerTls {
  cert: Buffer;
  key: Buffer;
  /** Client-certificate CA (MQTTS only). */
  ca?: Buffer;
}

/** The server's certificate and key (and client CA), or undefined when no certificate is configured. */
export function loadServerTls(env: Pick<Env, 'tlsCertFile' | 'tlsKeyFile' | 'tlsCaFile'>): ServerTls | undefined {
  if (!env.tlsCertFile || !env.tlsKeyFile) return undefined;
  const tls: ServerTls = {
    cert: readPem('TLS_CERT_FILE', env.tlsCertFile),
    key: readPem('TLS_KEY_FILE', env.tlsKeyFile),
    ...(env.tlsCaFile ? { ca: readPem('TLS_CA_FILE', env.tlsCaFile) } : {}),
  };
  checkPair(tls);
  return tls;
}

/** TLS toward an external broker: its CA (MQTT_CA_FILE; unset: the system's CAs) and our client certificate, if any. */
export function loadBrokerTls(env: Pick<Env, 'mqttCaFile' | 'mqttCertFile' | 'mqttKeyFile'>): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  return {
    ...(env.mqttCaFile ? { ca: readPem('MQTT_CA_FILE', env.mqttCaFile) } : {}),
    ...(env.mqttCertFile && env.mqttKeyFile ? { cert: readPem('MQTT_CERT_FILE', env.mqttCertFile), key: readPem('MQTT_KEY_FILE', env.mqttKeyFile) } : {}),
  };
}

function readPem(variable: string, path: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new EnvError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!pem.includes('-----BEGIN ')) throw new EnvError(`${variable}: ${path} is not a PEM file (no "-----BEGIN" line)`);
  return pem;
}

/** A key that does not belong to the certificate would otherwise fail only at the first handshake. */
function checkPair(tls: ServerTls): void {
  const options: SecureContextOptions = { cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) };
  try {
    createSecureContext(options);
  } catch (error) {
    throw new EnvError(`TLS_CERT_FILE / TLS_KEY_FILE / TLS_CA_FILE: not a usable certificate, key and CA (${(error as Error).message})`);
  }
}
