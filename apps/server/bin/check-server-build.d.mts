// Types of check-server-build.mjs (plain JavaScript, as the bin scripts are), for the build script and its tests.
export const SERVER_BUILD_DIR: string;
export const REPO_ROOT: string;
export const BUILD_MANIFEST_FILE: string;
export const NODE_FLAGS: string;
export function digestOf(bytes: Uint8Array): string;
export type ServerBuildCheck = { entry: string } | { missing: true } | { stale: string };
export function checkServerBuild(options?: { buildDir?: string; root?: string; nodeFlags?: string }): ServerBuildCheck;
export function handOverCheck(result: ServerBuildCheck): void;
export function takeHandedOverCheck(): ServerBuildCheck | undefined;
