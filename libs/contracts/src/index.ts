export * from './topics';
export * from './payloads';
export * from './site-config';
export * from './alerts';
export * from './api';
export * from './live';
export * from './work-orders';
export * from './reports';
