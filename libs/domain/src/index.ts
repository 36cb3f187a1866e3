export * from './work-orders/work-order-transitions';
