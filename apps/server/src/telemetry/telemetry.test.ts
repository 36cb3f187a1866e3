import { telemetrySuite } from './telemetry.suite';

telemetrySuite('pglite');
