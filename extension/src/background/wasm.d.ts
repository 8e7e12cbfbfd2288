// The wasm-bindgen --target web glue (build/wasm/medcode.js), aliased by the build.
declare module "medcode-wasm" {
  export default function init(opts: { module_or_path: string | URL | Response | BufferSource }): Promise<unknown>;
  export class MedcodeEngine {
    constructor(index: Uint8Array);
    info(): unknown;
    lookup(code: string): unknown;
    search(query: string, system?: string, limit?: number): unknown;
    free(): void;
  }
  /** an index file copied into the engine's memory chunk by chunk (src/bindings.rs) */
  export class IndexLoader {
    constructor(size: number);
    push(chunk: Uint8Array): void;
    finish(): MedcodeEngine;
    free(): void;
  }
  /** parses and checks a user's data file; throws "file:line:column: what is wrong" */
  export function parseUserData(kind: string, name: string, bytes: Uint8Array, added?: string): { summary: import("../shared/engine-api").UserDataSummary; bytes: Uint8Array };
}
