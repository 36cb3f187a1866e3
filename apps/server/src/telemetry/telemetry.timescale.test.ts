import { telemetrySuite } from './telemetry.suite';

telemetrySuite('timescale');
