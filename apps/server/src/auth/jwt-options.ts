// Login tokens: JWT signed with HS256, valid for 12 h (one control-room shift).
import { createSecretKey, randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import type { Env } from '../config/env';
import type { SettingsRepository } from './settings.repository';

export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
export const TOKEN_ISSUER = 'estate-watch';
const SECRET_SETTING = 'auth.jwt_secret';

/**
 * JWT_SECRET when set; otherwise a random 48-byte secret made once and kept in the settings
 * table, so tokens survive a restart and instances sharing the database accept each other's.
 */
export async function resolveJwtSecret(env: Pick<Env, 'jwtSecret'>, settings: Pick<SettingsRepository, 'getOrInsert'>): Promise<string> {
  if (env.jwtSecret) return env.jwtSecret;
  return settings.getOrInsert(SECRET_SETTING, randomBytes(48).toString('base64url'));
}

export function createJwtService(secret: string): JwtService {
  return new JwtService({
    // As a KeyObject, made once: given the string, jsonwebtoken tries it as a PEM public key on every
    // call (createPublicKey, which throws) before taking it as the HMAC secret it is, the same bytes
    // as here (UTF-8). That try was ~18 % of an authenticated GET's CPU under the path bench's polls.
    secret: createSecretKey(Buffer.from(secret, 'utf8')),
    signOptions: { algorithm: 'HS256', expiresIn: TOKEN_TTL_SECONDS, issuer: TOKEN_ISSUER },
    // Pinning the algorithm refuses `alg: none` and key-confusion tokens.
    verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER },
  });
}
