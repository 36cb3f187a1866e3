// common: the clock, site-local time, seeded randomness and the log every part takes.
export * from './common/clock';
export * from './common/time';
export * from './common/local-time';
export * from './common/log';
export * from './common/random';
// devices: one virtual device per site-file device, on its own MQTT connection (CONTRACT §1).
export * from './devices/device';
export * from './devices/checkpoint';
export * from './devices/gate';
export * from './devices/dispenser';
export * from './devices/sensor';
export * from './devices/sensor-model';
// plans: pure days of the estate (same site, date and seed: the same day) and the demo's opening.
export * from './plans/patrol-plan';
export * from './plans/estate-day';
export * from './plans/estate-plan';
export * from './plans/traffic-plan';
export * from './plans/consumables-plan';
export * from './plans/equipment-plan';
export * from './plans/plates';
export * from './plans/demo-opening';
// live: the plans acted out on a clock.
export * from './live/patrol-walker';
export * from './live/estate-runner';
// record-replay: JSON Lines traffic (CONTRACT §7) recorded and replayed.
export * from './record-replay/recording';
export * from './record-replay/recorder';
export * from './record-replay/replay';
export * from './record-replay/replay-publishers';
// The simulator (devices + live plans), the site files, and the link to a running server.
export * from './simulator';
export * from './site-files';
export * from './cli/server-link';
