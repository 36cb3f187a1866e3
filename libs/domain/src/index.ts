export * from './work-orders/work-order-transitions';
export * from './work-orders/sla';
export * from './work-orders/alert-work-order';
export * from './work-orders/work-order-number';
export * from './reports';
export * from './patrol';
