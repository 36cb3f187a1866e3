export * from './occupancy';
export * from './stuck-open';
export * from './reconcile-lot';
export * from './barrier-alerts';
