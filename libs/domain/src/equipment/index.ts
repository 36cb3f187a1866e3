export * from './evaluate-limit';
