// Writes Mosquitto's dynamic-security.json (device users and their topic ACL, plus the
// server's service account) from the site files. Run again whenever a site file changes, then
// restart Mosquitto (or reload: the plugin reads the file at start).
//
//   SITE_CONFIG=./sites MQTT_SERVICE_USERNAME=estate-server MQTT_SERVICE_PASSWORD=… \
//     npx tsx deploy/mosquitto/generate-auth.ts [deploy/mosquitto/dynamic-security.json]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSiteFiles } from '../../apps/server/src/sites/load-site-files';
import { buildDynsecConfig } from './dynsec-config';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required (see the comment at the top of deploy/mosquitto/generate-auth.ts)`);
    process.exit(2);
  }
  return value;
}

const sites = loadSiteFiles(resolve(required('SITE_CONFIG'))).map((s) => s.config);
const service = { username: required('MQTT_SERVICE_USERNAME'), password: required('MQTT_SERVICE_PASSWORD') };
const out = resolve(process.argv[2] ?? resolve(__dirname, 'dynamic-security.json'));
const config = buildDynsecConfig(sites, service);
// Holds password hashes: readable by Mosquitto only.
writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
console.log(`wrote ${out}: ${config.clients.length - 1} devices in ${sites.length} site(s) and the service account "${service.username}"`);
