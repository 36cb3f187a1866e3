import { telemetrySuite } from './telemetry.suite';

telemetrySuite('postgres');
