/**
 * Loading one module of the Bot Framework SDK, or of a package it brings, by path: for the few
 * places where Lantern changes a detail of the pinned SDK that its public classes do not expose
 * (dialogs/DialogStateConfiguration.ts, bot/eventTimezone.ts).
 */
import { createRequire } from 'node:module';

/**
 * The module `specifier` as the package `from` loads it (the same instance the SDK uses; without
 * `from`, as Lantern loads it), or undefined when there is none so named.
 */
export function sdkModule<Module>(specifier: string, from?: string): Partial<Module> | undefined {
  try {
    const here = createRequire(import.meta.url);
    return (from ? createRequire(here.resolve(from)) : here)(specifier) as Partial<Module>;
  } catch {
    return undefined;
  }
}
