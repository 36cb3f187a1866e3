export * from './device-status';
export * from './silence';
