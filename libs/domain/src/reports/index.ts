export * from './statistics';
export * from './sla-outcome';
export * from './report-range';
