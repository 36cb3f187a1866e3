// Issue 8 point 5: whose word the server takes for the client's address. Express's `trust proxy`
// decides what `request.ip` (Nest's @Ip()) and `request.secure` answer; unset, X-Forwarded-For is
// ignored, so a client cannot pick the address its failed sign-ins are counted against.
// Set here rather than in bootstrap so test apps built from AuthModule behave as the server does.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ENV, type Env } from '../config/env';

@Injectable()
export class TrustProxySetting implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ENV) private readonly env: Pick<Env, 'trustProxy'>,
  ) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter?.getInstance<{ set?: (name: string, value: unknown) => void }>();
    instance?.set?.('trust proxy', this.env.trustProxy ?? false);
  }
}
