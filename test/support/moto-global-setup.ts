import type { TestProject } from 'vitest/node';
import { MOTO_INSTALL_HINT, motoInstalled, startMoto } from './moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** moto's endpoint, or '' when moto is not installed and the moto-backed suites skip. */
    motoEndpoint: string;
  }
}

/**
 * One moto server for the whole run. Without moto the suites that need it skip, except under
 * TRUSTWATCH_REQUIRE_TOOLS=1 (CI), where a skipped adapter test would hide a missing install.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!motoInstalled()) {
    const message = `python3 -m moto.server is unavailable: install it with ${MOTO_INSTALL_HINT}`;
    if (process.env.TRUSTWATCH_REQUIRE_TOOLS === '1') throw new Error(message);
    console.warn(`${message}; the moto-backed suites are skipped`);
    project.provide('motoEndpoint', '');
    return undefined;
  }
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
