export * from './dispenser-level';
export * from './consumption-rate';
