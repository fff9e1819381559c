/**
 * Locates the team's read-only data folders (../shared/vectors/...), given to the tests through
 * environment variables that .ci/run sets. Without CI=true a missing folder skips the suite that
 * needs it; with CI=true it is a failure, never a skip.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const DEFAULTS: Record<string, string> = {
  IKESTACK_WIRESHARK_DIR: '../shared/vectors/wireshark',
  IKESTACK_CAVP_DIR: '../shared/vectors/nist-cavp-kdf135-ike',
};

/** The folder named by `envVar` (or its default beside the repo), or undefined when absent outside CI. */
export function sharedDir(envVar: keyof typeof DEFAULTS | string): string | undefined {
  const dir = process.env[envVar] || (DEFAULTS[envVar] ? resolve(process.cwd(), DEFAULTS[envVar]) : undefined);
  if (dir && existsSync(dir)) return dir;
  if (process.env.CI === 'true') {
    throw new Error(`${envVar} is not set or ${dir ?? '(unset)'} does not exist; CI=true makes this a failure`);
  }
  return undefined;
}
