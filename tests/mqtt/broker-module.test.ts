// BrokerModule and IngestModule wired by Nest as the app module does: DI resolves, the broker
// starts on bootstrap (after ingest replays), and stops on close.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerModule } from '../../apps/server/src/broker/broker.module';
import { BrokerService } from '../../apps/server/src/broker/broker.service';
import { MQTT_TRANSPORT, type MqttTransport } from '../../apps/server/src/broker/mqtt-transport';
import { readEnv } from '../../apps/server/src/config/env';
import { CoreModule } from '../../apps/server/src/core/core.module';
import type { Database } from '../../apps/server/src/db/database';
import { IngestModule } from '../../apps/server/src/ingest/ingest.module';
import { IngestService } from '../../apps/server/src/ingest/ingest.service';
import { SitesService } from '../../apps/server/src/sites/sites.service';
import { envelope, json, openPglite, RecordingHandler, SITE, testClock, TOPIC } from '../support/mqtt-ingest';
import { connectClient } from '../support/mqtt-clients';

describe('BrokerModule and IngestModule in a Nest application', () => {
  let db: Database;
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>;
  let handler: RecordingHandler;

  beforeAll(async () => {
    db = await openPglite();
    const env = { ...readEnv({ MQTT_PORT: '0' }), dataDir: undefined };
    // The handler reaches ingest as the app's handlers do: a provider marked @IngestHandler().
    @Module({ imports: [CoreModule.forRoot({ env, db, clock: testClock(), sites: [SITE] }), IngestModule, BrokerModule], providers: [RecordingHandler] })
    class TestAppModule {}
    app = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
    await app.get(SitesService).syncToDatabase();
    await app.init();
    handler = app.get(RecordingHandler);
    expect(app.get(IngestService).handlers).toEqual([handler]);
  });

  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('starts the embedded broker on bootstrap and ingests a device message', async () => {
    const broker = app.get(BrokerService);
    expect(broker.mode).toBe('embedded');
    expect(await broker.start()).toBe(broker.port); // idempotent: the same running broker
    const { client, end } = await connectClient(broker.port as number, 'lakeside:cp-1', 'secret-cp-1');
    await client.publishAsync(TOPIC.tap, json(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'nest-1')), { qos: 1 });
    await handler.until(1);
    expect(handler.seen[0]?.msgId).toBe('nest-1');
    await end();
  });

  it('exposes the transport for cmd and health', () => {
    const transport = app.get<MqttTransport>(MQTT_TRANSPORT);
    expect(transport.isUp()).toBe(true);
    expect(transport).toBe(app.get(BrokerService));
  });
});
