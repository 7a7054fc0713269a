// Types of register-drizzle-resolve-shortcut.mjs (plain JavaScript, as the bin scripts are), for its test.
export function isDrizzleRelativeImport(specifier: string, parentURL: string | undefined): boolean;
export function registerDrizzleResolveShortcut(): void;
