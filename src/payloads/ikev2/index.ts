export * from './header.js';
export * from './message.js';
export * from './types.js';
