/** The versioned configuration format (docs/config.md). */
export type { IdText, IkeConfig } from './types.js';
export { parseConfig, parseConfigs, ConfigError, CONFIG_DEFAULTS } from './parse.js';
export { resolveConfig, pskBytes } from './resolve.js';
export type { Identity, ResolvedConfig } from './resolve.js';
export { weakReason, weakTransforms } from './weak.js';
export { lookupKeyword, keywordOf } from './proposal-keywords.js';
export type { Keyword } from './proposal-keywords.js';
