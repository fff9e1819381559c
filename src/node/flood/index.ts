export { runFlood, floodTemplate, type FloodOptions, type FloodResult } from './generator.js';
export { spawnFlood } from './spawn.js';
