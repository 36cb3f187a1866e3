export * from './classify-tap';
export * from './round-plan';
export * from './assign-tap';
export * from './round-progress';
export * from './visit-round';
export * from './reconcile-rounds';
