/**
 * Reads IKE configs from a JSON file: one config object, or an array of them. Every error names
 * the file, and the config's place in an array. `"version": 1` configs are IKEv1 (parseConfigV1),
 * others IKEv2; one file holds one version.
 */
import { readFile } from 'node:fs/promises';
import { parseConfig, type IkeConfig } from '../config/index.js';
import { parseConfigV1, type IkeConfigV1 } from '../ikev1/index.js';

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

/** The configs of a file, by IKE version. */
export type VersionedConfigs = { version: 2; configs: IkeConfig[] } | { version: 1; configs: IkeConfigV1[] };

function parseJson(text: string, file: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(file, `not JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0) throw new ConfigFileError(file, 'the array holds no config');
  return list;
}

const versionOf = (c: unknown): unknown => (typeof c === 'object' && c !== null ? (c as { version?: unknown }).version : undefined);

/** Parses a config file of either IKE version, dispatching on its configs' "version" field. */
export function parseVersionedConfigText(text: string, file: string): VersionedConfigs {
  const list = parseJson(text, file);
  const many = list.length > 1 || text.trimStart().startsWith('[');
  const v1 = list.map((c) => versionOf(c) === 1);
  if (v1.some((x) => x !== v1[0])) throw new ConfigFileError(file, 'version 1 and version 2 configs in one file');
  if (!v1[0]) return { version: 2, configs: parseConfigText(text, file) };
  return {
    version: 1,
    configs: list.map((c, i) => {
      try {
        return parseConfigV1(c);
      } catch (err) {
        throw new ConfigFileError(file, `${many ? `config [${i}]: ` : ''}${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }),
  };
}

async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigFileError(file, code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}`, { cause: err });
  }
}

export async function loadVersionedConfigFile(file: string): Promise<VersionedConfigs> {
  return parseVersionedConfigText(await readConfigText(file), file);
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
