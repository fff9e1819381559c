/**
 * Reads IKE configs from a JSON file: one config object, or an array of them. Every error names
 * the file, and the config's place in an array.
 */
import { readFile } from 'node:fs/promises';
import { parseConfig, type IkeConfig } from '../config/index.js';

export class ConfigFileError extends Error {
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.name = 'ConfigFileError';
  }
}

/** Parses the text of a config file; `file` only names it in errors. */
export function parseConfigText(text: string, file: string): IkeConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, `not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0) throw new ConfigFileError(file, 'the array holds no config');
  return list.map((c, i) => {
    try {
      return parseConfig(c);
    } catch (err) {
      const where = Array.isArray(json) ? `config [${i}]: ` : '';
      throw new ConfigFileError(file, `${where}${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  });
}

export async function loadConfigFile(file: string): Promise<IkeConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigFileError(file, code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}`, { cause: err });
  }
  return parseConfigText(text, file);
}
