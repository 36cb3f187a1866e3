export * from './site-clock';
